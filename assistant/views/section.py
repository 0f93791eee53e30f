"""The section view: similarity to the mean embedding of the chunk's heading section, so
sub-chunks of the right section stay together."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..chunking import Chunk
from .base import Question


class SectionView:
    """Section vectors: the normalized mean of each heading section's chunk vectors."""

    name = "section"

    def __init__(self, chunks: Sequence[Chunk], chunk_vectors: np.ndarray):
        keys = [(c.source, c.heading_path) for c in chunks]
        ids = {k: i for i, k in enumerate(dict.fromkeys(keys))}
        self.chunk_section = np.array([ids[k] for k in keys], dtype=np.int64)  # int64[n_chunks]
        sections = np.zeros((len(ids), chunk_vectors.shape[1]), dtype=np.float32)
        np.add.at(sections, self.chunk_section, chunk_vectors)
        # float32[n_sections, dim]: normalized means of each section's chunk vectors
        self.vectors = sections / np.maximum(np.linalg.norm(sections, axis=1, keepdims=True), 1e-9)

    def score(self, question: Question) -> np.ndarray:
        """float32[n_chunks]: the similarity of each chunk's section vector."""
        return (self.vectors @ question.vector)[self.chunk_section]
