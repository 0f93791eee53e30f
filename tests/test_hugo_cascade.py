"""Hugo sections that hide pages below them (wiki/hugocascade.py) and JSON front matter
(notemeta.json_front_matter): the rules' edges and their cost on hostile trees. The rules
themselves are checked against a real Hugo build in test_site_real.py."""
from __future__ import annotations

import time

import pytest

from assistant.notes import parse_note
from assistant.wiki.hugo import _moment, go_true, hides_page
from assistant.wiki.hugocascade import _Budget, _glob, _matches, hidden_by_sections
from assistant.wiki.pages import front_matter


@pytest.mark.parametrize("pattern, path, matches", [
    ("/docs/*", "/docs/a.md", True),
    ("/docs/*", "/docs/sub/a.md", False),  # `*` stops at '/'
    ("/docs/**", "/docs/sub/a.md", True),
    ("/docs/?.md", "/docs/a.md", True),
    ("/docs/?.md", "/docs/ab.md", False),
    ("{/a.md,/b/**}", "/b/c/d.md", True),
    ("{/a.md,/b/**}", "/c.md", False),
    ("/[ab].md", "/b.md", True),
    ("/[!ab].md", "/b.md", False),
    ("/DOCS/A.md", "/docs/a.md", True),  # any case, as Hugo 0.111 matched it
    ("/a.(md)", "/a.(md)", True),  # regex characters are text
])
def test_target_globs_read_as_hugos(pattern, path, matches):
    assert _matches({"path": pattern}, {"path": path}, _Budget()) is matches


@pytest.mark.parametrize("pattern", ["{/a,/b", "[ab", "x" * 4_001])
def test_a_glob_that_cannot_be_read_applies_to_every_page(pattern):
    """On the side of hiding: a target this module cannot read hides what its block hides."""
    assert _glob(pattern) is None
    assert _matches({"path": pattern}, {"path": "/any/page.md"}, _Budget())


def test_a_list_of_forty_pages_in_one_glob_is_read():
    """A second attack: a brace list of 40 pages (over 1,000 characters) matched nothing."""
    pages = ["/long/secret.md"] + [f"/long/other-page-number-{i:03d}.md" for i in range(39)]
    pattern = "{" + ",".join(pages) + "}"
    assert len(pattern) > 1_000
    assert _matches({"path": pattern}, {"path": "/long/secret.md"}, _Budget())
    assert not _matches({"path": pattern}, {"path": "/long/kept.md"}, _Budget())


def test_a_backtracking_glob_costs_pattern_times_path_steps():
    """As a regex, `/s/*a*a*a*a*a*a*b` over a page named "a" x 70 took 14 s (a second attack)."""
    budget = _Budget()
    path = "/s/" + "a" * 4_000 + ".md"
    assert not _matches({"path": "/s/*a*a*a*a*a*a*b"}, {"path": path}, budget)
    assert budget.left > 0 and budget.left >= _Budget().left - 20 * len(path)


def test_a_section_hides_through_folders_without_their_own_section_page():
    notes = {"a/_index.md": {"draft": True}, "a/b/c/d.md": {"title": "deep"}, "e.md": {}}
    assert hidden_by_sections(notes, None) == {"a/_index.md", "a/b/c/d.md"}


def test_a_page_own_value_wins_over_the_cascade_when_its_section_is_built():
    notes = {"a/_index.md": {"cascade": [{"_target": {"path": "/a/keep.md"}, "draft": False}, {"draft": True}]},
             "a/keep.md": {}, "a/own.md": {"draft": False}, "a/gone.md": {}}
    # the cascade reaches the section's own page too: written with no target, it is a draft
    assert hidden_by_sections(notes, None) == {"a/_index.md", "a/keep.md", "a/own.md", "a/gone.md"}
    notes["a/_index.md"]["draft"] = False
    assert hidden_by_sections(notes, None) == {"a/gone.md"}


def test_a_tree_thousands_of_folders_deep_with_cascades_is_read_within_a_budget(caplog):
    """2,000 nested sections of ten targeted blocks each, 200 pages at the bottom: no
    recursion error; past the site's budget of steps every page under a cascade is left
    out (on the side of hiding), and the log says so."""
    notes, folder = {}, ""
    blocks = [{"_target": {"path": "/**/x" + "*" * 5 + ".md"}, "draft": True}] * 10
    for depth in range(2_000):
        folder += "d/"
        notes[folder + "_index.md"] = {"cascade": blocks}
    notes.update({f"{folder}p{i}.md": {} for i in range(200)})
    notes["top.md"] = {}
    started = time.perf_counter()
    hidden = hidden_by_sections(notes, None)
    assert time.perf_counter() - started < 60  # the budget's steps, not depth x blocks x pages matches
    assert "top.md" not in hidden and f"{folder}p0.md" in hidden
    assert "too costly" in caplog.text


def test_the_first_block_of_a_list_wins_and_only_a_lower_case_target_is_one():
    """Hugo 0.111, a second attack: of two blocks targeting one page the first wins; a block
    whose `_TARGET` is in capitals has no target and applies to the section and every page."""
    notes = {"m/_index.md": {"cascade": [{"_target": {"path": "/m/a.md"}, "draft": True},
                                         {"_target": {"path": "/m/a.md"}, "draft": False}]}, "m/a.md": {}}
    assert hidden_by_sections(notes, None) == {"m/a.md"}
    notes = {"t/_index.md": {"cascade": [{"_TARGET": {"path": "/t/a.md"}, "DRAFT": True}]}, "t/a.md": {}, "t/b.md": {}}
    assert hidden_by_sections(notes, None) == {"t/_index.md", "t/a.md", "t/b.md"}
    # Hugo 0.145 renamed `_target` to `target`; given both, `_target` counts (an attack)
    notes = {"r/_index.md": {"cascade": [{"target": {"path": "/r/a.md"}, "draft": True}]}, "r/a.md": {}, "r/b.md": {}}
    assert hidden_by_sections(notes, None) == {"r/a.md"}
    notes = {"r/_index.md": {"cascade": [{"target": {"path": "/r/a.md"}, "_target": {"path": "/r/b.md"}, "draft": True}]},
             "r/a.md": {}, "r/b.md": {}}
    assert hidden_by_sections(notes, None) == {"r/b.md"}


@pytest.mark.parametrize("value, true", [
    (True, True), (1, True), (2, True), (0.5, True), ("1", True), ("t", True), ("T", True), ("TRUE", True),
    ("y", True), ("Y", True), (False, False), (0, False), ("0", False), ("true ", False), ("TrUe", False),
    ("yes", False), (None, False),
])
def test_a_flag_is_true_as_go_reads_it(value, true):
    """cast.ToBool and yaml.v2 (`draft: 1`, `draft: "T"`, `draft: y` hid pages in Hugo 0.111)."""
    assert go_true(value) is true


@pytest.mark.parametrize("meta", [
    {"headless": True}, {"publishDate": 4102444800}, {"publishDate": "02 Jan 2099"},
    {"publishDate": "Mon, 02 Jan 2099 15:04:05 MST"}, {"expiryDate": "02 Jan 2006"},
])
def test_pages_hugo_does_not_build_by_headless_and_go_dates(meta):
    assert hides_page(meta)


def test_a_date_that_is_no_date_hides_nothing():
    assert _moment("x" * 5_000) is None and not hides_page({"date": "soon"})
    # a Unix time past Python's years is far in the future, as Go reads it (a third attack)
    assert hides_page({"publishDate": 4102444800000}) and not hides_page({"expiryDate": 10 ** 30})


def test_hugo_reads_the_first_date_it_can_and_build_before_its_alias():
    """A third attack, each checked with Hugo 0.111: a date key Hugo cannot read falls
    through to the next; `_build` wins over `build`; a render of 0 or `n` is never."""
    assert hides_page({"publishDate": "soon", "date": "2099-01-01"})
    assert hides_page({"expiryDate": "never", "unpublishdate": "2001-01-01"})
    assert hides_page({"_build": {"render": "never"}, "build": {"render": "always"}})
    assert not hides_page({"build": {"render": "never"}, "_build": {"render": "always"}})
    assert hides_page({"_build": {"render": 0}}) and hides_page({"_build": {"render": "n"}})
    assert hides_page({"date": "2099-01-02 15:04:05.123 +0000 UTC"})


@pytest.mark.parametrize("text, meta", [
    ('\n  {\n "Draft": true,\n "rev": ' + "1" * 5_000 + "\n}\n# Page\n", {"Draft": True}),
    ('{"a": {"b": "}"}} and text\n# Page\n', {"a": {"b": "}"}}),  # braces in strings do not close it
    ("{% include toc.html %}\n# Page\n", {}),  # Liquid, not JSON: text
    ("{: .note}\n# Page\n", {}),  # a kramdown attribute list
    ("[1, 2]\n# Page\n", {}),
])
def test_a_json_object_opening_a_note_is_its_front_matter(text, meta):
    note = parse_note(text, "p.md")
    read = front_matter(note)
    assert all(read.get(key) == value for key, value in meta.items()) and bool(read) == bool(meta)
    heading = note.headings[0]
    assert heading.text == "Page" and note.lines[heading.line - 1] == "# Page"
    if meta:  # the block is no text of the note
        assert not any(note.content[: note.lines.index("# Page")])


@pytest.mark.parametrize("pattern", ["{" * 1_500 + "}" * 1_500, "{0,1,2,3,4,5,6,7,8,9}" * 3 + "a" * 2_000])
def test_a_hostile_glob_is_refused_quickly_and_applies(pattern):
    """A third attack: 1,500 nested braces raised RecursionError through `links`, `index` and
    the server's start; a product of alternatives before 2,000 characters took 99 s to
    expand. Both are globs that cannot be read: refused at once, so their block applies."""
    started = time.perf_counter()
    assert _glob(pattern) is None
    assert time.perf_counter() - started < 5
    assert _matches({"path": pattern}, {"path": "/s/a.md"}, _Budget())


def test_a_spent_budget_hides_only_below_the_costly_section(caplog, monkeypatch):
    """A third attack: once the budget was spent every page under any cascade was left out,
    the home page and other sections' too. Now only targeted blocks apply unmatched, and a
    block reaches only the pages below its own section."""
    notes = {"_index.md": {"cascade": {"params": {"team": "platform"}}},
             "0hostile/_index.md": {"cascade": [{"_target": {"path": "/0hostile/" + "*" * 40 + "x"}, "draft": True}]},
             "ok/_index.md": {"cascade": {"params": {"team": "ok"}}}, "ok/a.md": {}, "plain.md": {}}
    notes.update({f"0hostile/{'y' * 200}{i}.md": {} for i in range(60)})
    from assistant.wiki import hugocascade

    monkeypatch.setattr(hugocascade, "MAX_MATCH_STEPS", 10_000)
    hidden = hidden_by_sections(notes, None)
    assert "too costly" in caplog.text
    assert not {"_index.md", "ok/_index.md", "ok/a.md", "plain.md"} & hidden
    assert f"0hostile/{'y' * 200}59.md" in hidden  # unmatched, its block applies below its section


@pytest.mark.parametrize("pattern, path", [("/a/**/secret.md", "/a/secret.md"), ("/g/x**x.md", "/g/x.md"),
                                           ("/n[!x]p2.md", "/n/p2.md")])
def test_globs_match_as_gobwas_does_where_it_differs_from_shells(pattern, path):
    """Hugo 0.111 (a third attack): a glob of a prefix, `**` and a suffix tests both, which
    may overlap; `[!x]` matches '/'."""
    assert _matches({"path": pattern}, {"path": path}, _Budget())


def test_a_cascade_of_a_hundred_thousand_blocks_costs_the_budget_and_stays_in_its_section(caplog):
    """Each block of a cascade that may hide a page is a step of the budget, so a huge list
    costs seconds; past the budget only the pages under such a cascade are left out. A
    cascade of other keys (params) hides nothing and is not read block by block."""
    notes = {"s/_index.md": {"cascade": [{"draft": False}] * 100_000}, "other/a.md": {}, "_index.md": {},
             "p/_index.md": {"cascade": [{"params": 1}] * 1_000_000}, "p/a.md": {}}
    notes.update({f"s/p{i}.md": {} for i in range(300)})
    started = time.perf_counter()
    hidden = hidden_by_sections(notes, None)
    assert time.perf_counter() - started < 60
    assert "too costly" in caplog.text and "s/p299.md" in hidden
    assert not {"other/a.md", "_index.md", "p/_index.md", "p/a.md"} & hidden
