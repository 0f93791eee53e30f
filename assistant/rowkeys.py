"""Row keys: the numbers and names that pick a table row or a "key: value" item, and whether a question states one.

A table, or a list of "key: value" items, often answers with the one row a number the asker
already has picks: "| 10–20 kg | 2,420 yen |" answers "a month for a 12 kg beagle?", "| 2 |
the kids' pool closes |" answers "two of us are left", "- 99.99% : 年間52.60分間のダウンタイム"
answers "99.99% availability". The rows around it share every word of the question, so the
line ranker (highlight.py) showed a neighbouring row first: 7 of the 55 right first hits whose
answer line was not among the three shown (Gemma, 16 corpora). With this rule 3 of them show
it (line@3 Gemma +3, e5 +1, none lost; docs/evaluation.md, thirty-first pass).

A row's keys: the number its first cell (or an item's text before ": ") is, exactly as
written ("200", "5.1.1"); and every range one of its cells gives ("0.1-0.5%", "7 to 3 days",
"0.4〜0.5"). A question states a key when it writes that number, or one inside the range with
the range's unit, if it has one ("5 日後" is in "7 to 3 days"; "3月12日から2泊" is in no "1〜5kg");
Japanese scale words are read on both sides ("15万円" is in "100,000〜299,999 円"), and an
English age is one in 歳 ("a 16 year old" is in "16〜18 歳").
Clock times ("19:05"), negative numbers, numbers inside longer runs (a phone number
"0000-31-1000", a date "2024-03-12") and dotted numbers ("3.8–3.11", "192.168.1.20": versions
and addresses, compared as written only) are in no range (an attacking helper, 2026-12-04).
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .hits import MAX_LINE_CHARS
from .mdlines import HTML_TAG
from .textnorm import match_form

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)*"
# A number standing alone: no digit, separator, minus sign or clock colon joined to it on
# either side, no Latin letter before it ("P2" is a priority, "v4" a version; Japanese may
# touch it: "を12枚").
_BEFORE = r"(?<![A-Za-z\d.,:/\-−])"
_AFTER = r"(?![\d:/]|[.,-]\d)"
# The unit right after a number: a percent sign, a Latin word ("kg", "days") or one Japanese
# letter (日, 人, 泊: the counter).
_UNIT = r"\s*+(%|[A-Za-z]++|[^\W\d_A-Za-z])?"
_QUESTION_NUMBER = re.compile(rf"{_BEFORE}({_NUMBER}){_AFTER}{_UNIT}")
# "0.1-0.5%", "10–20 kg", "7 to 3 days", "1〜3 コース": two numbers, a unit of up to four
# letters after the first, a dash, wave dash or "to" between. Possessive: spaces are taken
# once (a row of 20,000 spaces cost 13 s an `ask` with backtracking, an attacking helper).
_RANGE = re.compile(rf"{_BEFORE}({_NUMBER})(?:\s*+(?:%|[^\W\d_]{{1,4}}+))?\s*+(?:-|–|—|〜|～|~|\bto\b)\s*+({_NUMBER}){_AFTER}{_UNIT}")
# A bound of a half-open range, as fee and approval tables write one: "5,000 円以上 30,000 円未満",
# "30,000 円以上", "Under 5 kg", "10 or more". Each word says which side the number bounds and
# whether it is in the range (以上 and "or more" take it, 超 and "over" do not). A word before
# the number counts only first in its cell ("hand over 3 keys" is no bound: an attack); one
# after it not inside a longer word (超過). Possessive.
_LOWER_AFTER = {"以上": True, "超": False, "or more": True, "and over": True, "and up": True, "+": True}
_UPPER_AFTER = {"以下": True, "未満": False, "or less": True, "or fewer": True, "and under": False}
_LOWER_BEFORE = {"over": False, "more than": False, "above": False, "at least": True, "from": True}
_UPPER_BEFORE = {"under": False, "less than": False, "below": False, "up to": True, "at most": True, "fewer than": False}
_AFTER_WORDS = "|".join(sorted(map(re.escape, {**_LOWER_AFTER, **_UPPER_AFTER}), key=len, reverse=True))
_BEFORE_WORDS = "|".join(sorted(map(re.escape, {**_LOWER_BEFORE, **_UPPER_BEFORE}), key=len, reverse=True))
_BOUND = re.compile(rf"(?:\b({_BEFORE_WORDS})\s++)?{_BEFORE}({_NUMBER}){_AFTER}{_UNIT}"
                    rf"(?:\s*+({_AFTER_WORDS})(?![A-Za-z\u3400-\u9fff]))?", re.IGNORECASE)
# A cell no bound of which is read: one that counts down ("from 1 day before check-in" is the
# last day, "up to 7 days before" the early ones: read as counting up, both picked the
# opposite row, an attack), or writes a sign in words (マイナス10 度以下 is below -10, not 10).
_SIGN_WORD = re.compile(r"\b(?:minus|below zero)\b|マイナス|氷点下|零下", re.IGNORECASE)
_NO_BOUNDS = re.compile(rf"\b(?:before|prior|ago|earlier)\b|前|{_SIGN_WORD.pattern}", re.IGNORECASE)
_EXCLUSIVE = 1e-9  # how far inside an exclusive bound (未満, "over") the compared range starts
# One name for a unit written either way ("5 日後" is in "7 to 3 days before").
_SAME_UNIT = {"日": "day", "days": "day", "人": "person", "名": "person", "people": "person", "persons": "person",
              "円": "yen", "分": "minute", "min": "minute", "mins": "minute", "minutes": "minute",
              "hours": "hour", "hrs": "hour", "hr": "hour", "h": "hour", "泊": "night", "nights": "night",
              "才": "歳"}
# A key cell or item key is short: a number with its unit ("200 mm", "P2", "99.99%"), not prose.
MAX_KEY_CHARS = 16
# A "key: value" item: a bullet ("-", "1.", or the "・" Japanese notes write without a list),
# a key of up to MAX_KEY_CHARS with a gloss after it ("Gym (トレーニング室)"), bold around it or
# around it and its colon ("**Key:** value"), and a colon with a space after it, or none after
# a Japanese key ("電話：受付", "受付時間：9:00": the full-width colon, folded by match_form, needs
# no space; "10:30" and "http://" are no key). A helper's attack on the name rule, 2026-12-05.
# The bullet's spaces are taken whole (possessive): given back one by one to the key and the
# "\s*" before its colon, "- " + 2,000 spaces + "ab" cost 1.2 s a line at every index load, and
# a note of such lines 227 s a server start (an attack, 2026-12-05).
_ITEM_KEY = re.compile(
    r"^\s*+(?:(?:[-*+]|\d+\.)\s++|・\s*+)(?:\*\*)?([^:\n]{1,%d}?(?:\s*\([^()\n]{1,%d}\))?)(?:\*\*)?\s*:(?:\*\*)?"
    r"(?:\s|(?<=[^\x00-\x7f]:)|(?<=[^\x00-\x7f]:\*\*))" % (MAX_KEY_CHARS, MAX_KEY_CHARS))
# A pipe that divides cells: not one escaped inside a cell ("a \\| b", as GFM writes it).
_CELL_PIPE = re.compile(r"(?<!\\)\|")
_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\n]*\)")
_GLOSS = re.compile(r"^(.+?)\s*\(([^()]+)\)$")


class RowKeys(NamedTuple):
    """The keys of one line: numbers as written, and (low, high, unit) ranges (unit "" when none)."""

    exact: frozenset[str]
    ranges: tuple[tuple[float, float, str], ...]


def _unit(written: str | None) -> str:
    """A unit as compared: lowercase, one name for its spellings (_SAME_UNIT); "" for none."""
    unit = (written or "").lower()
    return _SAME_UNIT.get(unit, unit)


def _value(number: str) -> float | None:
    """A quantity as written ("2,420", "0.5") as a float; None for what is compared only as
    written: a dotted version or address ("5.1.1"), a number with a leading zero ("0100" of a
    phone number)."""
    whole = number.replace(",", "")
    if whole.count(".") > 1 or (len(whole) > 1 and whole[0] == "0" and whole[1] != "."):
        return None
    return float(whole)


def _range(first: str, second: str) -> tuple[float, float] | None:
    """(low, high) of a written range, or None: a bound that is no quantity (`_value`), equal
    bounds, or decimals written high to low ("3.8–3.11" is versions; "7 to 3 days" counts down)."""
    low, high = _value(first), _value(second)
    if low is None or high is None or low == high or (low > high and "." in first + second):
        return None
    return min(low, high), max(low, high)


def _cells_and_key(line: str) -> tuple[list[str], str] | None:
    """A pipe-table row's cells and its first cell, or a "- key: value" item's key as its one
    cell and key, in match form and stripped; None for any other line."""
    text = written_out(match_form(line[:MAX_LINE_CHARS])).strip()
    if text.startswith("|"):
        cells = [cell.replace("\\|", "|").strip() for cell in _CELL_PIPE.split(text.strip("|"))]
        return cells, cells[0]
    item = _ITEM_KEY.match(text)
    return None if item is None else ([item.group(1).strip()], item.group(1).strip())


# A number written with Japanese scale words: "15万円" is 150000 円, "1.5万" 15000, "1,500万"
# 15000000, "1億5000万" 150000000, "1万5000円" 15000, and both ends of "5万〜30万円" (read at its
# second end only, 1万円 fitted "5 to 300,000 円": an attack). Possessive: linear in the text.
_SCALED_NUMBER = r"\d++(?:,\d{3})*+(?:\.\d++)?"
_SCALED = re.compile(rf"(?<![\d.,])({_SCALED_NUMBER}\s*+[億万千](?:\s*+{_SCALED_NUMBER}\s*+[億万千])*+)(\d++)?")
_SCALED_PART = re.compile(rf"({_SCALED_NUMBER})\s*+([億万千])")
_SCALE = {"千": 1_000, "万": 10_000, "億": 100_000_000}
# An age as English writes one ("a 16 year old", "16-year-olds", "aged 16"): 歳 as Japanese
# notes write it. "3 years" alone is a duration ("3 years into the job" is in no "0〜5 歳": an attack).
_AGE_EN = re.compile(r"\b(\d{1,3})[\s-]*+years?[\s-]*+olds?\b|\baged\s++(\d{1,3})\b", re.IGNORECASE)


def _scaled_value(match: re.Match) -> str:
    parts = _SCALED_PART.findall(match.group(1))
    value = sum(float(number.replace(",", "")) * _SCALE[scale] for number, scale in parts) + float(match.group(2) or 0)
    return f"{value:.0f}"


def written_out(text: str) -> str:
    """`text` with each number written with Japanese scale words (`_SCALED`) written in full."""
    return _SCALED.sub(_scaled_value, text)


def row_keys(line: str) -> RowKeys | None:
    """The keys of a note line: a pipe-table row's or a "- key: value" item's (see the module
    docstring); None for a line without any."""
    found = _cells_and_key(line)
    return None if found is None else _keys_of(*found)


# A clock time a row is keyed by ("| 20:00 | 園長に電話 |") and one a question states ("20時には
# 何をする？", "at 8 pm", "20:00"), both as "H:MM": 「19時過ぎても迎えが来ないとき、20時には何を
# する？」 showed the 19:15 row (a fresh user, heldout24).
_CLOCK_KEY = re.compile(r"^(\d{1,2}):(\d{2})(?!\d)")
# The part of the day takes its own spaces, so a match starts at it or at the digits: a run of
# spaces was scanned again from each of its positions (20,000 spaces: 5.7 s).
_CLOCK_ASKED = re.compile(r"(?:(午後|午前|夜|夕方|晩)\s*+)?(?<![\d:.,])(\d{1,2})(?:(?::(\d{2})(?![\d:]))|\s*時(?!間)(?:\s*(\d{1,2})\s*分|(半))?)?"
                          r"(?:\s*(a\.?m\.?|p\.?m\.?)(?![a-z]))?", re.IGNORECASE)


def _clock(hour: str, minutes: str | None) -> str | None:
    """"H:MM" for a time of day, None for no time of day."""
    h, m = int(hour), int(minutes or 0)
    return f"{h}:{m:02d}" if h <= 24 and m < 60 else None


def clock_times(question: str) -> tuple[tuple[str, str], ...]:
    """The times of day a question (match form) states, as ("H:MM", ""): "20時", "20時半",
    "午後8時", "夜8時", "8 pm", "20:00"; a bare number is none."""
    times = []
    for m in _CLOCK_ASKED.finditer(question):
        half, meridiem, pm = m.group(5), (m.group(6) or "").lower(), m.group(1) in ("午後", "夜", "夕方", "晩")
        if m.group(3) is None and m.group(4) is None and not half and not meridiem and "時" not in m.group(0):
            continue
        hour = int(m.group(2)) + (12 if (pm or meridiem.startswith("p")) and int(m.group(2)) < 12 else 0)
        time = _clock(str(hour), m.group(3) or m.group(4) or ("30" if half else None))
        if time:
            times.append((time, ""))
    return tuple(times)


def _keys_of(cells: list[str], key: str) -> RowKeys | None:
    # "マイナス10 度" is not 10 degrees
    exact = frozenset(m.group(1).replace(",", "") for m in _QUESTION_NUMBER.finditer(key)) \
        if len(key) <= MAX_KEY_CHARS and not _SIGN_WORD.search(key) else frozenset()
    if (clock := _CLOCK_KEY.match(key)) and (time := _clock(*clock.groups())):
        exact |= {time}
    ranges = []
    for cell in cells:
        for m in _RANGE.finditer(cell):
            bounds = _range(m.group(1), m.group(2))
            if bounds is not None:
                ranges.append((*bounds, _unit(m.group(3))))
        if not ranges:
            ranges.extend(_half_open(cell))
            # a bound is no key as written: "5,000 円未満" does not hold 5,000
            exact = frozenset() if cell is cells[0] and ranges else exact
    return RowKeys(exact, tuple(ranges)) if exact or ranges else None


def _half_open(cell: str) -> list[tuple[float, float, str]]:
    """The range a cell's bounds give ("5,000 円以上 30,000 円未満": [5000, 30000), "30,000 円以上":
    [30000, inf), "under 5 kg": (-inf, 5)): one lower and one upper bound at most, with one
    unit; none for a cell without a bound word, or with two of a side. "10,000 yen" picked the
    "30,000 円以上" row of an approval table, where "5,000 円以上 30,000 円未満" answers it (a
    fresh user, heldout23, 2026-12-06)."""
    low, high, units = [], [], set()
    if _NO_BOUNDS.search(cell):
        return []
    for m in _BOUND.finditer(cell):
        before, number, unit, after = m.groups()
        before = before if before and not cell[:m.start()].strip() else None
        value = _value(number)
        if value is None or not (before or after):
            continue
        word = (after or before).lower()
        if word in _LOWER_AFTER or word in _LOWER_BEFORE:
            low.append(value if {**_LOWER_AFTER, **_LOWER_BEFORE}[word] else value + _EXCLUSIVE)
        else:
            high.append(value if {**_UPPER_AFTER, **_UPPER_BEFORE}[word] else value - _EXCLUSIVE)
        units.add(_unit(unit))
    # Without a unit an open side holds any number a question states ("over 18" held 10,000 yen).
    if len(low) > 1 or len(high) > 1 or len(units) != 1 or "" in units or (low and high and low[0] >= high[0]):
        return []
    return [(low[0] if low else -float("inf"), high[0] if high else float("inf"), units.pop())]


def key_names(line: str) -> frozenset[str]:
    """The names a row is keyed by: its first cell, or an item's text before ": ", in match
    form, lowercase, without the markup around it (a link's or an HTML tag's, "**", "`"), when
    it is at most MAX_KEY_CHARS characters and holds a letter ("gym", "medium", "早番", "缶");
    a glossed key ("Gym (トレーニング室)") is also named by either part. Empty for a line
    without such a key. "| Gym | 6:00-22:00 |" answers "And the gym?" as "| 10-20 kg | 2,420
    yen |" answers a 12 kg beagle: the rows around it hold the same words (a helper's
    follow-ups, 2026-12-05: "And the gym?" after the pool's hours showed the pool's row first)."""
    found = _cells_and_key(line)
    return frozenset() if found is None else _names_of(found[1])


# Ordinals a key qualifies its name with: "第 2・第 4 土曜", "2nd & 4th Sat", "1st/3rd Monday".
_ORDINAL = re.compile(r"^(?:第\s*\d+|\d+(?:st|nd|rd|th)|&|and|[・、,/])$")  # not a bare number: "Room 101"
_KEY_PARTS = re.compile(r"第\s*\d+|[^\s・、,/&]+|[・、,/&]")


def _names_of(key: str) -> frozenset[str]:
    key = HTML_TAG.sub("", _LINK.sub(r"\1", key)).strip("`*_~ ").lower()  # "max_connections" stays
    gloss = _GLOSS.match(key)
    names = (key, *(part.strip("`*_~ ") for part in gloss.groups())) if gloss else (key,)
    # A name qualified by ordinals is also named by itself: "土曜は？" picks "| 第 2・第 4 土曜 |"
    # (a fresh user's follow-up, heldout23, 2026-12-06: the prose under the table was shown).
    parts = _KEY_PARTS.findall(key) if len(key) <= MAX_KEY_CHARS else []
    named = [part for part in parts if not _ORDINAL.match(part)]
    if len(named) == 1 and len(parts) > 1:
        names = (*names, named[0])
    return frozenset(name for name in names if 1 <= len(name) <= MAX_KEY_CHARS and any(ch.isalpha() for ch in name))


_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def named_phrase(question: str, topics: frozenset[str]) -> str | None:
    """The question's words that are its topic words, when they stand together and are all of
    them ("And CLASS III?": "class iii"): a name of more than one word, which may key a row
    ("| CLASS III | ... |"); None otherwise. `topics`: topicwords.topic_words, match form,
    lowercase. Without it a row was picked only by a one-word name, and "And CLASS III?"
    after a CLASS I question showed the CLASS I row (a fresh user, heldout23, 2026-12-06)."""
    words = _WORD.findall(match_form(question[:MAX_LINE_CHARS]).lower())
    at = [i for i, word in enumerate(words) if word in topics]
    if len(topics) < 2 or not at or at[-1] - at[0] + 1 != len(at) or set(words[at[0]: at[-1] + 1]) != set(topics):
        return None
    return " ".join(words[at[0]: at[-1] + 1])


def read_row(line: str, named: bool = True) -> tuple[RowKeys | None, frozenset[str]]:
    """`row_keys` and `key_names` of a line from one reading of its cells; `named` False
    leaves the names out (a code line is keyed by numbers only)."""
    return read_row_and_key(line, named)[:2]


def read_row_and_key(line: str, named: bool = True) -> tuple[RowKeys | None, frozenset[str], str | None]:
    """`read_row` and the row's first cell (or an item's key) in match form, None for any
    other line, from the same reading (daterows.row_dates reads the key cell's dates)."""
    found = _cells_and_key(line)
    if found is None:
        return None, frozenset(), None
    return _keys_of(*found), (_names_of(found[1]) if named else frozenset()), found[1]


def names_key(named: frozenset[str], names: frozenset[str]) -> bool:
    """Whether a question names a row's `key_names`: `named` is the question's topic words
    (topicwords.topic_words, match form, lowercase), and a key name must be one of them whole.
    Found anywhere in the question, 「ルートテーブル」 picked its row for 「カスタムルートテーブルは？」
    and "when" a "- When: ..." item for "And when?" (an attack on the rule, 2026-12-05)."""
    return not named.isdisjoint(names)


def question_numbers(question: str) -> tuple[tuple[str, str], ...]:
    """The numbers a question states with their units: (number as written without thousands
    commas, unit as compared or ""): ("12", "kg"), ("0.3", "%"), ("5.1.1", "")."""
    question = match_form(question[:MAX_LINE_CHARS])
    # an English age is read in both units its tables write ("16 歳", "Under 18 years")
    stated = _AGE_EN.sub(lambda m: "{0} 歳 {0} years".format(m.group(1) or m.group(2)), written_out(question))
    return tuple((m.group(1).replace(",", ""), _unit(m.group(2))) for m in _QUESTION_NUMBER.finditer(stated)) \
        + clock_times(question)


def states_key(numbers: tuple[tuple[str, str], ...], keys: RowKeys) -> bool:
    """Whether one of a question's `numbers` (question_numbers) is a key of the row: a key
    cell's number as written, or a quantity inside one of its ranges, with the range's unit
    when it names one."""
    return key_fit(numbers, keys) is not None


def key_fit(numbers: tuple[tuple[str, str], ...], keys: RowKeys) -> tuple[int, float] | None:
    """How closely the row's keys hold one of the question's `numbers`, lower is closer, or
    None when none holds one (states_key): (0, 0) for the number as written, (1, width) for a
    range of two bounds, (2, distance to its bound) for a half-open range. Of rows that all hold
    "70 years", "Over 65" is closer than "18 and over" (an attack: the broader row came first)."""
    if not numbers:
        return None
    if keys.exact.intersection(number for number, _ in numbers):
        return (0, 0.0)
    fits = []
    for number, unit in numbers:
        # "3.10" with its trailing zero is a version, not a measure inside "3.0–3.7".
        value = None if ("." in number and number.endswith("0")) or ":" in number else _value(number)
        if value is None:
            continue
        for low, high, of in keys.ranges:
            if low <= value <= high and (not of or of == unit):
                finite = [bound for bound in (low, high) if abs(bound) != float("inf")]
                fits.append((1, high - low) if len(finite) == 2 else (2, min(abs(value - b) for b in finite)))
    return min(fits, default=None)
