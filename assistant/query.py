"""What a question may be: the limits on questions, k and history, in one place, and the
checks every entry point (CLI, API, UI, evaluation) goes through via `Searcher.search`.

The limits are the product's, not a model's: a question is cut at MAX_QUESTION_CHARS (the
model reads ~512 tokens anyway, so a longer one is cut, not refused), a search returns at most
MAX_TOP_K hits, and a conversation sends at most MAX_HISTORY earlier questions, of which the
search reads the last MAX_CONTEXT_TURNS.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Sequence

from .errors import QueryError
from .noanswer import is_small_talk, key_terms
from .textnorm import match_form
from .topicwords import ELLIPTICAL_KEY_TERMS, topic_words

MAX_QUESTION_CHARS = 2000
MAX_TOP_K = 50
MAX_HISTORY = 20  # earlier questions an API call or a chat session may send
MAX_CONTEXT_TURNS = 4  # earlier turns a follow-up is searched with

# Words that point back to an earlier turn: pronouns, demonstratives, "what about", 場合は,
# "going back to", さっきの.
_REFERS_BACK = re.compile(
    r"\b(it|its|they|them|their|there|those|these|this one|that one|the same)\b"
    r"|^\s*(and|what about|how about)\b|\b(in that case|going back|earlier|previous|mentioned|first one)\b"
    r"|\b(that|this)\s*[?？!.]*\s*$"  # a question ending on it: "Is there a fee for that?"
    r"|その|それ|そこ|そちら|この|これ|あれ|同じ|場合は|ときは|さっき|先ほど|最初に|前の|戻る|^\s*(じゃあ|では|なら)",
    re.IGNORECASE,
)
# English's dummy "it" before the clause it stands for, which points at nothing: "How many
# turns does it take to close a 300 mm valve?", "Is it OK to drink a beer on my on-call
# week?", "it's too late to ...". Read as "it" of an earlier turn, a question with its own
# topic was searched with the last one's (a new user, heldout13: the valve table fell out of
# the top 5 after a question about leaks). Without the clause ("How long does it take?",
# "Is it open on Sundays?") "it" still points back.
_DUMMY_IT = re.compile(
    r"\b(?:(?:does|did|will|would|can|could|should|do)\s+it\s+(?:take|cost|matter)|it\s+(?:takes|took|costs|matters)"
    r"|(?:is|was|will|would)\s+it|it(?:'s|’s|\s+is|\s+was))\s+(?:[\w-]+\s+){0,3}?(?:to|that|if|whether)\s+"
    r"(?!(?:the|a|an|my|our|your|his|her|their|its|this|these|those)\b)[a-z]",  # "to close", not "close to the station"
    re.IGNORECASE,
)
# The existential "there" points at no place: "Is there a shuttle bus to Tokyo?" was searched
# with the canteen question before it and answered from the canteen (a fresh user, heldout28);
# "How do I get there?" and "Is there parking there?" (its second) still point back.
_DUMMY_THERE = re.compile(
    r"\b(?:(?:is|are|was|were|isn't|aren't|wasn't|weren't|will|would|could|can|might|may|must|should)\s+there"
    r"|there(?:'s|’s|\s+(?:is|are|was|were|isn't|aren't|will|would|won't|could|can|might|may|must|should|has|have|had|used)))\b",
    re.IGNORECASE,
)
# Of those, the words that point past the latest topic to an earlier one ("going back to",
# "the first one", さっきの, 最初に).
_GOES_BACK = re.compile(
    r"\b(going back|earlier|previous|mentioned|first one)\b|さっき|先ほど|最初に|前の|戻る", re.IGNORECASE
)


def validate_question(question: object) -> str:
    """A usable question string (at most MAX_QUESTION_CHARS characters, control characters
    removed), or a QueryError saying what is wrong with it: not text, empty, or without a
    letter or digit of any script (Unicode categories L*, N*)."""
    if not isinstance(question, str):
        raise QueryError("the question must be text", ja="質問はテキストで入力してください")
    cleaned = _cleaned(question)
    if not cleaned:
        raise QueryError("the question is empty; type a question about the notes",
                         ja="質問が空です。ノートについての質問を入力してください")
    # Emoji, punctuation or symbols alone ("🙂", "？？？") ask nothing: searched, they got a
    # confident answer from whatever their vector landed nearest to.
    if not any(unicodedata.category(ch)[0] in "LN" for ch in cleaned):
        raise QueryError("the question has no words, only symbols or emoji; type a question about the notes",
                         ja="質問に言葉がありません（記号や絵文字だけです）。ノートについての質問を入力してください")
    return cleaned[:MAX_QUESTION_CHARS]


def _cleaned(question: str) -> str:
    """The question without control characters and outer spaces; spaces of any kind (NBSP,
    U+3000) are kept inside: they separate words (textnorm.match_form)."""
    return "".join(ch for ch in question if ch.isprintable() or ch.isspace()).strip()


def question_chars(question: str) -> int:
    """How many characters of `question` a search could use before the cut at
    MAX_QUESTION_CHARS (control characters and outer spaces not counted)."""
    return len(_cleaned(question))


def validate_history(history: object, name: str = "history") -> tuple[str, ...]:
    """Earlier user turns, oldest first, each cut at MAX_QUESTION_CHARS, blank ones and small
    talk dropped; a QueryError for anything but a list of at most MAX_HISTORY strings. `name`
    is the input as the caller's user spells it (the CLI: "--history"), for the message.
    Thanks and greetings (noanswer.is_small_talk) name no topic for a later turn to take: after
    "ありがとう！", "What is it?" was answered from the notes with full confidence, where alone
    it asks which topic is meant (a fresh user, heldout23, 2026-12-06)."""
    if isinstance(history, (str, bytes)) or not isinstance(history, (list, tuple)):
        raise QueryError(f"{name} must be a list of earlier questions (strings)",
                         ja="以前の質問はテキストのリストにしてください")
    if not all(isinstance(turn, str) for turn in history):
        raise QueryError(f"{name} must be a list of earlier questions (strings)",
                         ja="以前の質問はテキストのリストにしてください")
    if len(history) > MAX_HISTORY:
        raise QueryError(f"{name} may hold at most {MAX_HISTORY} earlier questions",
                         ja=f"以前の質問は{MAX_HISTORY}件までにしてください")
    return tuple(turn[:MAX_QUESTION_CHARS] for turn in history if turn.strip() and not is_small_talk(turn[:MAX_QUESTION_CHARS]))


def validate_top_k(top_k: object, name: str = "top_k") -> int:
    """top_k as an int in 1..MAX_TOP_K, or a QueryError. `name` is the input as the caller's
    user spells it (the CLI: "--top-k"), for the message."""
    if isinstance(top_k, bool) or not isinstance(top_k, int):
        raise QueryError(f"{name} must be a whole number")
    if not 1 <= top_k <= MAX_TOP_K:
        raise QueryError(f"{name} must be between 1 and {MAX_TOP_K}")
    return top_k


def conversation(history: Sequence[str], question: str) -> str:
    """The text a follow-up is searched with: its `context_turns`, oldest first, then the
    question."""
    return " ".join([*context_turns(history, question), question])


def context_turns(history: Sequence[str], question: str) -> tuple[str, ...]:
    """The earlier turns a follow-up is searched with, oldest first: those back to the latest
    one that names its own topic (does not `refer_back`), or, when the question goes back past
    it ("going back to", さっきの), all of the last MAX_CONTEXT_TURNS. In "SQS? / Lambda? /
    その最大値は？" the topic is Lambda, not both; in "topic? / その最大値は？ / それを変更する
    には？" it is two turns back."""
    recent = list(history[-MAX_CONTEXT_TURNS:])
    if _GOES_BACK.search(question):  # "going back to ...": every earlier turn may hold the topic
        return tuple(recent)
    turns: list[str] = []
    for turn in reversed(recent):
        turns.insert(0, turn)
        if not _takes_topic_from_before(turn):
            break
    return tuple(turns)


def _takes_topic_from_before(turn: str) -> bool:
    """True for an earlier turn that was itself a follow-up: it refers back ("その最大値は？"),
    or names at most ELLIPTICAL_KEY_TERMS topic words and nothing in Latin letters ("土日は？",
    "開けるとき、気をつけることある？"). "SQS? / Kinesis? / その最大値は？" asks about Kinesis:
    a word in Latin letters is read as the turn's topic, however short the turn. Taking "土日は？"
    as a topic of its own lost the topic two turns back: over 18 corpora's 143 follow-ups,
    Hit@1 e5 99 -> 100, Gemma 118 -> 121 (three-turn ones 20 -> 21, 29 -> 32), none lost
    (docs/evaluation.md, fortieth pass)."""
    if refers_back(turn):
        return True
    return len(topic_words(turn)) <= ELLIPTICAL_KEY_TERMS and not any(term.isascii() for term in key_terms(turn))


def turns_read(history: Sequence[str], question: str) -> tuple[str, ...]:
    """The earlier questions of `history` (oldest first) that `Searcher.search` reads for
    `question`, as it reads them: sent as the history of `question` alone, they give the same
    answer, so a permalink carries these and no others. Raises QueryError as
    `validate_history` does."""
    return context_turns(validate_history(history), match_form(question))


def refers_back(question: str) -> bool:
    """True when a question leans on an earlier turn for its topic (a dummy "it" does not)."""
    return _REFERS_BACK.search(_DUMMY_THERE.sub(" ", _DUMMY_IT.sub(" ", question))) is not None


def without_references(question: str) -> str:
    """The question less its words that point back ("その場合は？" -> "？"): what it names itself."""
    return _REFERS_BACK.sub(" ", question)
