"""Whose detail a question asks for: "the shredding company" of "What's the shredding company's
phone number?", 修理業者 of 「ラベルプリンターが壊れたときの修理業者の電話番号は？」.

verdict.lines_about keeps a question's answer lines to those about what it asks a detail of.
Any one of the question's key terms was enough, and the circumstance the question gives names
the page ("ラベルプリンター", "battery"): a line giving another party's number on that page
answered. The owner phrase is what the number must belong to; a line must name all of it.
"""
from __future__ import annotations

import re

from .vocabulary import FUNCTION_WORDS, normalize

# What a NAMED_DETAILS question asks for, as written right after its owner.
_EN_DETAIL = (r"(?:(?:phone|telephone|tel|fax|contact|mobile|cell|emergency|direct|office)\s+)*"
              r"(?:numbers?|no\.?|extensions?|ext\.?|lines?|passwords?|passcodes?|pins?|codes?)")
# Up to four words; `_noun_phrase` keeps those after the last function word ("is", "the").
_EN_PHRASE = r"((?:[a-z0-9][a-z0-9&\-]*\s+){0,3}?[a-z0-9][a-z0-9&\-]*)"
# Where an English owner phrase ends: the question's end or a circumstance it adds.
_EN_END = r"(?=\s*[?,.!]|\s*$|\s+(?:on|at|in|when|if|after|before|during|for|to|about|from|with|so|and|or)\b)"
_EN_OWNERS = (
    re.compile(rf"(?:^|\s){_EN_PHRASE}'s\s+{_EN_DETAIL}\b"),                                 # (the) X's number
    re.compile(rf"\b{_EN_DETAIL}\s+(?:of|for)\s+(?:the|our|a|an|this|that)\s+{_EN_PHRASE}{_EN_END}"),  # number of the X
    re.compile(rf"\b(?:call|reach|ring|phone|contact)\s+(?:the|our|a|an|this|that)\s+{_EN_PHRASE}{_EN_END}"),  # call the X
)
# A Japanese owner: the noun run (kanji, katakana, Latin letters) right before の + the detail,
# or before って / は + 何番.
_JA_NOUN = r"([\u3400-\u9fff\uf900-\ufaff々\u30a0-\u30ffA-Za-z0-9]+)"
# Whole: 電話通訳サービス is a service, not its 電話.
_JA_DETAIL = (r"(?:電話番号|電話|内線番号|内線|携帯番号|携帯|番号|連絡先|暗証番号|パスワード)"
              r"(?![\u3400-\u9fff\u30a0-\u30ff])")
_JA_OWNERS = (
    re.compile(rf"{_JA_NOUN}の{_JA_DETAIL}"),
    re.compile(rf"{_JA_NOUN}(?:って|は)何番"),
    # whose fee: 「正組合員の年会費はいくら？」 was answered by the 準組合員 row's 3,000 円 (a fresh
    # user, heldout26). Not 「インプラントはいくら？」: there the thing priced is the one named.
    re.compile(rf"{_JA_NOUN}の[\u3400-\u9fff]*(?:料金|料|費|代|賃|金|値段|価格)(?:は|って)?(?:いくら|何円)"),
)


def detail_owner(question: str) -> str | None:
    """The phrase naming whose detail `question` asks for (NFKC, lowercase for English), or
    None when it writes none of the forms above ("How much is the adult class per month?")."""
    text = normalize(question).lower()
    for pattern in _JA_OWNERS:
        found = pattern.search(text)
        if found:
            return found.group(1)
    for pattern in _EN_OWNERS:
        found = pattern.search(text)
        owner = _noun_phrase(found.group(1)) if found else None
        if owner:
            return owner
    return None


# When, not whose: "this month's code" is the code's, not a month's.
_TIME_WORDS = frozenset("today tomorrow yesterday tonight day week weekend month year season night morning".split())


def _noun_phrase(words: str) -> str | None:
    """The words after the last function word, less time words: "is the new manager" -> "new
    manager", "this month" -> None."""
    kept: list[str] = []
    for word in words.split():
        kept = [] if word in FUNCTION_WORDS else kept + [word]
    return " ".join(word for word in kept if word not in _TIME_WORDS) or None
