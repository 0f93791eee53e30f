"""Lexical search: a tokenizer for Japanese text with embedded English, and BM25 over chunks.

Japanese has no spaces, so words are approximated by overlapping character bigrams of each
CJK run (plus the single character for one-character runs); other words (Latin with its
accents, any script's letters and digits) are case-folded whole, which keeps names such as
`DynamoDB` and `café` intact. Bigrams need no dictionary and never miss an
unknown katakana term. Measured with BM25 alone on the Japanese dev questions (Hit@1 / Hit@5): bigrams 0.80 / 0.94, SudachiPy mode A
0.80 / 0.94, fugashi + unidic-lite 0.83 / 0.91; no analyzer was clearly better, so the
dependency-free bigrams stay. The index is built once per index build and saved with it
(bm25s's own pickle-free format): rebuilding it on every load took ~5 s at 100x the notes.
What this leaves out: dense search and fusion (retrieve.py).
"""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import NamedTuple, Sequence

import numpy as np

from .language import JAPANESE_CHARS
from .textnorm import match_form

# Recorded in the index manifest (store.chunking_settings): an index whose BM25 terms came from
# another tokenizer ("nfkc-1": ASCII-only words, "café" -> "caf"; "unicode-words-2": 々 〆 〇
# cut Japanese runs) is rebuilt, not half-matched.
TOKENIZER_VERSION = "unicode-words-3"

# Runs of kana/kanji (language.JAPANESE_CHARS), or words: letters and digits of any other
# script by their Unicode category (what `\w` means in `re`, less `_` and kana/kanji), with
# the combining accents NFKC leaves uncomposed, so "café", "naïve" and "Ångström" stay whole.
# The other CJK symbols (U+3000-303F: 、。「」 and the like) separate; the kanji-like marks among
# them (々 〆 〇 〻, language.KANJI_MARKS) are part of Japanese runs: 様々 -> 様々, not 様.
_JAPANESE_RUN = re.compile(f"[{JAPANESE_CHARS}]+")
_NOT_WORD = f"\\W_{JAPANESE_CHARS}\u3000-\u303f"
_TOKEN_RUN = re.compile(f"{_JAPANESE_RUN.pattern}|(?:[^{_NOT_WORD}]|[\u0300-\u036f])+")


def tokenize(text: str) -> list[str]:
    """Case-folded words (any script but Japanese) and kana/kanji character bigrams, in
    order of appearance; the text is matched in NFKC form (full-width letters, half-width kana)."""
    tokens = []
    for run in _TOKEN_RUN.findall(match_form(text)):
        if not _JAPANESE_RUN.fullmatch(run):
            tokens.append(run.casefold())
        elif len(run) == 1:
            tokens.append(run)
        else:
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tokens


# Pieces of _TOKEN_RUN, to find one kind of token without tokenizing a whole text: a word
# (its second alternative: no kana/kanji can start or extend one, so its maximal runs are the
# same alone), and a kana/kanji character with none beside it (a one-character run).
_WORD_RUN = re.compile(f"(?:[^{_NOT_WORD}]|[\u0300-\u036f])+")
_LONE_JAPANESE = re.compile(f"(?<![{JAPANESE_CHARS}])[{JAPANESE_CHARS}](?![{JAPANESE_CHARS}])")


class TextTokens(NamedTuple):
    """A text's match form with the tokens `SharedTokens` looks up in sets: its words
    (case-folded) and its lone kana/kanji characters. Bigrams are found in `form` itself."""

    form: str
    words: frozenset[str]
    singles: frozenset[str]


def text_tokens(form: str) -> TextTokens:
    """`TextTokens` of a text already in its match form (textnorm.match_form)."""
    return TextTokens(form, frozenset(run.casefold() for run in _WORD_RUN.findall(form)),
                      frozenset(_LONE_JAPANESE.findall(form)))


class SharedTokens:
    """How many of a question's distinct tokens (`tokenize`) a text holds:
    `len(set(question_tokens) & set(tokenize(text)))`, without tokenizing the text in full.

    Why not tokenize: a search counts this for every line of its hits (highlight.py, ~100
    lines a question), and making every kana/kanji bigram of a line was most of a search's
    time outside the model (~2 ms). A bigram of the question is in a text's tokens exactly
    when it occurs in the text's match form (two adjacent kana/kanji are always in one run);
    words and one-character runs are found by their own pieces of the tokenizer's pattern."""

    def __init__(self, question_tokens: Sequence[str]):
        words = set(question_tokens)
        self.n = len(words)
        self._bigrams = [w for w in words if len(w) == 2 and _JAPANESE_RUN.fullmatch(w)]
        self._singles = {w for w in words if len(w) == 1 and _JAPANESE_RUN.fullmatch(w)}
        self._words = words - set(self._bigrams) - self._singles

    def count(self, text: str) -> int:
        """Distinct question tokens among `text`'s tokens (0..self.n)."""
        return self.count_form(match_form(text))

    def count_form(self, form: str) -> int:
        """`count` of a text already in its match form (textnorm.match_form)."""
        return self.count_in(text_tokens(form))

    def count_in(self, text: TextTokens) -> int:
        """`count` of a text's `text_tokens`, which a caller scoring the same text for many
        questions (highlight.py's answer lines) makes once."""
        found = sum(1 for w in self._bigrams if w in text.form)
        return found + len(self._words & text.words) + len(self._singles & text.singles)


# What bm25s.BM25.save writes for the default (Lucene) method.
BM25_FILES = ("data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy", "vocab.index.json", "params.index.json")


def _bm25s():
    import bm25s  # scipy-backed; imported only where lexical search is built or loaded

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index at DEBUG
    return bm25s


class LexicalIndex:
    """BM25 (bm25s) over pre-tokenized texts; scores every document for fusion."""

    def __init__(self, texts: Sequence[str]):
        self._bm25 = _bm25s().BM25()
        # create_empty_token keeps a document that has no tokens from breaking the matrix.
        self._bm25.index([tokenize(t) for t in texts], show_progress=False)
        self._vocab = set(self._bm25.vocab_dict)

    @property
    def size(self) -> int:
        """Number of indexed documents."""
        return int(self._bm25.scores["num_docs"])

    def save(self, directory: Path) -> None:
        """Write bm25s's files (BM25_FILES: .npy arrays and JSON, no pickle) into `directory`."""
        self._bm25.save(directory, show_progress=False)

    @classmethod
    def load(cls, directory: Path) -> "LexicalIndex":
        """The index `save` wrote (raises OSError or ValueError for missing or bad files)."""
        lexical = cls.__new__(cls)
        lexical._bm25 = _bm25s().BM25.load(directory, allow_pickle=False)
        lexical._vocab = set(lexical._bm25.vocab_dict)
        return lexical

    def known(self, tokens: Sequence[str]) -> list[str]:
        """The tokens that occur somewhere in the indexed texts."""
        return [t for t in tokens if t in self._vocab]

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for the query (zeros when no term is known)."""
        tokens = self.known(tokenize(query))
        if not tokens or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)
