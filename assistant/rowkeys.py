"""Row keys: the numbers that pick a table row or a "key: value" item, and whether a question states one.

A table, or a list of "key: value" items, often answers with the one row a number the asker
already has picks: "| 10–20 kg | 2,420 yen |" answers "a month for a 12 kg beagle?", "| 2 |
the kids' pool closes |" answers "two of us are left", "- 99.99% : 年間52.60分間のダウンタイム"
answers "99.99% availability". The rows around it share every word of the question, so the
line ranker (highlight.py) showed a neighbouring row first: 7 of the 55 right first hits whose
answer line was not among the three shown (Gemma, 16 corpora). With this rule 3 of them show
it (line@3 Gemma +3, e5 +1, none lost; docs/evaluation.md, thirty-first pass).

A row's keys: the number its first cell (or an item's text before ": ") is, exactly as
written ("200", "5.1.1"); and every range one of its cells gives ("0.1-0.5%", "7 to 3 days",
"0.4〜0.5"). A question states a key when it writes that number, or one inside the range.
Clock times ("19:05") and numbers inside longer runs (a phone number "0000-31-1000", a date
"2024-03-12") are neither.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .textnorm import match_form

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)*"
# A number standing alone: no digit, separator or clock colon joined to it on either side, no
# Latin letter before it ("P2" is a priority, "v4" a version; Japanese may touch it: "を12枚").
_ALONE = rf"(?<![A-Za-z\d.,:/-]){_NUMBER}(?![\d:/]|[.,-]\d)"
_QUESTION_NUMBER = re.compile(_ALONE)
# "0.1-0.5%", "10–20 kg", "7 to 3 days", "1〜3 コース": two numbers, a unit of up to four
# letters after the first, a dash, wave dash or "to" between.
_RANGE = re.compile(rf"(?<![A-Za-z\d.,:/-])({_NUMBER})\s*(?:%|[^\W\d_]{{1,4}})?\s*(?:-|–|—|〜|～|~|\bto\b)\s*({_NUMBER})(?![\d:/]|[.,-]\d)")
# A key cell or item key is short: a number with its unit ("200 mm", "P2", "99.99%"), not prose.
MAX_KEY_CHARS = 16
_ITEM_KEY = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+(?:\*\*)?([^:：]{1,%d}?)(?:\*\*)?\s*[:：]\s" % MAX_KEY_CHARS)


class RowKeys(NamedTuple):
    """The keys of one line: numbers as written, and (low, high) ranges."""

    exact: frozenset[str]
    ranges: tuple[tuple[float, float], ...]


def _value(number: str) -> float:
    """A number as written ("2,420", "0.5") as a float; a dotted version ("5.1.1") as its first part."""
    whole = number.replace(",", "")
    head = whole.split(".")[0] if whole.count(".") > 1 else whole
    return float(head)


def row_keys(line: str) -> RowKeys | None:
    """The keys of a note line: a pipe-table row's or a "- key: value" item's (see the module
    docstring); None for a line without any."""
    text = match_form(line).strip()
    if text.startswith("|"):
        cells = [cell.strip() for cell in text.strip("|").split("|")]
        key = cells[0] if cells else ""
    else:
        item = _ITEM_KEY.match(text)
        if item is None:
            return None
        cells, key = [item.group(1).strip()], item.group(1).strip()
    exact = frozenset(m.group().replace(",", "") for m in _QUESTION_NUMBER.finditer(key)) if len(key) <= MAX_KEY_CHARS else frozenset()
    ranges = []
    for cell in cells:
        for m in _RANGE.finditer(cell):
            low, high = sorted((_value(m.group(1)), _value(m.group(2))))
            if low < high:
                ranges.append((low, high))
    return RowKeys(exact, tuple(ranges)) if exact or ranges else None


def question_numbers(question: str) -> tuple[str, ...]:
    """The numbers a question states, as written without thousands commas ("12", "0.3", "5.1.1")."""
    return tuple(m.group().replace(",", "") for m in _QUESTION_NUMBER.finditer(match_form(question)))


def states_key(numbers: tuple[str, ...], keys: RowKeys) -> bool:
    """Whether one of a question's `numbers` (question_numbers) is a key of the row."""
    if not numbers:
        return False
    if keys.exact.intersection(numbers):
        return True
    values = [_value(n) for n in numbers]
    return any(low <= v <= high for low, high in keys.ranges for v in values)
