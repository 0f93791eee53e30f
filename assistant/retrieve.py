"""Hybrid search: dense (FAISS) and lexical (BM25) rankings fused into one list of hits.

This is the one search function behind the CLI, the JSON API, the UI and evaluation.
Dense vectors catch paraphrases and cross-lingual questions; BM25 catches exact service
names, numbers and option names that small embedding models blur. Reciprocal rank fusion
combines the two without calibrating their score scales against each other.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import store
from .build import chunking_settings
from .chunking import Chunk
from .cite import citation_url
from .config import Settings
from .embedding import Embedder, load_embedder
from .errors import IndexStaleError, QueryError
from .lexical import LexicalIndex

RRF_K = 60
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
    history: tuple[str, ...] = field(default=())

    def to_json(self) -> dict:
        return {"question": self.question, "no_answer": self.no_answer, "hits": [h.to_json() for h in self.hits]}


def rrf(rankings: list[np.ndarray], n: int, k: int = RRF_K) -> np.ndarray:
    """Reciprocal rank fusion of rankings (arrays of document ids, best first)."""
    fused = np.zeros(n, dtype=np.float64)
    for ranking in rankings:
        fused[ranking] += 1.0 / (k + 1 + np.arange(len(ranking)))
    return fused


class Searcher:
    """A loaded index, ready to answer; cheap to query from many threads."""

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
        self.lexical = LexicalIndex([c.embed_text for c in self.chunks])

    def _dense_scores(self, text: str) -> np.ndarray:
        query = self.embedder.embed_queries([text])
        n = len(self.chunks)
        scores, ids = self.index.vectors.search(query, n if n <= 1000 else 1000)
        dense = np.full(n, -1.0, dtype=np.float32)
        valid = ids[0] >= 0
        dense[ids[0][valid]] = scores[0][valid]
        return dense

    def scopes(self) -> list[str]:
        """Names a search can be limited to: each note's source, then 'source > chapter'."""
        names = dict.fromkeys(c.source for c in self.chunks)
        names.update(dict.fromkeys(f"{c.source} > {c.heading_path[1]}" for c in self.chunks if len(c.heading_path) > 1))
        return list(names)

    def _in_scope(self, scope: str | None) -> np.ndarray:
        if not scope:
            return np.ones(len(self.chunks), dtype=bool)
        if scope not in self.scopes():
            raise QueryError(f"unknown filter {scope!r}; choose a note or chapter from the list")
        return np.array([scope in (c.source, f"{c.source} > {' > '.join(c.heading_path[1:2])}") for c in self.chunks])

    def search(
        self, question: str, top_k: int | None = None, history: tuple[str, ...] = (), scope: str | None = None
    ) -> Answer:
        """The top_k chunks for a question, best first, with citation URLs."""
        question = validate_question(question)
        top_k = validate_top_k(self.settings.top_k if top_k is None else top_k)
        allowed = self._in_scope(scope)
        dense = self._dense_scores(question)
        lexical = self.lexical.scores(question)
        rankings = [np.argsort(-dense, kind="stable")]
        if lexical.any():
            hits = np.flatnonzero(lexical)
            rankings.append(hits[np.argsort(-lexical[hits], kind="stable")])
        fused = rrf(rankings, len(self.chunks))
        fused[~allowed] = -1.0
        order = [i for i in np.argsort(-fused, kind="stable")[:top_k] if allowed[i]]
        return Answer(question, tuple(self._hit(i, fused[i]) for i in order), history=tuple(history))

    def _hit(self, i: int, score: float) -> Hit:
        c = self.chunks[i]
        url = citation_url(self.settings.wiki_base_url, c.source, c.permalink, c.anchor)
        return Hit(c, float(score), url)


MAX_QUESTION_CHARS = 2000


def validate_question(question: object) -> str:
    """A usable question string, or a QueryError saying what is wrong with it."""
    if not isinstance(question, str):
        raise QueryError("the question must be text")
    cleaned = "".join(ch for ch in question if ch.isprintable() or ch in "\n\t").strip()
    if not cleaned:
        raise QueryError("the question is empty; type a question about the notes")
    # Longer questions are cut, not refused: the model only reads ~512 tokens anyway.
    return cleaned[:MAX_QUESTION_CHARS]


def validate_top_k(top_k: object) -> int:
    if isinstance(top_k, bool) or not isinstance(top_k, int):
        raise QueryError("top_k must be a whole number")
    if not 1 <= top_k <= MAX_TOP_K:
        raise QueryError(f"top_k must be between 1 and {MAX_TOP_K}")
    return top_k
