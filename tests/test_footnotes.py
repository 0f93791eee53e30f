"""Footnote definitions (footnotes.py) and the section their chunk joins (chunking.py)."""
from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from assistant.chunking import chunk_note
from assistant.footnotes import Footnote, footnotes
from assistant.notes import parse_note
from assistant.wiki import wiki_page

from test_chunking import assert_chunk_invariants

PAGE = """# Taproom

## Age checks

Ask for ID from anyone who looks under 30.[^id] Accepted: driving licence, passport.

## Taps and prices

Twelve taps.[^tax]

| Beer | Price |
|---|---|
| Pale | ¥700 |

[^id]: A photo of an ID on a phone is not accepted.
    Student cards are not accepted either.

[^tax]: Prices include tax.
[^unused]: Nobody cites this one.
"""


def _footnotes(text: str) -> list[Footnote]:
    return footnotes(parse_note(text, "x.md"))


def test_definitions_run_over_their_lines_and_know_their_first_citation():
    assert _footnotes(PAGE) == [
        Footnote("id", 15, 16, 5), Footnote("tax", 18, 18, 9), Footnote("unused", 19, 19, None)]


def test_an_indented_paragraph_after_a_blank_line_continues_a_definition():
    text = "Text.[^a]\n\n[^a]: First paragraph.\n\n    Second paragraph.\n\nNot the note's."
    assert _footnotes(text) == [Footnote("a", 3, 5, 1)]


def test_nothing_in_code_is_a_definition_or_a_citation():
    text = "```\nx[^a]\n[^b]: in a fence\n```\nText.[^a]\n\n[^a]: The note."
    assert _footnotes(text) == [Footnote("a", 7, 7, 5)]


def test_a_label_with_a_blank_is_no_footnote():
    assert _footnotes("Text.[^a b]\n\n[^a b]: not a definition") == []


def test_a_definition_ends_where_its_paragraph_does():
    # a list, a fence, a quote, a rule, an HTML block or a heading right under a definition is
    # not its text (a helper's attack: each was swallowed and moved with it)
    for after in ("- a list item", "```\ncode\n```", "> a quote", "***", "<div>x</div>", "## Next"):
        text = f"Cited.[^n]\n\n[^n]: The note.\n{after}\n"
        assert _footnotes(text) == [Footnote("n", 3, 3, 1)], after


def test_a_definition_over_a_setext_underline_is_a_heading():
    assert _footnotes("Cited.[^n]\n\n[^n]: A title\n---\n\nText.\n") == []


def test_nothing_in_a_list_or_a_quote_is_a_definition():
    assert _footnotes("Cited.[^n]\n\n- [^n]: in a list\n\n> [^n]: in a quote\n") == []


def test_a_citation_the_page_does_not_show_does_not_count():
    # an HTML comment, a code span, an escaped bracket, the front matter
    text = ("---\ntitle: x[^n]\n---\n<!-- see[^n] -->\nCode `x[^n]`. Escaped \\[^n].\n"
            "Shown.[^n]\n\n[^n]: The note.\n")
    note = parse_note(text, "x.md")
    shown = wiki_page(note, "github").text.lines
    assert footnotes(note, shown) == [Footnote("n", 8, 8, 6)]


def test_kramdown_ends_a_definition_with_its_line_and_its_indented_lines():
    # Jekyll's kramdown: an unindented line right under a definition is a paragraph of its own,
    # and "[^b]:" inside a paragraph of text is text; the opening hours were moved with the ID
    # rule's footnote (a helper's attack, 2026-12-03).
    text = ("Cited.[^id] And.[^b]\n\n[^id]: ID rule.\nOpening hours are 17-23.\n\nText\n[^b]: not one\n\n"
            "[^c]: First.\n    Indented.\nLazy.\n\n    Second paragraph.\n\nNot the note's.\n")
    note = parse_note(text, "x.md")
    assert footnotes(note, kramdown=True) == [Footnote("id", 3, 3, 1), Footnote("c", 9, 13, None)]
    assert footnotes(note)[0] == Footnote("id", 3, 4, 1)  # GitHub: the paragraph runs on
    # Consecutive definitions, an indented run: as GitHub reads them.
    assert footnotes(parse_note(PAGE, "x.md"), kramdown=True) == _footnotes(PAGE)
    # Through chunking under Jekyll: only the definition's line leaves its section.
    text = "# P\n\n## A\n\nCited.[^n]\n\n## B\n\n[^n]: The note.\nOpening hours are 17-23.\n"
    note = parse_note(text, "p.md")
    chunks = chunk_note(note, wiki_engine="jekyll")
    assert_chunk_invariants(note, chunks)
    assert [(c.line_start, c.line_end, c.heading_path[-1]) for c in chunks] == [
        (1, 1, "P"), (3, 5, "A"), (7, 7, "B"), (9, 9, "A"), (10, 10, "B")]


def test_under_kramdown_a_definition_in_another_ones_lazy_lines_is_part_of_it():
    # a helper's attack (2026-12-04): "[^3]:" right under "[^2]"'s indented line is a lazy line
    # of footnote 2 to kramdown; read as a new definition, the spans overlapped and one line
    # was chunked twice
    text = ("# A\n\nOne.[^1] Two.[^2]\n\n# B\n\nThree.[^3]\n\n# Notes\n\n"
            "[^1]: One.\n[^2]: Two\n    continued.\n[^3]: Three.\n")
    note = parse_note(text, "x.md")
    assert footnotes(note, kramdown=True) == [Footnote("1", 11, 11, 3), Footnote("2", 12, 14, 3)]
    assert_chunk_invariants(note, chunk_note(note, wiki_engine="jekyll"))
    note = parse_note("Cited.[^a][^b]\n\n[^a]: x\n\n    more\n[^b]: y\n", "x.md")
    assert footnotes(note, kramdown=True) == [Footnote("a", 3, 6, 1)]
    assert_chunk_invariants(note, chunk_note(note, wiki_engine="jekyll"))


def test_under_kramdown_a_line_of_full_width_spaces_is_not_blank():
    # kramdown's BLANK_LINE is Ruby's ASCII \\s: "\u3000" runs the lazy lines on (checked with
    # ruby-kramdown 2026-12-04: "Lazy more." is in the footnote)
    for space in ("\u3000", "\u00a0"):
        text = f"Cited.[^c]\n\n[^c]: First.\n    Indented.\n{space}\nLazy more.\n"
        assert footnotes(parse_note(text, "x.md"), kramdown=True) == [Footnote("c", 3, 6, 1)]


def test_many_definitions_with_lazy_lines_are_read_in_linear_time():
    # 1.1 MB of this shape took 397 s: each definition rescanned the lazy lines to the end
    text = "Cited.[^k]\n\n" + "[^k]: x\n    c\n" * 20_000
    note = parse_note(text, "x.md")
    started = time.perf_counter()
    assert footnotes(note, kramdown=True) == [Footnote("k", 3, 40_002, 1)]
    assert time.perf_counter() - started < 5


def test_a_citation_in_any_code_span_or_html_block_or_escaped_does_not_count():
    # a helper's attack (2026-12-03): each of these moved a definition to a line that shows no
    # citation, and "\\\\[^n]" (a backslash, then a citation) was missed
    for text in ("Cited ``x[^n]``.", "Cited ```x`[^n]```.", "<div>\nx[^n]\n</div>", "A \\[^n] b"):
        assert _footnotes(f"{text}\n\n[^n]: The note.\n")[0].cited_at is None, text
    assert _footnotes("A \\\\[^n] b\n\n[^n]: The note.\n")[0].cited_at == 1
    started = time.perf_counter()
    _footnotes("\\[^a]" * 200_000 + "\n\n[^a]: The note.\n")
    assert time.perf_counter() - started < 5


def test_a_line_of_many_openers_is_scanned_in_linear_time():
    # "[^[^[^..." took 15 s for 64 KB with a label pattern that allowed "["
    text = "[^" * 200_000 + "\n\n[^a]: The note.\n"
    started = time.perf_counter()
    assert _footnotes(text) == [Footnote("a", 3, 3, None)]
    assert time.perf_counter() - started < 5


def _chunks(text: str):
    note = parse_note(text, "taproom.md")
    chunks = chunk_note(note, wiki_engine="github")
    assert_chunk_invariants(note, chunks)
    return chunks


def test_a_definition_is_chunked_with_the_section_citing_it():
    assert [(c.line_start, c.line_end, c.heading_path[-1]) for c in _chunks(PAGE)] == [
        (1, 1, "Taproom"), (3, 5, "Age checks"), (7, 13, "Taps and prices"),
        (15, 16, "Age checks"),  # the ID rule's footnote, defined at the page's end
        # cited from its own section, or from nowhere, a definition stays where it is
        (18, 19, "Taps and prices")]


def test_a_definition_between_paragraphs_of_another_section_splits_that_section():
    text = "# P\n\n## A\n\nCited.[^n]\n\n## B\n\nBefore.\n\n[^n]: The note.\n\nAfter.\n"
    assert [(c.line_start, c.line_end, c.heading_path[-1]) for c in _chunks(text)] == [
        (1, 1, "P"), (3, 5, "A"), (7, 9, "B"), (11, 11, "A"), (13, 13, "B")]


# Shapes where kramdown's footnote rules differ from GitHub's, each read by real kramdown (a
# helper's attacks, 2026-12-04): what ends lazy lines (a block HTML tag, "^", an attribute
# list; an inline tag does not), ASCII-only labels and blanks (Ruby's \\w, \\s, \\S), a setext
# underline, a definition in another's lazy lines.
KRAMDOWN_SHAPES = [
    "Cite[^1].\n\n[^1]: a\n    b\n<div>Opening hours 17-23</div>\nmore\n\nafter\n",
    "Cite[^1].\n\n[^1]: a\n    b\n</div>\nmore\n",
    "Cite[^1].\n\n[^1]: a\n    b\n^\nmore\n\nafter\n",
    "Cite[^1].\n\n[^1]: a\n    b\n{: .note}\nmore\n",
    "Cite[^1].\n\n[^1]: a\n    b\n<span>inline</span> lazy\n\nafter\n",
    "Cite[^注1].\n\n[^注1]: 説明\n",
    "Cite[^a-b_1].\n\n[^a-b_1]: ok\n",
    "Cite[^1].\n\n[^1]: a\n\n    \u00a0x\n\nafter\n",
    "Cite[^1].\n\n[^1]: a\n    b\n\u3000\nLazy more.\n",
    "Cite[^1].\n\n[^1]: a\n---\n\nafter\n",
    "Cite[^1].\n\n[^1]: a\n===\n",
    "One.[^1] Two.[^2]\n\n[^1]: One.\n[^2]: Two\n    continued.\n[^3]: Three.\n",
    # a second attack: "^" and an attribute list end a paragraph, and only after a block
    # boundary (a blank line, "^", the start) is a line over "---" a heading
    "Cite[^1] and [^2].\n\n[^1]: Note.\n    indented\n^\n[^2]: Two.\n",
    "Cite[^2].\n\nPara text\n{: .x}\n[^2]: Two.\n",
    "Cite[^1] [^2].\n\n[^1]: One.\n[^2]: Two\n---\n",
    "Cite[^1].\n\n# Head\n[^1]: Note\n---\n",
    "Cite[^1].\n\n~~~\nx\n~~~\n[^1]: Note\n===\n",
]


@pytest.mark.slow
def test_under_jekyll_definitions_span_the_lines_real_kramdown_reads(tmp_path):
    assert shutil.which("ruby"), "ruby is not installed: run scripts/test.sh (it installs kramdown)"
    files = []
    for i, text in enumerate(KRAMDOWN_SHAPES):
        files.append(tmp_path / f"{i}.md")
        files[-1].write_text(text, encoding="utf-8")
    renderers = Path(__file__).parent / "renderers"
    done = subprocess.run(["ruby", "kramdown_footnotes.rb", *map(str, files)], cwd=renderers,
                          capture_output=True, text=True, check=True)
    real = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(real) == len(KRAMDOWN_SHAPES)
    for text, spans in zip(KRAMDOWN_SHAPES, real):
        note = parse_note(text, "x.md")
        assert [[f.label, f.start, f.end] for f in footnotes(note, kramdown=True)] == spans, text
        assert_chunk_invariants(note, chunk_note(note, wiki_engine="jekyll"))
