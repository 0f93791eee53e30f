"""The lines a hit answers with, and those about the thing a question asks a detail of.

The reply's answer lines are read as it shows them: a list item whole, a table row under its
header (`answer_units`). Asked a detail of one named thing (its phone number, its opening
hours, its price: NAMED_DETAILS), only the lines naming that thing count (`lines_about`):
verdict.py decides "not in the notes" from them.
"""
from __future__ import annotations

import re

from .answeritems import answer_items
from .hits import Hit, clip_lines
from .language import language
from .lines import BULLET, TableHeaders, parent_line
from .noanswer import key_term_share, key_terms
from .translation import Lexicon
from .vocabulary import normalize


def answer_units(hit: Hit) -> list[tuple[str, str]]:
    """The hit's answer lines as the reply shows them: each with the rest of its list item
    (answeritems.answer_items), a table row after its header row, as the page shows them,
    cut by hits.clip_lines (which bounds the text read: whole chunks of a note's
    multi-megabyte lines cost seconds a question). For each line: (the line, "header\nrow"
    for a table row; the line with what it is read with for what it names: `_read_with`)."""
    body = clip_lines(hit.chunk.page_text)[0].split("\n")
    start = hit.chunk.line_start
    headers = TableHeaders(body)
    units = []
    for item in answer_items(body, start, hit.highlight_lines):
        for k in (n - start for n in item if 0 <= n - start < len(body)):
            # A table row with its header row, as the reply shows it: a roster's days are
            # its column names ("| 名前 | 月 | 火 |" over "| 田村 | A | |").
            header = headers.header(k + 1)
            line = ("| " + " | ".join(header) + " |\n" if header else "") + body[k]
            units.append((line, _read_with(body, k, bool(header))))
    return units


def _read_with(body: list[str], k: int, row: bool) -> str:
    """Line k of `body` with what it is read with for what it names: a list item with its
    parent items (lines.parent_line), not its siblings; a table row alone, not the table's
    other rows; any other line after the lines of its paragraph before it, PARAGRAPH_LINES
    at most ("保守契約の窓口は同社サポート（0120-...）" after the line naming the maker)."""
    if row:
        return body[k]
    if BULLET.match(body[k]):
        chain, at = [body[k]], parent_line(body, k)
        while at is not None and len(chain) <= PARAGRAPH_LINES:
            chain.insert(0, body[at])
            at = parent_line(body, at)
        return "\n".join(chain)
    top = k
    while top > 0 and body[top - 1].strip() and top > k - PARAGRAPH_LINES:
        top -= 1
    return "\n".join(body[top:k + 1])


PARAGRAPH_LINES = 5  # lines of a paragraph read before an answer line, for what it names


def answer_text(hit: Hit) -> str:
    """The hit's answer lines (`answer_units`), one text. The chunk's other lines do not
    count: "the maximum integration timeout" was taken as answered by the 15-minute Lambda
    timeout elsewhere in the chunk (seed no-answer +1 in both profiles, no answered question
    flagged on six corpora; docs/evaluation.md)."""
    return "\n".join(line for line, _ in answer_units(hit))


# Details asked of one named thing: its phone number, its opening hours, its code. A line
# giving one for another thing answers nothing: 「七瀬川消防署の電話番号わかる？」 was answered by
# the line giving the hospital's number (heldout22), "What's the phone number of the city
# vehicle repair shop?" by another vendor's (heldout8). A price too: 「インプラントって1本いくら
# でやってる？」 was answered by the inlay's 44,000 円 (heldout25). Over 24 corpora, no-answer
# questions caught e5 211 -> 212, Gemma 207 -> 211; answered ones flagged e5 33 -> 35, Gemma
# 16 -> 17, each with its right hit outside the top 5 (docs/evaluation.md, fiftieth pass).
NAMED_DETAILS = frozenset({"phone number", "mobile number", "opening hours", "access code", "amount of money"})


# The words asking for a NAMED_DETAILS detail, not naming whose it is: "phone number", 電話番号,
# 受付時間, 暗証番号. Blanked word by word: the whole asking phrase ("What's the shredding
# company's phone number") holds the name too (an attack on the rule, heldout25).
_DETAIL_WORDS = re.compile(
    r"\b(?:what|phone|telephone|tel|fax|contact|extension|ext|hotline|numbers?|no|mobile|cell|cellphone|call|dial|"
    r"ring|reach|opening|business|operating|visiting|hours?|passwords?|passcodes?|pins?|codes?|combination|"
    r"much|money|prices?|costs?|fees?|charges?|charged|pay|paid|rates?|yen)\b"
    r"|(?:電話|内線|携帯|ファックス)?番号|何番|(?:営業|開館|受付|診療|開店)?時間|パスワード|暗証|コード"
    r"|料金|値段|費用|価格|代金|金額|いくら|何円"
    # the time a detail is asked for names no thing: "the visiting hours on weekdays" over "| Monday–Friday |
    # 10:30–11:30 |" under "Visiting hours" (flagged in both profiles: a fresh user, heldout27)
    # (after a preposition: "the night desk's phone number" names the night desk)
    r"|\b(?:on|at|in|during|over|for) (?:the )?(?:week ?days?|week ?ends?|(?:public )?holidays?|mornings?|afternoons?|"
    r"evenings?|nights?|(?:mon|tues|wednes|thurs|fri|satur|sun)days?)\b|\b(?:today|tonight|tomorrow)\b"
    r"|(?:平日|土日|週末|祝日|休日|祝祭日|[月火水木金土日]曜日?|午前|午後|今日|明日|今夜)(?=の|は|に|って|も|[？?、])", re.IGNORECASE)
# (a Japanese one before a particle: 休日診療所 and 明日香 are names, an attack)


def lines_about(question: str, hit: Hit, hit_language: str, lexicon: Lexicon | None = None) -> str:
    """The hit's answer lines (`answer_units`) kept to those that, read with the hit's
    heading path and what each is read with (`_read_with`: its paragraph, its parent items),
    name what the question asks a NAMED_DETAILS detail of: one of its key terms (`names_one`)
    once the words asking for the detail are blanked (`_DETAIL_WORDS`), or, for an English
    question over a Japanese hit, one of their dictionary translations (`lexicon`). All of
    them when the question names nothing else, or its words cannot be compared with the
    hit's (a Japanese question over an English hit; no dictionary)."""
    units = answer_units(hit)
    named = _DETAIL_WORDS.sub(" ", question)
    path = " > ".join(hit.chunk.heading_path)
    if hit_language == language(question):
        terms = key_terms(named)
        if terms:
            units = [(line, before) for line, before in units if names_one(terms, f"{path}\n{before}\n{line}")]
    else:
        translations = lexicon.translate(named) if lexicon is not None and language(question) == "en" else ()
        if translations:
            units = [(line, before) for line, before in units
                     if any(form and form in f"{path}\n{before}\n{line}" for _, forms in translations for form in forms)]
    return "\n".join(line for line, _ in units)


# The part of an organisation's name a note may leave out: 経理部 is "経理" in a contacts list.
_ORGANISATION_SUFFIX = re.compile(r"(?<=..)(?:部|課|署|室|係|局|センター|事務所|事務局)$")


# Notes write counts in digits where a question may write kanji: 「一人一泊いくら？」, "1 人 1 泊" (heldout30).
_KANJI_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")


def names_one(terms: set[str], text: str) -> bool:
    """Whether `text` names one of `terms` (noanswer.key_terms): as written or abbreviated
    (noanswer.key_term_share), in the singular (`_singulars`), run together ("helpdesk" for
    "help desk"; 1人1泊 for 一人一泊, `_KANJI_DIGITS`), or without the organisation's suffix
    (`_ORGANISATION_SUFFIX`: 「経理部の内線番号は？」 over "- 経理: 内線 2345"; an attack on the rule)."""
    haystack = normalize(text).lower()
    run_together = haystack.replace(" ", "")
    return key_term_share(" ".join(terms), text) > 0 or any(
        term in run_together or term.translate(_KANJI_DIGITS) in run_together
        or _ORGANISATION_SUFFIX.sub("", term) in haystack
        or any(singular in haystack for singular in _singulars(term)) for term in terms)


# An English plural, as its singular's start: "notebooks" is named by "| Notebook |", "copies"
# by "copy", "knives" by "knife", "gloves" by "glove" (an attack on the price rule: each was
# "not in the notes").
_PLURAL = re.compile(r"(?<=[a-z]{3})(?:(ies)|(?<=s|x|z|h)(es)|(ves)|s)$")


def _singulars(term: str) -> set[str]:
    """The singular forms an English plural `term` may stand for (none for another word)."""
    if not _PLURAL.search(term):
        return set()
    return {_PLURAL.sub(lambda m: "y" if m.group(1) else "f" if m.group(3) else "", term), term[:-1]}
