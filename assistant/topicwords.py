"""What a question names as its topic, counted to tell a follow-up from a new question.

noanswer.key_terms reads Japanese as kanji and katakana runs of two or more characters, so a
question's one-kanji and hiragana nouns go uncounted: "注射針がごみに混ざっていたらどうする？"
names 注射針 and ごみ, yet key_terms finds 注射針 alone, and after an earlier turn the question
was taken as a follow-up and answered from that turn's topic (heldout8, a fresh new user).
`topic_words` adds the question's Japanese noun compounds no key term covers, as UniDic tags
them (unidic.py).
Only the follow-up decision reads it (verdict.leans_back, verdict.conversation_weight,
query.context_turns): "not in the notes" keeps key_terms.
"""
from __future__ import annotations

from functools import lru_cache

from .noanswer import key_terms
from .unidic import tagged
from .vocabulary import normalize

# A question after earlier turns with at most this many topic words (topicwords.py) is read
# as a follow-up even without a referring word ("何時から何時まで？", "溶出量はどれくらい？"): its
# "not in the notes" counts the conversation's score (`leans_back`). At 2, two of 69 no-answer
# questions asked after an unrelated turn were answered ("超遠心機のローターは...") for one
# follow-up flagged less (five corpora, both profiles; docs/evaluation.md, fifteenth pass).
# Counted as key terms until the seventeenth pass, "注射針がごみに混ざっていたらどうする？"
# named one and was answered from an earlier oil question's topic (heldout8, a new user).
ELLIPTICAL_KEY_TERMS = 1

# Nouns that name no topic although UniDic tags them as common nouns (formal nouns and
# 自分); compounds of adverb-like ones only (とき, ため, 前, 今日: UniDic's 副詞可能) are read
# from the tags.
_NO_TOPIC = frozenset({"こと", "もの", "方", "自分"})


def _noun_compounds(text: str) -> set[str]:
    """The runs of Japanese noun and suffix tokens of `text` that name something, lowercased:
    not a number with its counters ("1か月"), not all adverb-like, not in _NO_TOPIC."""
    named, run, in_number = set(), [], False

    def close_run() -> None:
        compound = "".join(surface for surface, *_ in run).lower()
        if run and compound not in _NO_TOPIC and not all(pos3 == "副詞可能" for *_, pos3 in run):
            named.add(compound)
        run.clear()

    for token in tagged(text):
        surface, pos1, pos2, pos3 = token
        if pos2 == "数詞":  # 何, 3: a number and the counters after it
            close_run()
            in_number = True
        elif in_number and (pos3 == "助数詞可能" or pos1 == "接尾辞"):
            continue
        else:
            in_number = False
            if pos1 in ("名詞", "接尾辞") and not surface.isascii():  # ASCII words are key_terms' own
                run.append(token)
            else:
                close_run()
    close_run()
    return named


@lru_cache(maxsize=4096)
def topic_words(question: str) -> frozenset[str]:
    """The words a question names (lowercased): its key_terms but nouns that name no topic
    (自分), and the Japanese noun compounds no key term covers ("ごみ", "袋": key_terms reads
    only runs of two kanji or katakana)."""
    text = normalize(question)
    named = _noun_compounds(text) if not text.isascii() else set()
    terms = key_terms(question) - _NO_TOPIC
    return frozenset(terms | {c for c in named if not any(t in c or c in t for t in terms)})
