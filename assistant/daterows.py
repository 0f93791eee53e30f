"""Calendar dates that pick a table row: "| 12 月 31 日〜1 月 3 日 | 休み |" answers "Is the shop
open on New Year's Day?" and 「元日は営業してる？」.

rowkeys.py reads a row's numbers one by one, so "12 月 31 日〜1 月 3 日" held 12, 31, 1 and 3 and
a question's "1 月 1 日" fitted the 1 月 4 日 row as well as any; an English date ("1 January")
or a day's name (元日, New Year's Eve) fitted nothing, and the 1 月 4 日 row was shown for New
Year's Day in both profiles (a fresh user, heldout26, 2026-12-07). A date here is its month and
day as one ordinal (month * 100 + day: 1231, 101), with no year: a holiday table is read the
same each year (rowkeys and noanswer.other_year handle the year). A range may run over the new
year (1231 to 103).
"""
from __future__ import annotations

import re

from .textnorm import match_form

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# A month as English writes it, whole: "junior 3" is no June 3, "marketing 5" no March 5.
_MONTH_EN = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
             r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?")
_DAY_EN = r"(\d{1,2})(?:st|nd|rd|th)?"
# One date as notes and questions write it; possessive, each tried from left to right.
_DATE = re.compile(
    r"(?<!\d)(\d{1,2})\s*+月\s*+(\d{1,2})\s*+日"                      # 12 月 31 日
    r"|(?<![\d/.])(?:(?:19|20)\d\d/)?+(\d{1,2})/(\d{1,2})(?![\d/.])"     # 12/31, 2027/1/2 (a year first)
    rf"|\b{_MONTH_EN}\s++{_DAY_EN}\b"                                  # January 1, Jan. 1st
    rf"|\b{_DAY_EN}\s++(?:of\s++)?{_MONTH_EN}(?![a-z])"                # 1 January, 1st of Jan
    r"|(?<![\d/.])(\d{1,2})/(\d{1,2})/\d\d(?:\d\d)?+(?![\d/.])",          # 12/29/2024, 29/12/24 (a year last)
    re.IGNORECASE)
# Days known by name, fixed each year.
_NAMED_DAYS = ((re.compile(r"元日|元旦|new year'?s day", re.IGNORECASE), 101),
               (re.compile(r"大晦日|大みそか|new year'?s eve", re.IGNORECASE), 1231),
               (re.compile(r"christmas eve|クリスマスイブ", re.IGNORECASE), 1224),
               (re.compile(r"christmas day|\bchristmas\b(?! eve)|クリスマス(?!イブ)", re.IGNORECASE), 1225))
# A range of days in one month: "Dec 29-31", "29-31 Dec", 「12月29日〜31日」 (an attack: each was
# read as its first day alone, and 12/30 picked the 12/28 row).
_DASH = r"\s*+(?:-|–|—|〜|～|~|\b(?:to|through|thru)\b|から)\s*+"
_WEEKDAY = r"\s*+(?:[（(][^）)]{0,6}[）)])?"  # 「12 月 31 日（木）」
_DAYS_IN_MONTH = re.compile(
    rf"\b{_MONTH_EN}\s++{_DAY_EN}{_DASH}{_DAY_EN}\b(?!\s*+(?:月|/|:|{'|'.join(_MONTHS)}))"
    rf"|\b{_DAY_EN}{_DASH}{_DAY_EN}\s++(?:of\s++)?{_MONTH_EN}(?![a-z])"
    rf"|(?<!\d)(\d{{1,2}})\s*+月\s*+(\d{{1,2}})\s*+日{_WEEKDAY}{_DASH}(\d{{1,2}})\s*+日",
    re.IGNORECASE)
_BETWEEN = re.compile(rf"^{_WEEKDAY}{_DASH}$", re.IGNORECASE)  # what joins two dates into a range


def _ordinal(match: re.Match) -> int | None:
    groups = match.groups()
    if groups[0]:
        month, day = int(groups[0]), int(groups[1])
    elif groups[2]:
        month, day = int(groups[2]), int(groups[3])
    elif groups[4]:
        month, day = _MONTHS.index(groups[4].lower()[:3]) + 1, int(groups[5])
    elif groups[7]:
        month, day = _MONTHS.index(groups[7].lower()[:3]) + 1, int(groups[6])
    else:
        # A year last is written month first (US) or day first (most of Europe): read only
        # when one way is no date (29/12/2024, 12/29/2024), never 05/01/2025.
        first, second = int(groups[8]), int(groups[9])
        if (first <= 12) == (second <= 12):
            return None
        month, day = (first, second) if first <= 12 else (second, first)
    return month * 100 + day if 1 <= month <= 12 and 1 <= day <= 31 else None


def question_dates(question: str) -> tuple[int, ...]:
    """The month-day ordinals (month * 100 + day) a question names: written dates (a year
    last only where one reading, US or European, is a date) and days
    known by name (元日, New Year's Eve)."""
    text = match_form(question).replace("\u2019", "'")  # a phone's apostrophe: New Year’s Day
    found = [d for m in _DATE.finditer(text) if (d := _ordinal(m))]
    return tuple(found + [day for pattern, day in _NAMED_DAYS if pattern.search(text)])


def _days_range(match: re.Match) -> tuple[int, int] | None:
    g = match.groups()
    if g[0]:
        month, first, last = _MONTHS.index(g[0].lower()[:3]) + 1, int(g[1]), int(g[2])
    elif g[3]:
        month, first, last = _MONTHS.index(g[5].lower()[:3]) + 1, int(g[3]), int(g[4])
    else:
        month, first, last = int(g[6]), int(g[7]), int(g[8])
    if 1 <= month <= 12 and 1 <= first < last <= 31:
        return month * 100 + first, month * 100 + last
    return None


def row_dates(cell: str) -> tuple[tuple[int, int], ...]:
    """The dates a row's key cell gives, as (first, last) ordinals: a date alone is (d, d);
    two joined by 〜, "to", "through" or a dash are a range, which may run over the new year, as are
    days of one month ("Dec 29-31", 「12月29日〜31日」)."""
    text = match_form(cell)
    days = [r for m in _DAYS_IN_MONTH.finditer(text) if (r := _days_range(m))]
    if days:
        return tuple(days)
    found = [(m, _ordinal(m)) for m in _DATE.finditer(text)]
    out, i = [], 0
    while i < len(found):
        match, first = found[i]
        if i + 1 < len(found) and _BETWEEN.match(text[match.end():found[i + 1][0].start()]):
            last = found[i + 1][1]
            if first and last:
                out.append((first, last))
            i += 2
            continue
        if first:
            out.append((first, first))
        i += 1
    return tuple(out)


def date_fit(dates: tuple[int, ...], ranges: tuple[tuple[int, int], ...]) -> tuple[int, float] | None:
    """As rowkeys.key_fit, lower is closer: (0, 0) for a date the row gives alone, (1, days
    spanned) for one inside its range; None when the row holds none of `dates`."""
    fits = []
    for first, last in ranges:
        span = _days(first, last)
        for date in dates:
            if first == last == date:
                fits.append((0, 0.0))
            elif first != last and _days(first, date) <= span:
                fits.append((1, float(span)))
    return min(fits, default=None)


def _days(first: int, last: int) -> int:
    """Days from `first` to `last` going forward, over the new year if need be (a month is
    counted as 31 days: only order and rough width matter here)."""
    start, end = (first // 100) * 31 + first % 100, (last // 100) * 31 + last % 100
    return (end - start) % (12 * 31)
