"""Collapsed blocks: whether an answer line sits in a block the wiki shows folded.

A citation link lands on the heading; an answer inside a closed `<details>` (or VitePress'
`::: details`, MkDocs' `??? note`, Hugo's `{{< details >}}`) is then not on the screen until
the reader opens it, and a fresh user read the page and thought the answer was not there
(2026-12-06). The reply names the block ("in the collapsed block “Pager setup”").

Read line by line over one chunk's text, as written: each engine's opener and closer, nested
blocks on a stack, code fences skipped (mdlines.code_lines). A block opened before the chunk
starts (a chunk cut inside a long block) is not seen; the reply then says nothing, as before.
What this leaves out: blocks opened by JavaScript or a theme (an accordion of the site's own).
"""
from __future__ import annotations

import html
import re
from typing import Sequence

from .mdlines import code_lines
from .wiki.mkdocsblocks import MKDOCS_BLOCK, block_title
from .scopes import shown_heading

# <details> and <details markdown="1">; `open` shows it unfolded. The first one of a line opens
# only at its start (an HTML block: up to 3 spaces before it); "Use the `<details>` element"
# and "<!-- <details> -->" folded every later line (an attack on this pass's code).
_HTML_OPEN = re.compile(r"<details\b([^>]*)>", re.IGNORECASE)
_HTML_BLOCK_START = re.compile(r"^ {0,3}<details\b", re.IGNORECASE)
_HTML_CLOSE = re.compile(r"</details\s*>", re.IGNORECASE)
_SUMMARY = re.compile(r"<summary\b[^>]{0,200}>(.{0,300}?)(?:</summary\s*>|$)", re.IGNORECASE)
_OPEN_ATTRIBUTE = re.compile(r"(?:^|\s)open(?:\s|=|$)", re.IGNORECASE)
# markdown-it-container (VitePress, Docusaurus admonitions): `::: details Title` ... `:::`;
# every container is stacked, since `:::` closes whichever is innermost.
_CONTAINER_OPEN = re.compile(r"^\s*(:{3,})\s*([\w-]+)\s*(.*?)\s*$")
_CONTAINER_OPEN_MARK = re.compile(r"\s*\{open\}\s*$")  # `::: details Title {open}` shows it unfolded
_CONTAINER_CLOSE = re.compile(r"^\s*(:{3,})\s*$")
# Hugo (hugo-book and others): {{< details "Title" >}} / {{% details title="Title" open=true %}}
_HUGO_OPEN = re.compile(r'\{\{[<%]\s*details\b([^{}<>%\n]{0,300})[>%]\}\}', re.IGNORECASE)
_HUGO_CLOSE = re.compile(r'\{\{[<%]\s*/details\s*[>%]\}\}', re.IGNORECASE)
_HUGO_TITLE = re.compile(r'^\s*(?:title=)?"([^"]*)"')
_TAGS = re.compile(r"<[^>]*>")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
DEFAULT_TITLE = "Details"  # VitePress' and the browsers' label for a block given none
MAX_TITLE_CHARS = 80
# Markers are read in a line's first characters only, and every pattern is bounded: a
# hostile line of 20,000 "{{< details " took 54 s and 20,000 "<details>" 3.3 s per hit
# before (this pass's own check); a marker line of a real note is far shorter.
MAX_MARKER_LINE_CHARS = 1000


def collapsed_block(text: str, line_start: int, line: int) -> str | None:
    """The title of the innermost folded block of `text` (a chunk's lines, the first being
    note line `line_start`) that holds note line `line`, or None when none does. A block shown
    open (`<details open>`, `???+`) holds it in view, so it counts as none."""
    lines = text.split("\n")
    target = line - line_start
    if not 0 <= target < len(lines):
        return None
    in_code = code_lines(lines[: target + 1])
    stack: list[tuple[str, str | None, int]] = []  # (kind, title when folded else None, indent)
    for i, raw in enumerate(lines[: target + 1]):
        if stack and stack[-1][0] == "mkdocs" and raw.strip() and _indent(raw) <= stack[-1][2]:
            while stack and stack[-1][0] == "mkdocs" and _indent(raw) <= stack[-1][2]:
                stack.pop()  # an indented body ends at the first line not indented past its marker
        if i == target:
            if _SUMMARY.search(raw) and not _HTML_OPEN.search(raw) and stack and stack[-1][0] == "html":
                stack.pop()  # a <details>' summary is what shows while it is closed
            if not in_code[i]:  # a fenced line's "</details>" is code, not a closer (an attack)
                _close_leading(raw[:MAX_MARKER_LINE_CHARS], stack)
            break
        if in_code[i]:
            continue
        _read(raw[:MAX_MARKER_LINE_CHARS], stack, lines, i)
    titles = [title for _, title, _ in stack if title is not None]
    return titles[-1] if titles else None


def _read(raw: str, stack: list, lines: Sequence[str], i: int) -> None:
    """Push the blocks `raw` opens and pop the ones it closes, in order along the line."""
    # pymdownx.details (MkDocs): `??? note "Title"` folded, `???+` open; its body is indented.
    mkdocs = MKDOCS_BLOCK.match(raw) if raw.lstrip().startswith("???") else None
    if mkdocs:
        # untitled, MkDocs labels it by its type ("??? warning": "Warning")
        stack.append(("mkdocs", None if raw.lstrip().startswith("???+") else _title(block_title(mkdocs)), _indent(raw)))
        return
    if _CONTAINER_CLOSE.match(raw):
        while stack and stack[-1][0] != "container":
            stack.pop()  # an unclosed <details> inside the container ends with it
        if stack:
            stack.pop()
        return
    container = _CONTAINER_OPEN.match(raw)
    if container:
        folded = container.group(2).lower() == "details" and not _CONTAINER_OPEN_MARK.search(container.group(3))
        stack.append(("container", _title(container.group(3)) if folded else None, 0))
        return
    opened = False  # a block <details> seen on this line: more may follow it
    for match in sorted([*_HTML_OPEN.finditer(raw), *_HTML_CLOSE.finditer(raw), *_HUGO_OPEN.finditer(raw),
                         *_HUGO_CLOSE.finditer(raw)], key=lambda m: m.start()):
        if match.re is _HTML_OPEN:
            if not (opened or _HTML_BLOCK_START.match(raw)):
                return  # not a block: a mention in running text, a comment
            opened = True
            folded = not _OPEN_ATTRIBUTE.search(match.group(1))
            stack.append(("html", _summary(lines, i, match.end()) if folded else None, 0))
        elif match.re is _HUGO_OPEN:
            # hugo-book: any `open` parameter shows it unfolded (`open`, `open=true`, `open="true"`)
            folded = not re.search(r"\bopen\b", re.sub(r'"[^"]*"', "", match.group(1)), re.IGNORECASE)
            title = _HUGO_TITLE.match(match.group(1))
            stack.append(("hugo", _title(title.group(1) if title else None) if folded else None, 0))
        else:
            kind = "html" if match.re is _HTML_CLOSE else "hugo"
            while stack and stack[-1][0] != kind:
                if stack[-1][0] == "container":
                    return  # a stray closer does not close a block it is inside
                stack.pop()
            if stack:
                stack.pop()


def _close_leading(raw: str, stack: list) -> None:
    """Pop the blocks closed at the start of the answer line itself: in `</details> Ask Emi.`
    the words after the closer are in view (the last pass's attack read them inside)."""
    rest, kept = raw.lstrip(), list(stack)
    while stack:
        closer = _HTML_CLOSE.match(rest) or _HUGO_CLOSE.match(rest)
        kind = "html" if closer and closer.re is _HTML_CLOSE else "hugo"
        if not closer or stack[-1][0] != kind:
            break
        stack.pop()
        rest = rest[closer.end():].lstrip()
    if _HTML_OPEN.match(rest) or _HUGO_OPEN.match(rest):
        stack[:] = kept  # "</details><details><summary>…" opens the next folded block: still inside one


def _summary(lines: Sequence[str], i: int, after: int) -> str:
    """A <details>' summary: on its own line or the next two, else the default label."""
    for n, line in enumerate(lines[i: i + 3]):
        found = _SUMMARY.search(line[after: after + MAX_MARKER_LINE_CHARS] if n == 0 else line[:MAX_MARKER_LINE_CHARS])
        if found:
            return _title(found.group(1))
    return DEFAULT_TITLE


def _title(raw: str | None) -> str:
    """A block's title as the page shows it: tags and markdown emphasis gone, entities read, cut."""
    text = html.unescape(_TAGS.sub("", raw or "")).replace("**", "").replace("__", "").strip()
    text = _CONTAINER_OPEN_MARK.sub("", text)
    # As breadcrumbs show headings: a U+202E reversed the reply's own words after it (an attack).
    text = " ".join(_CONTROLS.sub(" ", shown_heading(text)).split())
    if len(text) > MAX_TITLE_CHARS:
        text = text[: MAX_TITLE_CHARS - 1] + "…"
    return text or DEFAULT_TITLE


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))
