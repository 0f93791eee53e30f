"""The BM25 view: exact terms (Japanese words, numbers, option names), scaled to [0, 1] so
its weight in fusion.py means the same on every index."""
from __future__ import annotations

import numpy as np

from ..lexical import LexicalIndex
from .base import Question


class BM25View:
    """BM25 over the chunks' texts (lexical.LexicalIndex)."""

    name = "bm25"

    def __init__(self, lexical: LexicalIndex):
        self.lexical = lexical

    def score(self, question: Question) -> np.ndarray:
        """BM25 per chunk for the question's text, scaled so the best chunk is 1 (float32[n_chunks])."""
        scores = self.lexical.scores(question.text)
        top = scores.max() if len(scores) else 0.0
        return scores / top if top > 0 else scores
