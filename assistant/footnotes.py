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

from .notes import Block, Note
from .wiki.shown import CodeSpans

# A definition opens a top-level paragraph (up to three spaces in); the label holds no blank,
# "[" or "]" (CommonMark's link label rule as GitHub's footnotes use it). Excluding "[" keeps
# every match attempt short: "[^[^[^..." (64 KB on one line) took 15 s with "[^\]\s]+".
_DEFINITION = re.compile(r" {0,3}\[\^([^\[\]\s]+)\]:")
# A citation, not a definition; `_cited_labels` drops escaped ones and those in code spans.
_CITATION = re.compile(r"\[\^([^\[\]\s]+)\](?!:)")


@dataclass(frozen=True)
class Footnote:
    """One footnote definition: lines 1-based, inclusive; `cited_at`, the 1-based line of
    its first citation outside any definition and code, or None when nothing cites it."""

    label: str
    start: int
    end: int
    cited_at: int | None


def footnotes(note: Note, shown: Sequence[str] | None = None, kramdown: bool = False) -> list[Footnote]:
    """The footnote definitions of `note`, in line order. `shown`: per line, what the page
    shows of it (wiki.shown.PageText.lines; default the lines as written): a line the page
    hides (front matter, an HTML comment) neither defines nor cites. `kramdown`: read them as
    kramdown does (Jekyll, `_kramdown_end`), else as GitHub's cmark-gfm and markdown-it do.

    A definition is a top-level paragraph's line starting "[^label]:" (or one that markdown-it,
    reading CommonMark without footnotes, takes as a link reference definition). It runs to the
    paragraph's end or the next definition, then over indented paragraphs after blank lines
    (CommonMark alone reads those as indented code). Whatever ends the paragraph ends it: a
    list, a fence, a quote, a heading; "[^1]: words" over "---" is a heading, not a definition.
    Nothing in code, in a list or in a quote is a definition, nor a citation in code, an HTML
    block, a code span of any backtick run or after an escaping backslash.
    """
    shown = note.lines if shown is None else shown
    paragraphs = {b.start: b.end for b in note.blocks if b.kind == "paragraph"}
    indented = {b.start: b.end for b in note.blocks if b.kind == "code_block"}
    taken = [False] * (len(note.lines) + 2)  # by 1-based line: in a block or heading
    for block in note.blocks:
        taken[block.start : block.end + 1] = [True] * (block.end - block.start + 1)
    for heading in note.headings:
        taken[heading.line : heading.end_line + 1] = [True] * (heading.end_line - heading.line + 1)
    code = _code_lines(note.blocks)  # and HTML blocks: their "[^1]" is raw text, no citation

    def defines(line: int) -> re.Match | None:
        return _DEFINITION.match(shown[line - 1]) if line <= len(shown) else None

    spans: list[tuple[str, int, int]] = []
    paragraph_end = 0  # the last line of the top-level paragraph the scan is in
    for line in range(1, len(note.lines) + 1):
        if line in paragraphs:
            paragraph_end = paragraphs[line]
        found = defines(line)
        if not found:
            continue
        if kramdown:
            boundary = _after_block_boundary(shown, line)
            if not _KRAMDOWN_LABEL.fullmatch(found.group(1)) or (boundary and _setext_underline(shown, line + 1)):
                continue  # text to kramdown ("[^注1]:"), or a heading's text ("[^1]: a" over "---")
            if spans and line <= spans[-1][2]:
                # Inside the previous definition's lazy lines: kramdown reads it as part of
                # that footnote's text. Skipping it keeps spans disjoint (one line, one
                # chunk) and the scan linear (a helper's attack, 2026-12-04).
                continue
            # Not inside a paragraph of text (kramdown's paragraph runs on over it), but
            # right after another definition, a "^" or an attribute list it starts one.
            after_definition = bool(spans) and spans[-1][2] == line - 1
            if line in paragraphs or not taken[line] or ((after_definition or boundary) and line <= paragraph_end):
                spans.append((found.group(1), line, _kramdown_end(shown, line)))
            continue
        if line <= paragraph_end:
            end = paragraph_end
        elif not taken[line]:  # a link reference definition to markdown-it: one line,
            end = paragraphs.get(line + 1, line)  # and a paragraph right under it, lazily
        else:
            continue  # a heading, a list, a quote, code
        end = next((n - 1 for n in range(line + 1, end + 1) if defines(n)), end)
        after = end + 1
        while True:  # indented paragraphs after blank lines
            while after <= len(note.lines) and not note.lines[after - 1].strip():
                after += 1
            if after not in indented:
                break
            end = indented[after]
            after = end + 1
        spans.append((found.group(1), line, end))
    if not spans:
        return []
    inside = {line for _, start, end in spans for line in range(start, end + 1)}
    cited: dict[str, int] = {}
    wanted = {label for label, _, _ in spans}
    # One scan for every citation: a pattern per label over every line made a page of many
    # footnotes quadratic.
    for number, text in enumerate(shown, start=1):
        if number in inside or number in code or "[^" not in text:
            continue
        for label in _cited_labels(text):
            if label in wanted:
                cited.setdefault(label, number)
    return [Footnote(label, start, end, cited.get(label)) for label, start, end in spans]


# kramdown's INDENT with text after it; Ruby's \S is ASCII, so a no-break space is text.
_INDENTED = re.compile(r"(?:\t| {4})[ \t]*[^ \t\r\n\f\v]")
# kramdown's footnote label (ALD_ID_NAME, `\w[\w-]*`): Ruby's \w is ASCII, so "[^注1]" is text.
_KRAMDOWN_LABEL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
# What ends a definition's lazy lines (kramdown 2.4 CODEBLOCK_MATCH, parser/kramdown/
# codeblock.rb): an HTML tag opening a line, unless of an inline element (LAZY_END_HTML_START
# and _STOP), an end-of-block marker "^" (EOB_MARKER), an attribute list "{: .x}" (IAL_BLOCK_START).
_SPAN_ELEMENTS = "|".join(("a abbr acronym b big bdo br button cite code del dfn em i img input ins kbd label mark "
                           "option q rb rbc rp rt rtc ruby samp select small span strong sub sup tt u var script").split())
# An HTML tag name (REXML's UNAME_STR) not of an inline element
_BLOCK_TAG = rf"(?!(?:{_SPAN_ELEMENTS})\b)(?:[^\W\d][\w.-]*:)?[^\W\d][\w.-]*"
# An end-of-block "^" (EOB_MARKER) or an attribute list line "{: .x}" (IAL_BLOCK_START).
_BLOCK_END = re.compile(r"\^[ \t\r\n\f\v]*| {0,3}\{:(?![:/])(?:\\\}|[^}])+\}[ \t\r\n\f\v]*")
_LAZY_END = re.compile(
    rf" {{0,3}}(?:<{_BLOCK_TAG}|</{_BLOCK_TAG}\s*>)"
    rf"|(?:{_BLOCK_END.pattern})$")
_SETEXT_UNDERLINE = re.compile(r"[-=]+[ \t\r\n\f\v]*")


def _after_block_boundary(lines: Sequence[str], line: int) -> bool:
    """Whether 1-based `line` starts after a kramdown block boundary (after_block_boundary?,
    parser/kramdown/block_boundary.rb): the document's start, a blank line, an end-of-block
    "^" or an attribute list; only there is a line over "---" a setext heading."""
    return line == 1 or _blank(lines[line - 2]) or _BLOCK_END.fullmatch(lines[line - 2]) is not None


def _setext_underline(lines: Sequence[str], line: int) -> bool:
    """Whether 1-based `line` underlines the line above as a kramdown setext heading."""
    return line <= len(lines) and _SETEXT_UNDERLINE.fullmatch(lines[line - 1]) is not None


def _kramdown_end(lines: Sequence[str], line: int) -> int:
    """The last line of the kramdown footnote definition opening on 1-based `line`: its own
    line, then any runs of lines indented by a tab or four spaces (blank lines before a run
    allowed), each with the unindented lines right under it (kramdown's CODEBLOCK_MATCH,
    parser/kramdown/footnote.rb). An unindented line right under the first is not the
    footnote's: "[^id]: ID rule.\nOpening hours are 17-23." is a footnote and a paragraph
    (a helper's attack, 2026-12-03: the opening hours were chunked with the footnote)."""
    end, n = line, line + 1
    while True:
        after = n
        while after <= len(lines) and _blank(lines[after - 1]):
            after += 1
        if after > len(lines) or not _INDENTED.match(lines[after - 1]):
            return end
        end = after
        # the run, then lazy lines to a blank line or what ends them
        while end < len(lines) and not _blank(lines[end]) and not _LAZY_END.match(lines[end]):
            end += 1
        n = end + 1


def _blank(line: str) -> bool:
    """Blank as kramdown's BLANK_LINE reads it: Ruby's \\s is ASCII, so a line of full-width
    spaces (U+3000) or no-break spaces is text, not a blank line."""
    return not line.strip(" \t\r\n\f\v")


def _cited_labels(text: str) -> list[str]:
    """The labels `text` cites as the page shows it: not escaped ("\\[^1]" is literal text,
    "\\\\[^1]" a backslash and a citation), not in a code span of any backtick run
    (wiki.shown.CodeSpans, as CommonMark pairs them). Linear in the line: the backslashes
    before each match are counted once."""
    spans = CodeSpans(text)
    labels = []
    for found in _CITATION.finditer(text):
        at = found.start()
        before = at
        while before and text[before - 1] == "\\":
            before -= 1
        if (at - before) % 2 == 0 and at not in spans:
            labels.append(found.group(1))
    return labels


def _code_lines(blocks: Sequence[Block]) -> set[int]:
    """The 1-based lines in code fences, indented code blocks and HTML blocks, at any depth."""
    lines: set[int] = set()
    stack = list(blocks)
    while stack:
        block = stack.pop()
        if block.kind in ("fence", "code_block", "html_block"):
            lines.update(range(block.start, block.end + 1))
        stack.extend(block.children)
    return lines
