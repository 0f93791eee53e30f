"""The glossed view: a Japanese question's English glosses (translation.Lexicon.glosses),
BM25 over the English pages' chunks, used only to choose among the sections of one page.

Each chunk of an English page scores its gloss BM25 over the best of its page's, less one:
the page's best section 0, the others down to -1; Japanese pages and pages no gloss meets
score 0. So the view never lifts a page: used to rank pages (like views/translated.py in the
other direction) the glosses pulled English pages above Japanese answers (wiki-dev ja>ja
Hit@1 0.77 -> 0.50, docs/evaluation.md). Within a page they find the section that names
the asked thing in English ("削除" -> delete) where the embeddings of nearby sections tie.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Sequence

import numpy as np

from ..chunking import Chunk
from ..translation import Lexicon
from .base import Question


class GlossedPageView:
    """Gloss BM25 relative to the best section of each English page."""

    name = "glossed"

    def __init__(self, lexicon: Lexicon | None, chunks: Sequence[Chunk], english: np.ndarray):
        """`english`: bool[n_chunks], whether each chunk's note is written in English."""
        self.lexicon = lexicon  # None when the dictionary is not installed
        self.english = np.asarray(english, dtype=bool)
        pages: dict[str, list[int]] = defaultdict(list)
        for i, chunk in enumerate(chunks):
            if self.english[i]:
                pages[chunk.source].append(i)
        self.pages = [np.asarray(ids, dtype=np.int64) for ids in pages.values()]

    def score(self, question: Question) -> np.ndarray | None:
        """float32[n_chunks] in [-1, 0] (see the module's docstring), or None for a question
        without glosses (every English one) or without a dictionary."""
        if self.lexicon is None or not question.glosses:
            return None
        bm25 = self.lexicon.score_glosses(question.glosses)
        out = np.zeros(len(bm25), dtype=np.float32)
        for ids in self.pages:
            best = bm25[ids].max()
            if best > 0:
                out[ids] = bm25[ids] / best - 1.0
        return out
