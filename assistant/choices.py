"""A question offering a choice ("Is it 110 or 119?", 「燃料はガソリン？軽油？」,
「ZoomとGoogle Meetのどちら？」): the notes answer it only where they name one of the offered
alternatives. 「燃料はガソリン？軽油？」 was answered from the vehicle section's line about
refuelling, which names neither, while the notes never say which fuel (a fresh user,
2026-12-06): the topic matched, the asked detail was not there.

The alternatives are read from the question's last sentence only (the one that asks), in the
few forms that offer a closed choice:
  * Japanese: 「AとBのどちら／どっち」, 「AかBか」, and two short questions in a row whose last
    is a bare noun phrase (「A？B？」, 「A？それともB？」);
  * English: a yes/no question (opening with an auxiliary: "Is", "Do", "Should"...) whose last
    clause is "A or B?".
"What tool connects using a profile or a role ARN?" lists conditions, not a choice: an
English question opening with a question word offers none.
"""
from __future__ import annotations

import re
from typing import Sequence

from .noanswer import key_terms
from .textnorm import match_form
from .vocabulary import normalize

_SENTENCE_END = re.compile(r"([。？?！!]+|\.\s+)")
_AUXILIARY = re.compile(r"^\s*(?:is|are|was|were|do|does|did|should|shall|will|would|can|could|must|may|has|have)\b", re.I)
# "A or B" closing the sentence: A is at most two words, B at most four.
_ENGLISH_CHOICE = re.compile(r"(?:^|[\s,])((?:[\w./'-]+\s+)?[\w./'-]+),?\s+or\s+((?:[\w./'-]+\s+){0,3}[\w./'-]+)\s*$", re.I)
# An alternative begins after the particle or comma before it: 「…ミーティングはZoom」 offers "Zoom".
_PHRASE = r"[^、。？?はがをもの]{1,20}?"
_WHICH_OF_TWO = re.compile(rf"({_PHRASE})と([^、。？?]{{1,20}}?)の?(?:どちら|どっち)")
_EITHER = re.compile(rf"({_PHRASE})か({_PHRASE})か(?:[、。？?\s]|$|どう|どっち|どちら)")
_OR_ELSE = re.compile(r"^それとも\s*")
# The last short question is a bare noun phrase (it ends in kanji, katakana or a Latin letter
# or digit), not a verb or adjective (「並べてもいい？」), a question word or a topic asked
# about in turn (「番号は？」: "and the number?").
_BARE_PHRASE = re.compile(r"^[^\s、]{0,14}[\u3400-\u9fff\u30a0-\u30ffA-Za-z0-9]$")
_QUESTION_WORD = r"何|なに|なん|どこ|いつ|誰|だれ|どう|なぜ|どれ|どの|いくら|いくつ"
_NOT_AN_OPTION = re.compile(rf"{_QUESTION_WORD}|ある|いる|する|できる|なる|[のかはもね]$|って$")


def _sentences(question: str) -> list[tuple[str, str]]:
    """(sentence, the marks ending it) of a question, in order."""
    parts = _SENTENCE_END.split(match_form(question))
    pairs = [(parts[i].strip(), parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)]
    return [(text, end) for text, end in pairs if text]


def alternatives(question: str) -> list[set[str]]:
    """The key terms (noanswer.key_terms) of each alternative the question offers, or [] when
    it offers no choice or an alternative names nothing comparable."""
    ended = _sentences(question)
    if not ended:
        return []
    sentences = [text for text, _ in ended]
    last = sentences[-1]
    pairs: list[tuple[str, str]] = []
    if _AUXILIARY.match(last) and (m := _ENGLISH_CHOICE.search(last)):
        pairs.append((m.group(1), m.group(2)))
    elif m := _WHICH_OF_TWO.search(last) or _EITHER.search(last):
        pairs.append((m.group(1), m.group(2)))
    elif len(sentences) >= 2 and "?" in ended[-2][1]:  # two questions in a row (NFKC folds "？")
        option = _OR_ELSE.sub("", last)
        offered = option != last or (_BARE_PHRASE.match(option) and not _NOT_AN_OPTION.search(option))
        if offered and not re.search(_QUESTION_WORD, sentences[-2]):
            before = re.split(r"[はがを、]|って", sentences[-2])[-1]
            pairs.append((before, option))
    for first, second in pairs:
        if re.search(_QUESTION_WORD, first + second):  # 「止めるかどうか」: whether, not which
            continue
        terms = [_option_terms(first), _option_terms(second)]
        if all(terms):
            return terms
    return []


def _option_terms(option: str) -> set[str]:
    """An alternative's key terms, its number ("110"), or itself when short (「朝」)."""
    option = option.strip()
    return key_terms(option) or set(re.findall(r"\d+", option)) or ({normalize(option).lower()} if 0 < len(option) <= 4 else set())


def names_no_alternative(question: str, texts: Sequence[str], in_its_language: Sequence[bool]) -> bool:
    """True when the question offers a choice (`alternatives`) and none of `texts` (the first
    hits' texts, best first) names any term of any alternative. `in_its_language`: per text,
    whether its notes are in the question's language. A number ("110 or 119?") is compared in
    every text; words only in those in the question's language, and not at all when the
    first hit is in the other one (it may name an alternative in translation: "diesel")."""
    offered = alternatives(question)
    if not offered:
        return False
    if not all(term.isdigit() for terms in offered for term in terms):
        if not in_its_language or not in_its_language[0]:
            return False
        texts = [text for text, same in zip(texts, in_its_language) if same]
    haystack = normalize("\n".join(texts)).lower()
    return not any(term in haystack for terms in offered for term in terms)
