"""The line view: a chunk is as good as its best answer line (questions usually target one
bullet). The line vectors also choose the highlighted lines (highlight.py)."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..lines import LineUnit
from ..vectors import VectorIndex
from .base import Question, best_per_chunk


class LineView:
    """Answer-line vectors (lines.py) behind a VectorIndex, pooled per chunk."""

    name = "line"

    def __init__(self, index: VectorIndex, lines: Sequence[LineUnit], n_chunks: int):
        self.index = index
        self.lines = lines
        self.n_chunks = n_chunks
        self.line_chunk = np.array([u.chunk for u in lines], dtype=np.int64)  # int64[n_lines]
        self._owners = self.line_chunk[:, None]

    def score(self, question: Question) -> np.ndarray:
        """float32[n_chunks]: each chunk's best answer-line similarity (views.base.best_per_chunk)."""
        return best_per_chunk(self.index, self._owners, question.vector, self.n_chunks)
