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

    def __init__(
        self, index: VectorIndex, lines: Sequence[LineUnit], n_chunks: int, answer_lines: np.ndarray | None = None
    ):
        self.index = index
        self.lines = lines
        self.n_chunks = n_chunks
        self.line_chunk = np.array([u.chunk for u in lines], dtype=np.int64)  # int64[n_lines]
        # bool[n_lines] (highlight.LineRanker.line_content): a chunk's best line is its best
        # answer line, so a heading or a link list naming the question's topic (an index page
        # of links) does not lift the chunk over the page it links to (wiki-dev en>ja Hit@1
        # 11 -> 13 of 22). None: every line counts.
        owners = self.line_chunk if answer_lines is None else np.where(answer_lines, self.line_chunk, -1)
        self._owners = owners[:, None]

    def score(self, question: Question) -> np.ndarray:
        """float32[n_chunks]: each chunk's best answer-line similarity (views.base.best_per_chunk)."""
        return best_per_chunk(self.index, self._owners, question.vector, self.n_chunks)
