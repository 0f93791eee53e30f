"""Answer-line units: each content line of a chunk, as the model should read it alone.

Questions usually target one bullet, so lines are embedded too: the best-matching lines
rank the chunks (a chunk is as good as its best line) and are the answer shown first.
A line carries its section name ("Amazon SQS (Simple Queue Service): 最大14日"); adding
parent bullets as well measured no better on the dev sets, so it is left out.
Lines are read as the wiki page shows them (wiki/shown.py): a hidden line (an HTML comment,
Liquid, a container marker) is never an answer line, nor is a caption (`<summary>`).
What this leaves out: scoring (retrieve.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Collection, Sequence

from .chunking import Chunk

# Bump when the embedded line text changes, so existing indexes are rebuilt.
UNIT_VERSION = 2
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class LineUnit:
    line: int  # 1-based line number in the source file
    chunk: int  # position of its chunk in the index
    text: str  # what gets embedded


def _plain(line: str) -> str:
    return _BULLET.sub("", line.strip()).replace("**", "").strip()


def line_units(
    chunk: Chunk, chunk_id: int, page_lines: Sequence[str], captions: Collection[int] = ()
) -> list[LineUnit]:
    """One unit per line worth pinpointing: shown, not a caption, not blank, not a fence
    marker, not a lone symbol. `page_lines[n - 1]` is line n as the page shows it
    (wiki.PageText.lines, "" when hidden); `captions` are 1-based line numbers."""
    units = []
    for n in range(chunk.line_start, chunk.line_end + 1):
        raw = page_lines[n - 1]
        if n in captions:
            continue
        body = _plain(raw)
        if len(body) < 2 or _FENCE.match(raw):
            continue
        units.append(LineUnit(n, chunk_id, f"{chunk.heading_path[-1]}: {body}"))
    return units
