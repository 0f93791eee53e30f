"""The translated-BM25 view: an English question's words in Japanese (translation.py),
scored as a structured query over the chunks and scaled to [0, 1] like views/bm25.py."""
from __future__ import annotations

import numpy as np

from ..translation import Lexicon
from .base import Question


class TranslatedBM25View:
    """Structured-query BM25 of the question's dictionary translations."""

    name = "translated"

    def __init__(self, lexicon: Lexicon | None):
        self.lexicon = lexicon  # None when the dictionary is not installed

    def score(self, question: Question) -> np.ndarray | None:
        """float32[n_chunks] scaled so the best chunk is 1 (zeros for a question without
        translations: any Japanese one), or None without a dictionary."""
        if self.lexicon is None:
            return None
        scores = self.lexicon.score_translations(question.translations)
        top = scores.max() if len(scores) else 0.0
        return scores / top if top > 0 else scores
