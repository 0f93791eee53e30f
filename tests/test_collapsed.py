"""collapsed.py: the folded block an answer line sits in, per engine's syntax."""
import pytest

from assistant.collapsed import collapsed_block

NOTE = """## Contacts
- a
<details markdown="1">
<summary>Pager <b>setup</b></summary>
Install the app.
</details>
after
<details open><summary>x</summary>
shown
</details>
::: details Why 8 docks?
because
:::
::: tip
tip line
:::
??? note "Old rule"
    body line
next
???+ tip "Shown"
    open body
```
<details>
```
code after
{{< details "Hugo T" >}}
hugo body
{{< /details >}}
::: warning
<details>
<summary>Inner</summary>
inner line
</details>
warning line
:::
<details>
no summary here
</details>"""

EXPECTED = {5: "Pager setup", 7: None, 9: None, 12: "Why 8 docks?", 15: None, 18: "Old rule", 19: None, 21: None,
            25: None, 27: "Hugo T", 32: "Inner", 34: None, 37: "Details", 4: None, 1: None}  # 4: the summary shows while closed


@pytest.mark.parametrize("line", sorted(EXPECTED))
def test_each_engines_folded_block_is_found_and_open_ones_are_not(line):
    assert collapsed_block(NOTE, 1, line) == EXPECTED[line]


def test_a_line_outside_the_text_and_a_chunk_starting_inside_a_block_say_nothing():
    assert collapsed_block(NOTE, 1, 0) is None and collapsed_block(NOTE, 1, 999) is None
    body_only = "\n".join(NOTE.split("\n")[4:6])  # "Install the app." without its opener
    assert collapsed_block(body_only, 5, 5) is None


def test_a_long_or_marked_up_title_is_shown_plain_and_cut():
    text = "<details><summary>" + "**Why** &amp; " * 20 + "</summary>\nline\n</details>"
    title = collapsed_block(text, 1, 2)
    assert title.startswith("Why & Why") and len(title) == 80 and title.endswith("…") and "**" not in title


@pytest.mark.parametrize("line", ["{{< details " * 20_000, "<details>" * 20_000, "<details><summary>" + "y" * 300_000,
                                  "??? " + "a " * 50_000 + "!"])
def test_a_hostile_marker_line_costs_no_more_than_a_plain_one(line):
    # 20,000 "{{< details " on one line took 54 s and 20,000 "<details>" 3.3 s, per hit shown,
    # before markers were read in a line's first MAX_MARKER_LINE_CHARS with bounded patterns.
    import time

    start = time.perf_counter()
    collapsed_block(line + "\nanswer", 1, 2)
    assert time.perf_counter() - start < 5.0  # a guard against quadratic matching, not a speed target
