"""What every view shares: the encoded question, the view protocol, and the best-unit pooling
that turns scores of lines or passages into scores of chunks."""
from __future__ import annotations

from typing import NamedTuple, Protocol, Sequence

import numpy as np

from ..terms import TermCode
from ..vectors import VectorIndex

# Units (lines or passages) a query takes from the vector index; the others count as the
# lowest score among them. At this depth a flat index over the seed scores every unit.
CANDIDATES = 1000


class Question(NamedTuple):
    """A question as the views read it."""

    text: str  # in match form (textnorm.match_form): NFKC, plain spaces
    language: str  # 'ja' or 'en' (language.language)
    vector: np.ndarray  # float32[dim], unit length: the model's query embedding
    terms: TermCode | None  # its latent-term code, when the model and the index have them
    # An English question's words with their Japanese headwords in the notes (translation.py)
    translations: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def toward(self, other: "Question") -> "Question":
        """This question with its vector halfway to `other`'s (their sum at unit length,
        float32[dim]); everything else its own. A follow-up's answer lines are picked with
        its conversation toward the question alone (retrieve.Searcher.search): the
        conversation alone showed the earlier turn's row of a table first, the question
        alone loses the topic of "その最大値は？"."""
        mean = self.vector + other.vector
        return self._replace(vector=(mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32))


class View(Protocol):
    """A signal: `name` is its row in fusion.SIGNALS."""

    name: str

    def score(self, question: Question) -> np.ndarray | None:
        """float32[n_chunks], higher is better, or None when the view does not apply."""


def owner_matrix(owners: Sequence[Sequence[int]]) -> np.ndarray:
    """Chunk ids per unit as an int64[n_units, width] matrix padded with -1 (a passage at a
    seam between two chunks belongs to both)."""
    width = max((len(o) for o in owners), default=1)
    matrix = np.full((len(owners), width), -1, dtype=np.int64)
    for i, o in enumerate(owners):
        matrix[i, : len(o)] = o
    return matrix


def best_per_chunk(index: VectorIndex, owners: np.ndarray, query: np.ndarray, n_chunks: int) -> np.ndarray:
    """float32[n_chunks]: per chunk, the best inner product of its units with `query` among
    the top CANDIDATES units; chunks with none there get the lowest score seen (0 for an
    empty index). `owners` is `owner_matrix` of the units' chunk ids."""
    if not index.size:
        return np.zeros(n_chunks, dtype=np.float32)
    scores, ids = index.search(query[None, :], min(index.size, CANDIDATES))
    keep = ids[0] >= 0
    scores, ids = scores[0][keep], ids[0][keep]
    best = np.full(n_chunks, scores.min() if len(scores) else 0.0, dtype=np.float32)
    chunks = owners[ids]
    valid = chunks >= 0
    np.maximum.at(best, chunks[valid], np.broadcast_to(scores[:, None], chunks.shape)[valid])
    return best
