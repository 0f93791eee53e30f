"""Footnote definitions (footnotes.py) and the section their chunk joins (chunking.py)."""
from __future__ import annotations

from assistant.chunking import chunk_note
from assistant.footnotes import Footnote, footnotes
from assistant.notes import parse_note

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


def _lines(text: str) -> list[str]:
    return text.split("\n")


def test_definitions_run_over_their_lines_and_know_their_first_citation():
    lines = _lines(PAGE)
    assert footnotes(lines, [False] * len(lines)) == [
        Footnote("id", 15, 16, 5), Footnote("tax", 18, 18, 9), Footnote("unused", 19, 19, None)]


def test_an_indented_paragraph_after_a_blank_line_continues_a_definition():
    lines = _lines("Text.[^a]\n\n[^a]: First paragraph.\n\n    Second paragraph.\n\nNot the note's.")
    assert footnotes(lines, [False] * len(lines)) == [Footnote("a", 3, 5, 1)]


def test_nothing_in_code_is_a_definition_or_a_citation():
    lines = _lines("```\nx[^a]\n[^b]: in a fence\n```\nText.[^a]\n\n[^a]: The note.")
    code = [False, True, True, False, False, False, False]
    assert footnotes(lines, code) == [Footnote("a", 7, 7, 5)]


def test_a_label_with_a_blank_is_no_footnote():
    lines = _lines("Text.[^a b]\n\n[^a b]: not a definition")
    assert footnotes(lines, [False] * len(lines)) == []


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
