"""A deterministic character-n-gram fake for unit tests of logic."""
from __future__ import annotations

import hashlib

import numpy as np

from .base import Embedder



class HashEmbedder(Embedder):
    """Deterministic, dependency-free fake: character 1-3-grams hashed into `dim` buckets.

    Texts sharing many n-grams get similar vectors, which is enough to test ranking,
    indexing and manifest logic without a model. Not for real retrieval."""

    name = "fake-hash"
    max_tokens = 512

    def __init__(self, dim: int = 64) -> None:
        if dim < 1:
            raise ValueError("dim must be >= 1")
        self.dim = dim

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            s = text.lower()
            for n in (1, 2, 3):
                for i in range(len(s) - n + 1):
                    h = hashlib.blake2b(s[i : i + n].encode("utf-8"), digest_size=8).digest()
                    v = int.from_bytes(h, "little")
                    out[row, v % self.dim] += 1.0 if (v >> 63) == 0 else -1.0
        return out
