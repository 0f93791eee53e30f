"""The passage view: a chunk's best ~200-token passage (passages.py), sharper than the whole
chunk; a passage at a seam counts for both chunks."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..passages import Passage
from ..vectors import VectorIndex
from .base import Question, best_per_chunk, owner_matrix


class PassageView:
    """Passage vectors (passages.py) behind a VectorIndex, pooled per chunk."""

    name = "passage"

    def __init__(self, index: VectorIndex, passages: Sequence[Passage], n_chunks: int):
        self.index = index
        self.n_chunks = n_chunks
        self._owners = owner_matrix([p.chunks for p in passages])

    def score(self, question: Question) -> np.ndarray:
        """float32[n_chunks]: each chunk's best passage similarity (views.base.best_per_chunk)."""
        return best_per_chunk(self.index, self._owners, question.vector, self.n_chunks)
