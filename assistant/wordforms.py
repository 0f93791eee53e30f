"""English word forms for dictionary lookups (translation.py): a text's words, their
likely lemmas and Snowball stems, a JMdict gloss as a lookup key, and the stop words.

What this leaves out: the dictionary itself and scoring (translation.py).
"""
from __future__ import annotations

import re
from functools import lru_cache

from .textnorm import match_form

MAX_KEY_WORDS = 3  # longest English gloss kept as one key ("access control list")

_PARENTHESES = re.compile(r"\([^)]*\)")
_LEADING = re.compile(r"^(?:to|a|an|the) ")
_KEY = re.compile(r"[a-z0-9](?:[a-z0-9\- ]*[a-z0-9])?")
_ENGLISH_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words (a sentence-transformers dependency; its import
    takes ~1.3 s, so only index builds call this): function words whose glosses would
    translate to grammar or to everything (it -> それ, what -> 何)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def gloss_key(gloss: str) -> str | None:
    """An English gloss as a lookup key: lower case, no parenthetical notes, no leading
    'to'/'a'/'the'; None when it has more than MAX_KEY_WORDS words or other characters
    ("to encrypt" -> "encrypt", "(computer) file" -> "file")."""
    text = " ".join(_PARENTHESES.sub("", gloss.lower()).split())
    text = _LEADING.sub("", text)
    if not text or len(text.split()) > MAX_KEY_WORDS or not _KEY.fullmatch(text):
        return None
    return text


def english_words(text: str) -> list[str]:
    """Lower-case English words (letters, digits, inner hyphens) of a text, in order; the
    one-letter pieces of contractions and initials ("what's", "A/B") are left out."""
    return [w for w in _ENGLISH_WORD.findall(match_form(text).lower()) if len(w) > 1]


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer  # Snowball's English (Porter 2) stemmer, pure Python

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A lower-case English word's Snowball stem, cached: the stemmer is pure Python (~50 µs
    a word) and a wiki or a dictionary gloss repeats its words."""
    return _stemmer().stemWord(word)


def english_stems(text: str) -> list[str]:
    """Snowball stems of a text's English words (`english_words`), stop words left out: how
    a gloss ("deletion") meets the notes' forms of it ("delete", "deleting")."""
    stop = stop_words()
    return [stem(w) for w in english_words(text) if w not in stop]


def lemmas(word: str) -> tuple[str, ...]:
    """The word and its likely dictionary forms, plural and past endings dropped. JMdict
    glosses are lemmas ('bucket', 'to encrypt'); a stemmer would over-cut them ('policy' ->
    'polici'), and these rules cover the plural and past forms a lookup needs."""
    out = [word]
    if word.endswith("ies") and len(word) > 4:
        out.append(word[:-3] + "y")
    elif word.endswith("es") and len(word) > 4:
        out += [word[:-2], word[:-1]]
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        out.append(word[:-1])
    if word.endswith("ed") and len(word) > 4:
        out += [word[:-2], word[:-1]]
    return tuple(out)
