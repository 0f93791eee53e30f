"""Footnote definitions and the line that cites each: where a footnote's text belongs.

A footnote is defined wherever its author likes ("[^id]: A photo of an ID on a phone is not
accepted."), mostly on a page's last lines, and the wikis show every definition below the
page (kramdown, GitHub and GitLab, Hugo's goldmark, Docusaurus' remark-gfm). What it says
belongs to the sentence citing it ("... the legal drinking age is 20.[^id]"): chunked with the
page's last section, its text was found under a heading it has nothing to do with (a new user,
heldout15: the ID rule's footnote under "Taps and prices"). chunking.py chunks a definition
with the section of its first citation instead.

Written here, not taken from a renderer's plugin: the chunker works on source lines, and
markdown-it's footnote plugin (markdown-it-footnote, mdit-py-plugins) gives a definition's
token no source lines (`map`) and moves it to the end of the token stream.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

# A definition opens a line (up to three spaces in, as a block may be indented); the label
# holds no blank or "]" (CommonMark's link label rule as GitHub's footnotes use it).
_DEFINITION = re.compile(r" {0,3}\[\^([^\]\s]+)\]:")
_CONTINUED = re.compile(r"(?: {4}|\t)\S")  # an indented paragraph of the same definition


@dataclass(frozen=True)
class Footnote:
    """One footnote definition: lines 1-based, inclusive; `cited_at`, the 1-based line of
    its first citation outside any definition and code, or None when nothing cites it."""

    label: str
    start: int
    end: int
    cited_at: int | None


def footnotes(lines: Sequence[str], code: Sequence[bool]) -> list[Footnote]:
    """The footnote definitions of a note's `lines`, in line order. `code`: per line,
    whether it is inside a code fence or an indented code block: neither a definition nor a
    citation there (an indented paragraph after a definition continues it). A definition runs over its paragraph and the indented paragraphs after
    it (blank lines between them)."""
    spans: list[tuple[str, int, int]] = []
    n = 0
    while n < len(lines):
        found = None if code[n] else _DEFINITION.match(lines[n])
        if not found:
            n += 1
            continue
        end = n
        while end + 1 < len(lines) and lines[end + 1].strip() and not _DEFINITION.match(lines[end + 1]):
            end += 1  # the paragraph's own lines
        after = end + 1
        while after < len(lines):  # indented paragraphs after blank lines
            while after < len(lines) and not lines[after].strip():
                after += 1
            # CommonMark alone reads such a paragraph as an indented code block
            if after < len(lines) and _CONTINUED.match(lines[after]):
                end = after
                while end + 1 < len(lines) and lines[end + 1].strip() and not _DEFINITION.match(lines[end + 1]):
                    end += 1
                after = end + 1
            else:
                break
        spans.append((found.group(1), n + 1, end + 1))
        n = end + 1
    if not spans:
        return []
    inside = {line for _, start, end in spans for line in range(start, end + 1)}
    cited: dict[str, int] = {}
    wanted = {label for label, _, _ in spans}
    # One scan for every citation: a pattern per label over every line made a page of many
    # footnotes quadratic.
    citation = re.compile(r"\[\^([^\]\s]+)\](?!:)")
    for number, line in enumerate(lines, start=1):
        if number in inside or code[number - 1] or "[^" not in line:
            continue
        for label in citation.findall(line):
            if label in wanted:
                cited.setdefault(label, number)
    return [Footnote(label, start, end, cited.get(label)) for label, start, end in spans]
