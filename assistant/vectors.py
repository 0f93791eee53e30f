"""Vector search behind one interface: `VectorIndex`, with FAISS as its one implementation.

Every FAISS call of the package is in this module. The views (views/) and the store only see
`VectorIndex`: inner-product search over unit vectors (so scores are cosine similarities),
the stored vectors back, save and load. A server-based engine for teams past one machine
would be a second class with the same methods; nothing else changes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

# Exact search is fast enough below this many vectors (~1 ms per 20k x 384 on this
# machine's 2 cores); above it HNSW keeps queries flat. Recall of the HNSW settings below is
# measured by `python -m assistant bench --scale` (docs/performance.md).
HNSW_THRESHOLD = 200_000
HNSW_NEIGHBOURS = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128


class VectorIndex(Protocol):
    """Inner-product search over float32 unit vectors of one dimension."""

    @property
    def size(self) -> int:
        """Number of vectors held."""

    @property
    def dim(self) -> int:
        """Their dimension."""

    @property
    def kind(self) -> str:
        """'flat' (exact) or 'hnsw' (approximate), as recorded in the manifest."""

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """queries float32[q, dim] -> (scores float32[q, k], ids int64[q, k]), best first;
        ids are -1 where fewer than k vectors were found."""

    def vectors(self, ids: np.ndarray | None = None) -> np.ndarray:
        """The stored vectors, float32[len(ids) or size, dim], in the order of `ids`
        (int64 row numbers; all rows when None)."""

    def save(self, path: Path) -> None:
        """Write to one file; raises OSError or RuntimeError when it cannot."""


def index_kind(n_vectors: int) -> str:
    """'flat' (exact) below HNSW_THRESHOLD vectors, 'hnsw' above."""
    return "flat" if n_vectors < HNSW_THRESHOLD else "hnsw"


class FaissIndex:
    """`VectorIndex` over a FAISS IndexFlatIP or IndexHNSWFlat (inner product)."""

    def __init__(self, index) -> None:
        self._index = index

    @classmethod
    def build(cls, vectors: np.ndarray, kind: str | None = None) -> "FaissIndex":
        """An index holding `vectors` (float32[n, dim]), of `kind` ('flat' or 'hnsw'; by
        default the one `index_kind` picks for their number)."""
        import faiss

        dim = vectors.shape[1]
        if (kind or index_kind(len(vectors))) == "flat":
            index = faiss.IndexFlatIP(dim)
        else:
            index = faiss.IndexHNSWFlat(dim, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index.hnsw.efSearch = HNSW_EF_SEARCH
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index)

    @classmethod
    def load(cls, path: Path) -> "FaissIndex":
        """Read a saved index; raises RuntimeError (FAISS's error) or OSError when it cannot."""
        import faiss

        return cls(faiss.read_index(str(path)))

    @property
    def size(self) -> int:
        """Number of vectors held (`VectorIndex.size`)."""
        return int(self._index.ntotal)

    @property
    def dim(self) -> int:
        """Their dimension (`VectorIndex.dim`)."""
        return int(self._index.d)

    @property
    def kind(self) -> str:
        """'flat' or 'hnsw' (`VectorIndex.kind`)."""
        import faiss

        return "flat" if isinstance(self._index, faiss.IndexFlat) else "hnsw"

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores float32[q, k], ids int64[q, k]) for queries float32[q, dim] (`VectorIndex.search`)."""
        return self._index.search(np.ascontiguousarray(queries, dtype=np.float32), k)

    def vectors(self, ids: np.ndarray | None = None) -> np.ndarray:
        """float32[len(ids) or size, dim] (`VectorIndex.vectors`)."""
        if ids is None:
            return self._index.reconstruct_n(0, self._index.ntotal)
        return self._index.reconstruct_batch(np.asarray(ids, dtype=np.int64))

    def save(self, path: Path) -> None:
        """One FAISS file; RuntimeError (FAISS) or OSError when it cannot write."""
        import faiss

        faiss.write_index(self._index, str(path))
