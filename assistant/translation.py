"""Dictionary query translation: an English question's words in Japanese, for BM25 over
Japanese notes.

An English question shares almost no words with Japanese notes, so exact-term search
(views/bm25.py) serves Japanese questions only, and English questions over Japanese notes
rest on the embeddings alone. Classic cross-language retrieval translates the question with
a bilingual dictionary and treats every translation of one question word as one term (a
"structured query": Pirkola, SIGIR 1998; Ballesteros & Croft, SIGIR 1997): the word's term
frequency in a chunk is the sum over its translations, its document frequency the number of
chunks holding any of them. An ambiguous word ("set": セット, 設定, 組, ...) thus becomes one
common, low-IDF term rather than many rare ones, which is what lets a dictionary work
without choosing a sense.

The dictionary is JMdict (EDRDG, CC BY-SA 4.0) as packaged by `jamdict-data` (an SQLite
file on PyPI, installed offline). Only what can match one index is kept (`Lexicon.build`,
once per index version, stored beside it as lexicon.json): the Japanese headwords that occur
in the notes, under their English glosses. Japanese has no spaces, so a headword occurs in a
chunk wherever it is a substring. Hiragana-only headwords are left out: they are grammar
(する, こと, ため) far more often than terms, and as substrings they match inside other words.

Measured (docs/evaluation.md, 2026-11-30 night): English questions over Japanese notes, Hit@1
+1 question on wiki-dev and on both held-out wikis, -1 on the seed; Hit@5 +4 in all. The
other direction (Japanese questions' headwords to English glosses) was measured too and not
kept: at weight 0.2 it pulled English pages above Japanese answers (wiki-dev ja>ja Hit@1
0.77 -> 0.50).

What this leaves out: the question's own language (views/bm25.py), and fusion (fusion.py).
"""
from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import tempfile
from collections import defaultdict
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from .language import JAPANESE_RUN
from .lexical import tokenize
from .textnorm import match_form

log = logging.getLogger(__name__)

# recorded in lexicon.json: a change rebuilds it at the next load (2: MAX_SENSES)
LEXICON_VERSION = 2
FILE = "lexicon.json"

MAX_FORM_CHARS = 8  # longest headword looked for in the notes (longer JMdict terms are rare)
MAX_KEY_WORDS = 3  # longest English gloss kept as one key ("access control list")
# Glosses of an entry's first senses only: JMdict lists an entry's senses roughly by how common they
# are, and a late sense maps everyday English words to a headword that rarely means them
# ("send" and "pay" -> 入れる, "fine" -> 取る, "cover" -> 扱う: heldout6's questions).
# Measured on six corpora (docs/evaluation.md, sixteenth pass), e5, answerable Hit@1: all
# senses -> first 3: heldout6 0.660 -> 0.700, every other Hit@1 and Hit@5 unchanged, heldout8
# no-answer 6 -> 7 of 13; first 2: seed +1, heldout6 +2, wiki-dev Hit@5 -1; first 1: wiki-dev
# Hit@1 -1 and Hit@5 -2. Gemma: unchanged at 3 and 2 (on every metric eval prints).
MAX_SENSES = 3
# BM25's usual constants (Robertson & Zaragoza 2009), the same as bm25s's defaults for `bm25`.
K1, B = 1.5, 0.75

_HIRAGANA_ONLY = re.compile("[\u3040-\u309f\u30fc]+")
_PARENTHESES = re.compile(r"\([^)]*\)")
_LEADING = re.compile(r"^(?:to|a|an|the) ")
_KEY = re.compile(r"[a-z0-9](?:[a-z0-9\- ]*[a-z0-9])?")
_ENGLISH_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SQL_BATCH = 500  # parameters per IN (...) query, under SQLite's limit


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    # scikit-learn's English list (a sentence-transformers dependency): function words whose
    # glosses would translate to grammar or to everything (it -> それ, what -> 何).
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


def _lemmas(word: str) -> tuple[str, ...]:
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


def _headword_candidates(text: str) -> Iterable[str]:
    """Every substring of 2..MAX_FORM_CHARS characters of the text's kana/kanji runs that
    is not hiragana only."""
    for run in JAPANESE_RUN.findall(match_form(text)):
        for i in range(len(run)):
            for j in range(i + 2, min(len(run), i + MAX_FORM_CHARS) + 1):
                if not _HIRAGANA_ONLY.fullmatch(run[i:j]):
                    yield run[i:j]


def dictionary_path() -> Path:
    """The JMdict SQLite file of `jamdict-data` (FileNotFoundError when not installed)."""
    try:
        path = Path(str(resources.files("jamdict_data") / "jamdict.db"))
    except ModuleNotFoundError as exc:
        raise FileNotFoundError("the JMdict dictionary (pip package jamdict-data) is not installed") from exc
    if not path.is_file():
        raise FileNotFoundError(f"the JMdict dictionary is missing: {path}")
    return path


def _batches(items: Sequence, size: int = _SQL_BATCH) -> Iterable[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _headword_entries(db: sqlite3.Connection) -> dict[str, list[int]]:
    """Every JMdict headword that `_headword_candidates` can yield, with its entry ids: one
    read of ~400,000 rows (~1 s, ~60 MB while a lexicon is built), after which a note costs
    one set lookup per substring however unusual its text."""
    entries_of: dict[str, list[int]] = defaultdict(list)
    for table in ("Kanji", "Kana"):
        for entry, text in db.execute(f"SELECT idseq, text FROM {table}"):
            text = match_form(text)
            if len(text) >= 2 and not _HIRAGANA_ONLY.fullmatch(text):
                entries_of[text].append(entry)
    return entries_of


# Glosses of a batch of entries. The unary `+` keeps SQLite from searching by its lang index,
# which it otherwise picks: that read every English gloss of JMdict per batch (0.4 s a batch,
# so a note holding many dictionary words, e.g. hostile random text, cost up to ~380 batches,
# minutes of CPU at every index version); by entry (Sense_idseq, then SenseGloss_sid) a batch
# reads only its own rows (~20 ms), same result.
# (Sense ids grow in JMdict's sense order within an entry.)
_GLOSS_QUERY = ("SELECT s.idseq, s.ID, g.text FROM Sense s JOIN SenseGloss g ON g.sid = s.ID "
                "WHERE +g.lang = 'eng' AND s.idseq IN ({marks})")


def _gloss_keys(db: sqlite3.Connection, entries: Iterable[int]) -> dict[int, set[str]]:
    """Gloss keys of each entry's first MAX_SENSES senses with English glosses, stop words left out."""
    stop = _stop_words()
    keys_of: dict[int, set[str]] = defaultdict(set)
    for batch in _batches(sorted(set(entries))):
        marks = ",".join("?" * len(batch))
        rows = db.execute(_GLOSS_QUERY.format(marks=marks), batch).fetchall()
        senses: dict[int, set[int]] = defaultdict(set)
        for entry, sense, _ in rows:
            senses[entry].add(sense)
        first = {entry: set(sorted(ids)[:MAX_SENSES]) for entry, ids in senses.items()}
        for entry, sense, gloss in rows:
            if sense not in first[entry]:
                continue
            key = gloss_key(gloss)
            if key and key not in stop:
                keys_of[entry].add(key)
    return keys_of


@dataclass
class Lexicon:
    """The dictionary cut down to one index, with the postings of its headwords.

    `japanese[key]`: the headwords found in the notes that JMdict glosses as `key`;
    `postings[headword]`: (chunk ids int64[m], occurrences float32[m]);
    `lengths`: float32[n_chunks], each chunk's length in BM25 tokens (lexical.tokenize)."""

    japanese: dict[str, tuple[str, ...]]
    postings: dict[str, tuple[np.ndarray, np.ndarray]]
    lengths: np.ndarray

    @classmethod
    def build(cls, texts: Sequence[str]) -> "Lexicon":
        """From the chunks' texts (their BM25 lengths are counted here, so that loading a
        stored lexicon tokenizes nothing); reads JMdict, then looks up every
        substring once per index version (measured at load 5 on this machine: the seed note
        3.5 s, a 5 MB note 34 s, one 370 KB line of random kanji 13 s). Raises
        FileNotFoundError without the dictionary, sqlite3.Error for a damaged one."""
        counts: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        with closing(sqlite3.connect(f"file:{dictionary_path()}?mode=ro", uri=True)) as db:
            entries_of = _headword_entries(db)
            for chunk, text in enumerate(texts):
                for sub in _headword_candidates(text):
                    if sub in entries_of:
                        counts[sub][chunk] += 1
            keys_of = _gloss_keys(db, (e for form in counts for e in entries_of[form]))
        japanese: dict[str, set[str]] = defaultdict(set)
        for form in counts:
            for key in {k for e in entries_of[form] for k in keys_of.get(e, ())}:
                japanese[key].add(form)
        del entries_of
        used = {f for forms in japanese.values() for f in forms}
        counts = {f: c for f, c in counts.items() if f in used}
        postings = {}
        for form, per_chunk in counts.items():
            ids = np.fromiter(per_chunk.keys(), dtype=np.int64, count=len(per_chunk))
            occurrences = np.fromiter(per_chunk.values(), dtype=np.float32, count=len(per_chunk))
            postings[form] = (ids, occurrences)
        lengths = np.asarray([len(tokenize(t)) for t in texts], dtype=np.float32)
        return cls({k: tuple(sorted(v)) for k, v in japanese.items()}, postings, lengths)

    # --- translating and scoring a question -------------------------------------------------

    def translate(self, question: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """[(English key, its headwords in the notes)] for the question's words, longest key
        first from left to right ("access key" before "access"); words without a
        translation are left out."""
        words = english_words(question)
        out, i = [], 0
        while i < len(words):
            for n in range(min(MAX_KEY_WORDS, len(words) - i), 0, -1):
                found = self._lookup(words[i : i + n])
                if found:
                    out.append(found)
                    i += n
                    break
            else:
                i += 1
        return tuple(out)

    def _lookup(self, words: Sequence[str]) -> tuple[str, tuple[str, ...]] | None:
        head = " ".join(words[:-1])
        for last in _lemmas(words[-1]):
            key = f"{head} {last}" if head else last
            if key in self.japanese:
                return key, self.japanese[key]
        return None

    def scores(self, question: str) -> np.ndarray:
        """`score_translations` of the question's `translate`."""
        return self.score_translations(self.translate(question))

    def score_translations(self, translations: Sequence[tuple[str, Sequence[str]]]) -> np.ndarray:
        """float32[n_chunks]: BM25 of a question's translations (`translate`) as a structured
        query (each English word one term, its headwords summed); zeros when there are none."""
        n = len(self.lengths)
        total = np.zeros(n, dtype=np.float32)
        if not n:
            return total
        norm = K1 * (1 - B + B * self.lengths / max(float(self.lengths.mean()), 1.0))
        for _, forms in translations:
            tf = np.zeros(n, dtype=np.float32)
            for form in forms:
                ids, occurrences = self.postings[form]
                np.add.at(tf, ids, occurrences)
            df = int(np.count_nonzero(tf))
            if df:
                idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
                total += idf * tf * (K1 + 1) / (tf + norm)
        return total

    # --- storage ----------------------------------------------------------------------------

    def to_json(self) -> dict:
        """The lexicon as JSON-ready lists."""
        return {
            "version": LEXICON_VERSION,
            "japanese": {k: list(v) for k, v in self.japanese.items()},
            "postings": {f: [ids.tolist(), occ.astype(int).tolist()] for f, (ids, occ) in self.postings.items()},
            "lengths": self.lengths.astype(int).tolist(),
        }

    @classmethod
    def from_json(cls, data: dict) -> "Lexicon":
        """The inverse of `to_json`: KeyError / TypeError / ValueError for other data, and for
        a file that parses but could not be searched (a chunk id out of range, a headword
        without postings), so a damaged file is rebuilt rather than failing every question."""
        if data["version"] != LEXICON_VERSION:
            raise ValueError(f"lexicon version {data['version']!r}, expected {LEXICON_VERSION}")
        lengths = np.asarray(data["lengths"], dtype=np.float32)
        postings = {}
        for form, (ids, occ) in data["postings"].items():
            ids, occ = np.asarray(ids, dtype=np.int64), np.asarray(occ, dtype=np.float32)
            if ids.ndim != 1 or ids.shape != occ.shape or (len(ids) and not 0 <= ids.min() <= ids.max() < len(lengths)):
                raise ValueError(f"lexicon postings of {form!r} do not fit {len(lengths)} chunks")
            postings[form] = (ids, occ)
        japanese = {str(k): tuple(str(f) for f in v) for k, v in data["japanese"].items()}
        if any(f not in postings for forms in japanese.values() for f in forms):
            raise ValueError("lexicon names a headword without postings")
        return cls(japanese, postings, lengths)


def load_or_build(version_dir: Path, texts: Sequence[str]) -> Lexicon | None:
    """The index version's stored lexicon, or one built now and stored atomically beside it
    (a read-only folder keeps it in memory). None, with a warning, when the dictionary is not
    installed or unreadable: English questions then go without translated terms."""
    path = version_dir / FILE
    try:
        lexicon = Lexicon.from_json(json.loads(path.read_text(encoding="utf-8")))
        if len(lexicon.lengths) == len(texts):
            return lexicon
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        lexicon = Lexicon.build(texts)
    except (FileNotFoundError, sqlite3.Error) as exc:
        log.warning("English questions are searched without dictionary translation: %s", exc)
        return None
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=version_dir, prefix=".lexicon-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(lexicon.to_json(), f, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError as exc:
        log.info("could not save the translation lexicon in %s: %s", version_dir, exc)
        if tmp:
            Path(tmp).unlink(missing_ok=True)
    return lexicon
