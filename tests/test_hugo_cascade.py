"""Hugo sections that hide pages below them (wiki/hugocascade.py) and JSON front matter
(notemeta.json_front_matter): the rules' edges and their cost on hostile trees. The rules
themselves are checked against a real Hugo build in test_site_real.py."""
from __future__ import annotations

import time

import pytest

from assistant.notes import parse_note
from assistant.wiki.hugocascade import MAX_INHERITED_BLOCKS, _glob, hidden_by_sections
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
    assert bool(_glob(pattern).fullmatch(path)) is matches


@pytest.mark.parametrize("pattern", ["{/a,/b", "x" * 1_001])
def test_a_glob_hugo_would_refuse_matches_nothing(pattern):
    assert _glob(pattern) is None


def test_a_section_hides_through_folders_without_their_own_section_page():
    notes = {"a/_index.md": {"draft": True}, "a/b/c/d.md": {"title": "deep"}, "e.md": {}}
    assert hidden_by_sections(notes, None) == {"a/_index.md", "a/b/c/d.md"}


def test_a_page_own_value_wins_over_the_cascade_when_its_section_is_built():
    notes = {"a/_index.md": {"cascade": [{"draft": True}, {"_target": {"path": "/a/keep.md"}, "draft": False}]},
             "a/keep.md": {}, "a/own.md": {"draft": False}, "a/gone.md": {}}
    # the cascade reaches the section's own page too: written with no target, it is a draft
    assert hidden_by_sections(notes, None) == {"a/_index.md", "a/keep.md", "a/own.md", "a/gone.md"}
    notes["a/_index.md"]["draft"] = False
    assert hidden_by_sections(notes, None) == {"a/gone.md"}


def test_a_tree_thousands_of_folders_deep_with_cascades_is_read_in_a_bounded_time():
    """2,000 nested sections of ten targeted blocks each, 200 pages at the bottom: no
    recursion error, and each page reads at most MAX_INHERITED_BLOCKS blocks."""
    notes, folder = {}, ""
    blocks = [{"_target": {"path": "/**/x" + "*" * 5 + ".md"}, "draft": True}] * 10
    for depth in range(2_000):
        folder += "d/"
        notes[folder + "_index.md"] = {"cascade": blocks}
    notes.update({f"{folder}p{i}.md": {} for i in range(200)})
    started = time.perf_counter()
    assert hidden_by_sections(notes, None) == set()
    assert time.perf_counter() - started < 20  # unbounded, it is depth x blocks x pages matches
    assert MAX_INHERITED_BLOCKS <= 100


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
