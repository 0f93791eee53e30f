"""The chunk view: similarity of the question to each chunk's own embedding."""
from __future__ import annotations

import numpy as np

from .base import Question


class ChunkView:
    """Exact inner product with every chunk vector (~1 ms at 20k chunks x 384 dims)."""

    name = "chunk"

    def __init__(self, vectors: np.ndarray):
        self.vectors = vectors  # float32[n_chunks, dim], unit rows

    def score(self, question: Question) -> np.ndarray:
        """float32[n_chunks]: the inner product of each chunk vector with the question's."""
        return self.vectors @ question.vector
