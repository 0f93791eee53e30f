"""Hybrid search: dense (FAISS) and lexical (BM25) signals fused into one list of hits.

This is the one search function behind the CLI, the JSON API, the UI and evaluation.
Dense vectors of chunks, of their shorter passages, of single answer lines and of whole
sections catch paraphrases and cross-lingual questions; BM25 adds exact Japanese terms,
numbers and option names. The signals are summed with fixed weights (measured against rank fusion in docs/evaluation.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple, Sequence

import numpy as np

from . import store
from .build import chunking_settings
from .chunking import Chunk
from .cite import citation_url
from .textnorm import match_form
from .config import Settings
from .embedding import Embedder, load_embedder
from .errors import IndexStaleError, QueryError
from .lexical import language, tokenize
from .noanswer import Vocabulary, is_unanswered
from .profiles import profile_of
from .terms import TermCode

HIGHLIGHTS = 3
HISTORY_PRIOR = 0.3  # weight of the earlier turn for a question that does not refer back
# Words that point back to an earlier turn: pronouns, demonstratives, "what about", 場合は.
_REFERS_BACK = re.compile(
    r"\b(it|its|they|them|their|there|those|these|this one|that one|the same)\b"
    r"|^\s*(and|what about|how about)\b|その|それ|そこ|そちら|この|これ|あれ|同じ|場合は",
    re.IGNORECASE,
)
MAX_TOP_K = 50


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    url: str
    highlight_lines: tuple[int, ...] = ()

    def to_json(self) -> dict:
        c = self.chunk
        return {
            "source": c.source,
            "title": c.title,
            "heading_path": list(c.heading_path),
            "line_start": c.line_start,
            "line_end": c.line_end,
            "score": round(float(self.score), 6),
            "url": self.url,
            "text": c.text,
            "highlight_lines": list(self.highlight_lines),
        }


@dataclass(frozen=True)
class Answer:
    question: str
    hits: tuple[Hit, ...]
    no_answer: bool = False

    def to_json(self) -> dict:
        return {"question": self.question, "no_answer": self.no_answer, "hits": [h.to_json() for h in self.hits]}


CANDIDATES = 1000  # lines (or passages) scored per query (FAISS); the rest get the lowest of those scores
SECTION_WEIGHT = 0.5
PASSAGE_WEIGHT = 0.75
LEXICAL_WEIGHT = 0.1
TERMS_WEIGHT = 0.5  # best line's latent-term match, English questions only (terms.py)
LINE_LEXICAL_WEIGHT = 0.1  # share of the question's words found in a line, for highlights


def _best_per_chunk(index, owners: np.ndarray, query: np.ndarray, n_chunks: int) -> np.ndarray:
    """Per chunk, the best similarity of its units (lines or passages) among the top
    CANDIDATES; chunks with none there get the lowest score seen. Row i of `owners` holds
    the chunks unit i belongs to, padded with -1 (a passage at a seam belongs to two)."""
    if not index.ntotal:
        return np.zeros(n_chunks, dtype=np.float32)
    scores, ids = index.search(query[None, :], min(index.ntotal, CANDIDATES))
    keep = ids[0] >= 0
    scores, ids = scores[0][keep], ids[0][keep]
    best = np.full(n_chunks, scores.min() if len(scores) else 0.0, dtype=np.float32)
    chunks = owners[ids]
    valid = chunks >= 0
    np.maximum.at(best, chunks[valid], np.broadcast_to(scores[:, None], chunks.shape)[valid])
    return best


def _owner_matrix(owners: Sequence[Sequence[int]]) -> np.ndarray:
    """Chunk ids per unit as a -1 padded matrix, for `_best_per_chunk`."""
    width = max((len(o) for o in owners), default=1)
    matrix = np.full((len(owners), width), -1, dtype=np.int64)
    for i, o in enumerate(owners):
        matrix[i, : len(o)] = o
    return matrix


class Query(NamedTuple):
    vector: np.ndarray  # the question's unit vector
    terms: TermCode | None  # its latent-term code, for English questions when the index has codes


class Scores(NamedTuple):
    ranking: np.ndarray  # per chunk, what hits are ordered by
    match: np.ndarray  # per chunk, the part calibrated for "not in the notes" (noanswer.py)
    line_terms: np.ndarray | None = None  # per answer line, its latent-term match (English)


class Searcher:
    """A loaded index, ready to answer; cheap to query from many threads.

    A chunk's score adds four dense signals and one lexical: the chunk's own similarity,
    its best line's (questions usually target one bullet), its best passage's (a ~200-token
    piece, sharper than the whole chunk), its section's (a mean of its chunk vectors, so
    sub-chunks of the right section stay together), and BM25 scaled to [0, 1] as a
    tie-breaker for exact terms (Japanese questions). English questions add their best
    line's latent-term match instead (terms.py). Weights were set on the dev sets with few
    free parameters; see docs/evaluation.md.
    """

    def __init__(self, settings: Settings, embedder: Embedder | None = None):
        self.settings = settings
        self.embedder = embedder or load_embedder(settings.model, settings.query_prefix, settings.passage_prefix)
        self.index = store.load(settings.index_dir)
        manifest = self.index.manifest
        if manifest.embedder != self.embedder.name or manifest.chunking != chunking_settings(settings):
            raise IndexStaleError(
                f"index in {settings.index_dir} was built with model {manifest.embedder!r} and other settings; "
                "run `python -m assistant index`"
            )
        self.chunks = self.index.chunks
        self.lines = self.index.lines
        self.line_chunk = np.array([u.chunk for u in self.lines], dtype=np.int64)
        self.line_owners = self.line_chunk[:, None]
        self.passage_owners = _owner_matrix([p.chunks for p in self.index.passages])
        self.line_terms = self.index.line_terms
        self.has_terms = self.line_terms.dim > 0 and self.line_terms.dim == self.embedder.terms_dim
        self.chunk_lines: list[list[int]] = [[] for _ in self.chunks]
        for i, unit in enumerate(self.lines):
            self.chunk_lines[unit.chunk].append(i)
        self._sections()
        self._chunk_scopes = [
            (c.source, f"{c.source} > {c.heading_path[1]}") if len(c.heading_path) > 1 else (c.source,)
            for c in self.chunks
        ]
        self.lexical = self.index.lexical
        self.vocabulary = Vocabulary(c.embed_text for c in self.chunks)
        self.no_answer_floors = profile_of(self.embedder).no_answer_floors  # per model's score scale

    def _sections(self) -> None:
        """Chunk vectors as one matrix, and section vectors: the normalized mean of each
        heading section's chunk vectors."""
        keys = [(c.source, c.heading_path) for c in self.chunks]
        ids = {k: i for i, k in enumerate(dict.fromkeys(keys))}
        self.chunk_section = np.array([ids[k] for k in keys], dtype=np.int64)
        vectors = self.chunk_vectors = self.index.vectors.reconstruct_n(0, len(self.chunks))
        sections = np.zeros((len(ids), vectors.shape[1]), dtype=np.float32)
        np.add.at(sections, self.chunk_section, vectors)
        self.section_vectors = sections / np.maximum(np.linalg.norm(sections, axis=1, keepdims=True), 1e-9)

    def embed(self, text: str) -> np.ndarray:
        """The question's dense vector alone (what benchmarks call the embedding)."""
        return self.embedder.embed_queries([text])[0]

    def encode(self, text: str) -> Query:
        """Everything a search needs from the model: the vector, and for an English
        question the latent-term code (from the same pass when the engine is compiled)."""
        if self.has_terms and language(text) == "en":
            return Query(*self.embedder.embed_query_with_terms(text))
        return Query(self.embed(text), None)

    def _best_per_chunk_terms(self, line_terms: np.ndarray) -> np.ndarray:
        """Per chunk, its best line's latent-term match (0 when no line shares a feature)."""
        best = np.zeros(len(self.chunks), dtype=np.float32)
        matched = np.flatnonzero(line_terms)
        np.maximum.at(best, self.line_chunk[matched], line_terms[matched])
        return best

    def score(self, encoded: Query, text: str) -> Scores:
        """All signals for one encoded question (and its text, for BM25), fused per chunk."""
        query = encoded.vector
        n = len(self.chunks)
        dense = self.chunk_vectors @ query  # exact for every chunk; ~1 ms even at 20k chunks
        best_line = _best_per_chunk(self.index.line_vectors, self.line_owners, query, n)
        section = (self.section_vectors @ query)[self.chunk_section]
        match = dense + best_line + SECTION_WEIGHT * section
        if language(text) == "ja":
            # Measured: BM25 over the few English words an English question shares with
            # Japanese notes only adds noise (en Hit@1 0.57 -> 0.46 at this weight).
            lexical = self.lexical.scores(text)
            match += LEXICAL_WEIGHT * (lexical / lexical.max() if lexical.max() > 0 else lexical)
        # Passages came later than the no-answer floors: kept out of `match`, so the floors
        # stay calibrated on the signals they were measured with.
        best_passage = _best_per_chunk(self.index.passage_vectors, self.passage_owners, query, n)
        ranking = match + PASSAGE_WEIGHT * best_passage
        if encoded.terms is None:
            return Scores(ranking, match)
        line_terms = self.line_terms.scores(encoded.terms)  # likewise kept out of `match`
        return Scores(ranking + TERMS_WEIGHT * self._best_per_chunk_terms(line_terms), match, line_terms)

    def line_scores(
        self, chunk_id: int, query: np.ndarray, text: str, line_terms: np.ndarray | None = None
    ) -> list[tuple[float, int]]:
        """(score, line number) for every answer line of a chunk, best first: its similarity
        plus a little for sharing the question's words (Japanese line@3 0.77 -> 0.86 on dev)
        and, for English questions, its latent-term match (`Scores.line_terms`; English
        line@3 0.63 -> 0.69, line±1 0.57 -> 0.66)."""
        ids = self.chunk_lines[chunk_id]
        if not ids:
            return []
        vectors = self.index.line_vectors.reconstruct_batch(np.array(ids, dtype=np.int64))
        words = set(tokenize(text))
        shared = [len(words.intersection(tokenize(self.lines[i].text))) / max(len(words), 1) for i in ids]
        scores = vectors @ query + LINE_LEXICAL_WEIGHT * np.array(shared)
        if line_terms is not None:
            scores += TERMS_WEIGHT * line_terms[ids]
        return [(score, self.lines[i].line) for score, i in sorted(zip(scores.tolist(), ids), reverse=True)]

    def scopes(self) -> list[str]:
        """Names a search can be limited to: each note's source, then 'source > chapter'."""
        return list(dict.fromkeys(name for names in self._chunk_scopes for name in names))

    def _in_scope(self, scope: str | None) -> np.ndarray:
        if not scope:
            return np.ones(len(self.chunks), dtype=bool)
        allowed = np.array([scope in names for names in self._chunk_scopes])
        if not allowed.any():
            raise QueryError(f"unknown filter {scope!r}; choose a note or chapter from the list")
        return allowed

    def search(
        self, question: str, top_k: int | None = None, history: Sequence[str] = (), scope: str | None = None
    ) -> Answer:
        """The top_k chunks for a question, best first, with citation URLs."""
        shown = validate_question(question)
        question = match_form(shown)  # matched in NFKC with plain spaces; the Answer keeps the original
        top_k = validate_top_k(self.settings.top_k if top_k is None else top_k)
        history = validate_history(history)
        allowed = self._in_scope(scope)
        query = self.encode(question)
        alone = with_history = self.score(query, question)
        fused = alone.ranking
        if history:
            # A follow-up ("その保持期間は？") names its topic only in an earlier turn: add the
            # scores of the question joined with the previous turn, in full when the question
            # refers back, as a weak prior otherwise, so a new topic is not dragged back.
            joined = f"{history[-1]} {question}"
            query = self.encode(joined)
            with_history = self.score(query, joined)
            fused = fused + (1.0 if refers_back(question) else HISTORY_PRIOR) * with_history.ranking
        fused = np.where(allowed, fused, -np.inf)
        top = np.argpartition(-fused, top_k - 1)[:top_k] if top_k < len(fused) else np.arange(len(fused))
        order = [int(i) for i in top[np.argsort(-fused[top], kind="stable")] if allowed[i]]
        hits = tuple(self._hit(i, fused[i], query.vector, with_history.line_terms, question) for i in order)
        # The better of the question alone and joined with the previous turn: either may carry it.
        top_score = float(max(alone.match[order[0]], with_history.match[order[0]])) if order else -np.inf
        no_answer = is_unanswered(question, language(question), top_score, self.vocabulary, self.no_answer_floors)
        return Answer(shown, hits, no_answer)

    def _hit(self, i: int, score: float, query: np.ndarray, line_terms: np.ndarray | None, question: str) -> Hit:
        c = self.chunks[i]
        url = citation_url(self.settings.wiki_base_url, c.source, c.permalink, c.anchor)
        highlights = tuple(line for _, line in self.line_scores(i, query, question, line_terms)[:HIGHLIGHTS])
        return Hit(c, float(score), url, highlights)


MAX_QUESTION_CHARS = 2000


def refers_back(question: str) -> bool:
    """True when a question leans on an earlier turn for its topic."""
    return _REFERS_BACK.search(question) is not None


def validate_question(question: object) -> str:
    """A usable question string, or a QueryError saying what is wrong with it."""
    if not isinstance(question, str):
        raise QueryError("the question must be text")
    # Spaces of any kind (NBSP, U+3000) are kept: they separate words (textnorm.match_form).
    cleaned = "".join(ch for ch in question if ch.isprintable() or ch.isspace()).strip()
    if not cleaned:
        raise QueryError("the question is empty; type a question about the notes")
    # Longer questions are cut, not refused: the model only reads ~512 tokens anyway.
    return cleaned[:MAX_QUESTION_CHARS]


def validate_history(history: object) -> tuple[str, ...]:
    """Earlier user turns, oldest first, as a tuple of strings."""
    if isinstance(history, (str, bytes)) or not isinstance(history, (list, tuple)):
        raise QueryError("history must be a list of earlier questions (strings)")
    if not all(isinstance(turn, str) for turn in history):
        raise QueryError("history must be a list of earlier questions (strings)")
    return tuple(turn[:MAX_QUESTION_CHARS] for turn in history if turn.strip())


def validate_top_k(top_k: object) -> int:
    if isinstance(top_k, bool) or not isinstance(top_k, int):
        raise QueryError("top_k must be a whole number")
    if not 1 <= top_k <= MAX_TOP_K:
        raise QueryError(f"top_k must be between 1 and {MAX_TOP_K}")
    return top_k
