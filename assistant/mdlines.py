"""Markdown line patterns that several line readers share (lines.py, paragraphleads.py,
answeritems.py): a list item's bullet, an ATX heading, an HTML tag, a pipe-table row, what
starts a block of its own, and which lines are inside a fenced code block."""
from __future__ import annotations

import re
from typing import Sequence

BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
HEADING = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*+>")
TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")


# What starts a block of its own rather than continuing a list item's text (a thematic break
# "---" / "***" too).
BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|#{1,6}(?:\s|$)|\||```|~~~|<|>|:::|!!!|\?\?\?|([-*_])(?:\s*\1){2,}\s*$)")
_FENCE_MARK = re.compile(r"^\s{0,3}(`{3,}|~{3,})(.*)$")


def code_lines(lines: Sequence[str]) -> list[bool]:
    """bool per line: inside a fenced code block, between its opening and closing markers
    (CommonMark: the closer uses the opener's character, at least as many, and nothing
    else). Read from the first line given: a chunk cut from inside a long fence reads its
    rest as text, as before."""
    inside: list[bool] = []
    opener: str | None = None
    for line in lines:
        mark = _FENCE_MARK.match(line)
        if opener is None:
            inside.append(False)
            if mark and not (mark.group(1)[0] == "`" and "`" in mark.group(2)):
                opener = mark.group(1)
        elif mark and mark.group(1)[0] == opener[0] and len(mark.group(1)) >= len(opener) and not mark.group(2).strip():
            inside.append(False)
            opener = None
        else:
            inside.append(True)
    return inside
