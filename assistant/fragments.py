"""A chunk's markdown made to render on its own as it does inside its whole note.

A chunk is cut out of a note: it can start at a nested list item or inside a long code fence,
and a <details> block's tags, which the wiki shows as a disclosure, would show as text once raw
HTML is off (webrender.py). These functions repair such a fragment before it is rendered.
What this leaves out: rendering and sanitizing (webrender.py).
"""
from __future__ import annotations

import re

from .mdlines import code_lines
from .wiki.mkdocsblocks import MKDOCS_BLOCK, block_title, unindented_bodies

_LEADING_WS = re.compile(r"^[ \t]*")


def _columns(indent: str) -> int:
    """Width of leading whitespace in columns (CommonMark: tabs stop every 4 columns)."""
    return len(indent.expandtabs(4))


_LIST_ITEM = re.compile(r"^[ \t]*([-+*]|\d{1,9}[.)])([ \t]|$)")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")


def _starts_inside_fence(lines: list[str]) -> int | None:
    """Index of the line closing a code fence opened before the chunk, else None.

    A fence longer than the chunk budget is split, so a chunk can start inside it. Its first
    fence line is then a closer: it has no info string and either has no partner (odd count)
    or the next fence line opens another block (has an info string). Without that, CommonMark
    would read the closer as an opener and show the prose after it as code."""
    fences = [(i, m) for i, m in ((i, _FENCE.match(line)) for i, line in enumerate(lines)) if m]
    if not fences or fences[0][1].group(2).strip():
        return None
    if len(fences) % 2 == 1 or fences[1][1].group(2).strip():
        return fences[0][0]
    return None


def outdent(text: str) -> tuple[str, int]:
    """A chunk cut from inside a nested list or a code fence, made to render as in the note.

    Long sections are split into chunks between list items (and long fences between lines),
    so a chunk can start at a nested item ("    - **署名付きURL**") or inside a fence. Rendered
    alone, four leading spaces make CommonMark read the fragment as an indented code block,
    and a fence's closing line opens a new block, while the wiki, which renders the whole
    note, shows a list and code. So the starting indentation (the first non-blank line's, or
    the closing fence's) is taken off every line (lines indented less go to column 0), which
    keeps the nesting below it, and a chunk starting inside a fence gets its opening line
    back. Other indented starts are left alone. Returns (text, lines added before the first line: 0 or 1), so that answer-line
    numbers can be shifted to match.
    """
    lines = text.split("\n")
    closer = _starts_inside_fence(lines)
    anchor = lines[closer] if closer is not None else next((line for line in lines if line.strip()), "")
    # Only a list item or a fence closer says "cut from a list": other indented text may be
    # the inside of a long fence (no markers in the chunk), which an indented block shows right.
    base = _columns(_LEADING_WS.match(anchor).group()) if closer is not None or _LIST_ITEM.match(anchor) else 0
    if base:
        out = []
        for line in lines:
            indent = _LEADING_WS.match(line).group()
            out.append(" " * max(0, _columns(indent) - base) + line[len(indent):])
        lines = out
    if closer is not None:
        return "\n".join([lines[closer].strip(), *lines]), 1
    return "\n".join(lines), 0


# A <details> block's own tags alone on a line: html=False shows them as text, not a disclosure.
_DETAILS_TAG = re.compile(r"^[ \t]*</?details\b[^>\n]*>[ \t]*$", re.IGNORECASE | re.MULTILINE)
_SUMMARY_LINE = re.compile(r"^([ \t]*)<summary\b[^>\n]*>(.*?)</summary>[ \t]*$", re.IGNORECASE | re.MULTILINE)


# A title line ends in two spaces, CommonMark's hard break: the line after it, in the same
# paragraph, would join it ("金額を聞かれたら 電話や送迎のときに...": a fresh user, heldout27).
_TITLE_BREAK = "  "


def disclosure_as_text(text: str) -> str:
    """A <details> tag's line blank, a <summary> line its text in bold; the rest as it was."""
    text = _DETAILS_TAG.sub("", text)
    return _SUMMARY_LINE.sub(lambda m: f"{m.group(1)}**{m.group(2).strip()}**{_TITLE_BREAK}" if m.group(2).strip() else "", text)


# markdown-it-container's markers as the wiki reads them (VitePress `::: warning Title`,
# Docusaurus `:::tip Title` and `:::note[Title]`): up to three spaces in (four make code), one
# of the kinds the engines register. The page draws the block as a box with its title (the
# type, in capitals, when it has none, as VitePress' default theme labels it).
_CONTAINER = re.compile(r"( {0,3}):{3,}[ \t]*+([A-Za-z][\w-]*+)")
CONTAINER_KINDS = frozenset("tip info warning danger details note caution important success secondary".split())
_CONTAINER_CLOSE = re.compile(r" {0,3}:{3,}[ \t]*")


def containers_as_text(text: str, raw: str | None = None) -> str:
    """A container's opener as the wiki shows it: its title in bold on a line of its own (a
    hard break after it), where `text` is the section as the page shows it (wiki/shown.py: the
    opener its title or blank, the closer blank) and `raw` the same lines as written; the rest
    as it was, code fences left alone. Lines keep their numbers. The title ran into the box's
    first line ("金額を聞かれたら 電話や送迎のときに...": a fresh user, heldout27)."""
    lines = text.split("\n")
    written = raw.split("\n") if raw is not None else lines
    if len(written) != len(lines):
        return text
    for i, (line, source, in_code) in enumerate(zip(lines, written, code_lines(written))):
        mark = None if in_code else _CONTAINER.match(source)
        if mark and mark.group(2).lower() in CONTAINER_KINDS:
            title = line.strip() if raw is not None else ""
            if raw is None:  # as written: the rest of the marker line, Docusaurus' [Title], `{open}` off
                title = source[mark.end():].strip()
                title = title[1:-1].strip() if title.startswith("[") and title.endswith("]") else title
                title = title[: -len("{open}")].rstrip() if title.endswith("{open}") else title
            # its indent kept: a box inside a list item stays in the item (an attack)
            lines[i] = f"{mark.group(1)}**{title or mark.group(2).upper()}**{_TITLE_BREAK}"
        elif not in_code and _CONTAINER_CLOSE.fullmatch(source):
            lines[i] = ""
    return "\n".join(lines)


def indented_blocks_as_text(text: str, raw: str | None = None) -> str:
    """Python-Markdown's indented blocks (`!!! note`, `??? tip`, `=== "Tab"`, MkDocs;
    wiki/mkdocsblocks.py) as the wiki shows them: the marker line its title in bold (a titled
    block's title, else its type, as MkDocs labels it; an empty title "" shows none), the body
    as text, not the code CommonMark made of it (a note box's answer line showed as small grey
    code: a fresh user, heldout21, 2026-12-06). `text`: the lines as written; or, with `raw`
    (them as written, line for line), as the page shows them (chunking.Chunk.page_text:
    bodies already unindented, a marker line its title or blank). Lines keep their numbers."""
    lines = text.split("\n")
    written = raw.split("\n") if raw is not None else lines
    if len(written) != len(lines):
        return text
    if raw is None:
        lines, markers = unindented_bodies(lines, written)
    else:  # a marker the page read as one shows its title there, or nothing
        markers = {i for i, (line, source) in enumerate(zip(lines, written))
                   if line.strip() != source.strip() and MKDOCS_BLOCK.match(source)}
    for i in markers:
        title = (lines[i].strip() if raw is not None else "") or block_title(MKDOCS_BLOCK.match(written[i]))
        lines[i] = f"{_LEADING_WS.match(lines[i]).group()}**{title}**{_TITLE_BREAK}" if title else ""
    return "\n".join(lines)


def unindented_html_blocks(text: str) -> str:
    """Lines that open or close a tag of CommonMark's HTML blocks (`<td>`, `<p>`, `<li>`,
    `</table>`...), outside code fences, without their indentation. The wiki's renderer reads
    such lines as HTML wherever a block of them sits; with raw HTML off, a table's cells
    indented four spaces or more were an indented code block, and the reply showed
    `<p class="intent">...</p>` as code where the wiki shows a table (a fresh user,
    wiki-dev's severity levels; its chunk holds the table's lines with their tag-only lines
    blanked, so the block cannot be told from the chunk's blank lines). Unindented, they are
    paragraphs whose formatting tags give way to their text (mdparser). Lines keep their
    numbers. Leaves out: HTML shown in an indented (unfenced) code block, read as HTML too,
    and a table's indented cell text alone on its line, still code."""
    from markdown_it import MarkdownIt

    lines = text.split("\n")
    # Fences stay code; a list item's or quote's lines keep the indentation that places them
    # there (an HTML paragraph of an item left its list: a helper's attack).
    fenced = {n for token in MarkdownIt("commonmark").parse(text)
              if token.type in ("fence", "bullet_list_open", "ordered_list_open", "blockquote_open") and token.map
              for n in range(*token.map)}
    return "\n".join(line.lstrip(" \t") if n not in fenced and _BLOCK_TAG.match(line.lstrip(" \t")) else line
                     for n, line in enumerate(lines))


def _block_tag():
    """An open or close tag of CommonMark's HTML block names (markdown-it's list) at a line's start."""
    from markdown_it.common.html_blocks import block_names

    return re.compile(rf"</?(?:{'|'.join(block_names)})(?:[\s/>]|$)", re.IGNORECASE)


_BLOCK_TAG = _block_tag()
