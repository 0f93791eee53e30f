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


@pytest.mark.parametrize("text, expected", [
    ("Use the `<details>` element for long logs.\nanswer", None),  # a mention in running text
    ("<!-- <details><summary>Old</summary> -->\nanswer", None),  # a comment
    ("    <details>\n\nanswer", None),  # an indented code block shows it as text
    ("::: details Pager setup {open}\nanswer\n:::", None),  # VitePress' open marker
    ('{{< details title="Setup" open="true" >}}\nanswer\n{{< /details >}}', None),  # hugo-book: any `open`
    ('{{< details "How to open the safe" >}}\nanswer\n{{< /details >}}', "How to open the safe"),
    ("??? warning\n    answer", "Warning"),  # untitled: MkDocs labels it by its type
    ("<details><summary>Outer</summary>\n<details><summary>Inner</summary>\nx\n</details>\n</details>", None),
])
def test_what_the_page_shows_open_is_not_called_collapsed(text, expected):
    # An attack on this pass's code: each of these said "collapsed" (or named it wrongly).
    line = 2 if "answer" in text else 3
    if text.startswith("<details><summary>Outer"):
        line = 2  # the inner block's summary line: inside the folded outer block
        expected = "Outer"
    assert collapsed_block(text, 1, line) == expected


def test_a_title_shows_no_direction_or_control_characters():
    # A U+202E in a block title reversed the reply's own words after it on the chat page.
    text = '??? note "Badge \u202etxt.exe\u0007 office"\n    answer'
    assert collapsed_block(text, 1, 2) == "Badge txt.exe office"


def test_a_weak_matchs_folded_line_is_called_the_closest_not_the_answer():
    # Under "the notes do not seem to answer this", "the answer is inside ..." claimed an
    # answer the notice denies (a second read, 2026-12-06): a weak match names its closest line.
    from assistant.chunking import Chunk
    from assistant.hits import Hit
    from assistant.render import format_hit
    from assistant.webrender import best_hit_html

    text = "## Contacts\n<details>\n<summary>Pager</summary>\nInstall the app.\n</details>"
    hit = Hit(Chunk("n.md", "n", ("n", "Contacts"), "contacts", None, 1, 5, text), 0.5, "/n#contacts", (4,))
    assert "the answer is inside the collapsed block “Pager”" in format_hit(1, hit)
    weak = format_hit(1, hit, weak=True)
    assert "the closest line is inside the collapsed block “Pager”" in weak and "the answer is" not in weak
    assert "最も近い行はページの折りたたみ「Pager」" in format_hit(1, hit, weak=True, lang="ja")
    assert "the closest line is inside" in best_hit_html(hit, "en", weak=True)


def test_words_after_a_closer_at_the_start_of_the_answer_line_are_in_view():
    # `</details> Ask Emi.` shows "Ask Emi." below the folded block (an attack, 2026-12-06).
    text = "\n".join(["## A", "<details>", "<summary>S</summary>", "inside", "</details> Ask Emi.",
                      '{{< details "H" >}}', "x", "{{< /details >}} after"])
    assert collapsed_block(text, 1, 4) == "S"
    assert collapsed_block(text, 1, 5) is None
    assert collapsed_block(text, 1, 7) == "H" and collapsed_block(text, 1, 8) is None
    assert collapsed_block("<details>\n<summary>S</summary>\nx</details>", 1, 3) == "S"  # the closer after it


def test_a_closer_followed_by_an_opener_or_inside_code_leaves_the_line_folded():
    # An attack: "</details><details><summary>Secret</summary> Ask Emi." is inside the next
    # folded block, and a fenced "</details>" inside a folded block is code, not a closer.
    text = "\n".join(["## A", "<details>", "<summary>S</summary>", "x", "</details><details><summary>Secret</summary> Ask Emi."])
    assert collapsed_block(text, 1, 5) is not None
    fenced = "\n".join(["## A", "<details>", "<summary>S</summary>", "```", "</details> code", "```"])
    assert collapsed_block(fenced, 1, 5) == "S"
