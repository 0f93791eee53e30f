"""What readers are shown of an answer line: the rest of its list item or wrapped sentence.

`Hit.highlight_lines` are single lines, as evaluation and the API count them; a reader is
shown each with the lines it continues over (render.py, webrender.py), since an item's first
line alone cut its answer in half (heldout7, a fresh tester).
"""
from __future__ import annotations

import re
from typing import Sequence

from .lines import code_lines
from .mdlines import BLOCK_START, BULLET

# Lines one list item may span in answer lines: an item wrapped over a few lines is one
# answer; a longer run is a paragraph of its own, shown by its best lines.
MAX_ITEM_LINES = 6


# A paragraph line that stops inside a sentence: it ends in a letter, digit, comma, 、, an
# opening bracket ("It is no longer" before "installed; ignore the old card"), a colon or a
# dash ("you take a short voice test with the head of broadcasting:" before "reading a news
# script and ...": shown alone, the answer began mid-sentence; a fresh user, 2026-12-06).
# Not a line ending in kana or a kanji: Japanese notes write one fact a line without 。
# ("田中 施設担当" / "佐藤 経理担当"), and joining them showed six names for one (an attack).
_GOES_ON = re.compile(r"[A-Za-z0-9,、;:：—–(（「]\s*$")


def item_spans(lines: Sequence[str], code: Sequence[bool]) -> dict[int, range]:
    """0-based index -> the lines (a range of indexes) of the list item or wrapped sentence it
    is part of, for every line of one written over several lines: "3. ... send it by" with its
    next line '   "Letter Pack Plus" and record ...' (indented or lazy, CommonMark's
    continuation: no blank line, bullet, heading, table row, fence, tag or quote between), and
    a paragraph's lines while each `_GOES_ON` to the next. Shown alone, the item's first line
    cut its answer in half (heldout7, a fresh tester), and a wrapped sentence's second line
    began mid-sentence (heldout8, a fresh new user). Code is left out."""
    spans: dict[int, range] = {}
    i = 0
    while i < len(lines):
        j = i + 1
        if BULLET.match(lines[i]) and not code[i]:
            while (j < len(lines) and j - i < MAX_ITEM_LINES and not code[j] and lines[j].strip()
                   and not BLOCK_START.match(lines[j])):
                j += 1
        elif lines[i].strip() and not code[i] and not BLOCK_START.match(lines[i]):
            while (j < len(lines) and j - i < MAX_ITEM_LINES and not code[j] and lines[j].strip()
                   and not BLOCK_START.match(lines[j]) and _GOES_ON.search(lines[j - 1])):
                j += 1
        if j - i > 1:
            for k in range(i, j):
                spans[k] = range(i, j)
        i = j
    return spans


def answer_items(lines: Sequence[str], first_line: int, highlight: Sequence[int]) -> list[tuple[int, ...]]:
    """Each answer line of `highlight` (1-based line numbers, best first) with the other lines
    of its list item (`item_spans`), as 1-based line numbers in order; `lines` is the text
    from `first_line` on. An item two answer lines share is given once, at the better one.
    What readers are shown of an answer (render.py, webrender.py); `Hit.highlight_lines`
    stays the best lines themselves, as evaluation and the API count them."""
    spans = item_spans(lines, code_lines(lines))
    items, seen = [], set()
    for n in highlight:
        item = tuple(first_line + k for k in spans.get(n - first_line, (n - first_line,)))
        if not seen & set(item):
            items.append(item)
        seen.update(item)
    return items
