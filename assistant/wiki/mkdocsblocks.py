"""Python-Markdown's indented blocks, as MkDocs sites write them: an admonition `!!! note
"Title"`, a collapsible `??? tip` / `???+ tip` (pymdownx.details), a content tab `=== "Linux"`
(pymdownx.tabbed). The marker line is the block's title; its body is the lines after it
indented four columns past the marker, up to the first non-blank line that is not.

One pattern for every reader of them (shown.py: the marker is a caption and the body is text;
collapsed.py: `???` folds its body; fragments.py: a reply shows the title in bold). Written
here because Python-Markdown gives HTML, not which source lines a block spans.
"""
from __future__ import annotations

import re

# Python-Markdown 3.x `admonition.AdmonitionProcessor.RE` (`!!! ?type classes "title"`),
# pymdownx.details (`???+ type "title"`) and pymdownx.tabbed (`===!+ "title"`), indented.
# Groups: 1 indentation, 2 the type and extra classes ("note inline end"; None for a tab),
# 3 an admonition's title (None when not given; "" shows none), 4 a tab's title.
MKDOCS_BLOCK = re.compile(r'^([ \t]*)(?:(?:!!!|\?\?\?\+?)[ \t]?([\w-]+(?:[ \t]+[\w-]+)*)(?:[ \t]+"(.*)")?'
                          r'|===!?\+?[ \t]+"(.*)")[ \t]*$')
_LEADING_WS = re.compile(r"^[ \t]*")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")


def block_title(marker: re.Match) -> str:
    """The title MkDocs shows for a block's marker (a MKDOCS_BLOCK match): its own title, else
    a tab's, else its type capitalised ("!!! warning": "Warning"); "" for `!!! note ""`."""
    for title in (marker.group(3), marker.group(4)):
        if title is not None:
            return title.strip()
    return marker.group(2).split()[0].capitalize()


def columns(line: str) -> int:
    """Width of `line`'s leading whitespace in columns (tabs stop every 4, as CommonMark's)."""
    return len(_LEADING_WS.match(line).group().expandtabs(4))


def unindented_bodies(shown: list[str], written: list[str]) -> tuple[list[str], set[int]]:
    """`shown` (a page's lines as shown, line for line with `written`, the lines as written)
    with each indented block's body four columns less indented per block around it, as the
    site shows it: text, where rendered on its own a body was an indented code block. The
    blocks are read from `written`, outside code fences; a marker indented four columns past
    the body it sits in is an indented code block's text (a note showing the syntax), no
    marker. Returns (the lines, the 0-based indices of the markers, returned as they are).
    O(lines)."""
    out: list[str] = []
    markers: set[int] = set()
    bodies: list[int] = []  # the column each open block's body starts at, innermost last
    fence: str | None = None
    fence_depth = 0  # the blocks open around the fence: one that ends closes it (Python-Markdown)
    for i, (line, source) in enumerate(zip(shown, written)):
        indent = columns(source)
        while bodies and source.strip() and indent < bodies[-1]:
            bodies.pop()  # a line not indented past its marker ends the body
        if fence is not None and len(bodies) < fence_depth:
            fence = None  # an unclosed fence ends with its block (an attack left it open to the page's end)
        dedent = 4 * len(bodies)
        out.append(line if not dedent else " " * max(0, columns(line) - dedent) + line.lstrip(" \t"))
        opened = _FENCE.match(source)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence) and not opened.group(2).strip():
                fence = None
            continue
        if opened:
            fence, fence_depth = opened.group(1), len(bodies)
        elif indent - dedent < 4 and MKDOCS_BLOCK.match(source[len(_LEADING_WS.match(source).group()):]):
            bodies.append(indent + 4)
            markers.add(i)
    return out, markers
