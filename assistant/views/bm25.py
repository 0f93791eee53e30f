"""The BM25 view: exact terms (Japanese words, numbers, option names), scaled to [0, 1] so
its weight in fusion.py means the same on every index."""
from __future__ import annotations

import numpy as np

from ..lexical import LexicalIndex
from .base import Question


class BM25View:
    name = "bm25"

    def __init__(self, lexical: LexicalIndex):
        self.lexical = lexical

    def score(self, question: Question) -> np.ndarray:
        scores = self.lexical.scores(question.text)
        top = scores.max() if len(scores) else 0.0
        return scores / top if top > 0 else scores
