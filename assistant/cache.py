"""Embedding cache: (embedder name, content hash) -> vector or latent-term code, in SQLite
beside the index.

It is what makes rebuilds cheap (only changed chunks are embedded) and builds resumable: each
batch is committed as soon as it is embedded, so a build killed half-way loses at most one
batch. SQLite gives atomic commits and safe concurrent readers for free. No pickle: vectors
are stored as raw float32 bytes.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np

from .terms import TermCode

FILE = "cache.sqlite"  # its name in the index folder


class EmbeddingCache:
    """One SQLite file of vectors and latent-term codes, keyed by (embedder name, content
    hash); the hash is encode.text_hash, the sha256 hex of the embedded text.

    Vectors are `dim` float32 values (4 * dim bytes); a row of another length is ignored
    as damaged. Codes are int32 feature ids and float32 weights (terms.TermCode), keyed by
    the embedder name and the codes' version (terms.TERMS_VERSION). Creates the folder and
    tables when missing; raises sqlite3.Error for a file that is not a database. Safe to read
    from several threads (one connection, `check_same_thread=False`, 30 s busy timeout).
    """

    def __init__(self, path: Path, embedder_name: str, dim: int):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS embeddings ("
            " embedder TEXT NOT NULL, hash TEXT NOT NULL, vector BLOB NOT NULL,"
            " PRIMARY KEY (embedder, hash))"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS terms ("
            " embedder TEXT NOT NULL, hash TEXT NOT NULL, indices BLOB NOT NULL, weights BLOB NOT NULL,"
            " PRIMARY KEY (embedder, hash))"
        )
        self._db.commit()
        self._name, self._dim = embedder_name, dim

    def get_many(self, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors among `hashes` (a damaged row is treated as missing)."""
        return dict(self.iter_many(hashes))

    def iter_many(self, hashes: Sequence[str]) -> Iterator[tuple[str, np.ndarray]]:
        """(hash, vector) for the cached ones among `hashes`, 500 at a time, so a caller
        can place them without holding them all (~240k vectors at 100x the notes)."""
        wanted = list(dict.fromkeys(hashes))
        for i in range(0, len(wanted), 500):
            part = wanted[i : i + 500]
            rows = self._db.execute(
                f"SELECT hash, vector FROM embeddings WHERE embedder = ? AND hash IN ({','.join('?' * len(part))})",
                [self._name, *part],
            ).fetchall()
            for key, blob in rows:
                if len(blob) == 4 * self._dim:
                    yield key, np.frombuffer(blob, dtype=np.float32)

    def put_many(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        """Store vectors and commit at once, so finished work survives a kill."""
        self._db.executemany(
            "INSERT OR REPLACE INTO embeddings (embedder, hash, vector) VALUES (?, ?, ?)",
            [(self._name, key, np.asarray(vec, dtype=np.float32).tobytes()) for key, vec in items],
        )
        self._db.commit()

    def _terms_rows(self, hashes: list[str], version: str, columns: str):
        """(hash, *columns) of the valid cached codes among hashes, 500 per query."""
        for i in range(0, len(hashes), 500):
            part = hashes[i : i + 500]
            yield from self._db.execute(
                f"SELECT hash, {columns} FROM terms WHERE embedder = ? AND hash IN ({','.join('?' * len(part))})"
                " AND length(indices) = length(weights) AND length(indices) % 4 = 0",
                [f"{self._name}/{version}", *part],
            )

    def missing_terms(self, hashes: Sequence[str], version: str) -> list[str]:
        """Those of `hashes` (once each, in order) with no cached latent-term code of `version`."""
        wanted = list(dict.fromkeys(hashes))
        present = {key for key, _ in self._terms_rows(wanted, version, "1")}
        return [h for h in wanted if h not in present]

    def read_terms(self, hashes: Sequence[str], version: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The cached codes of `hashes`, row by row, as CSR arrays (indptr, indices, values).
        Assembled from the raw bytes, not one object per code: at 100x the notes there are
        ~227k lines. Raises KeyError for a hash without a code (see missing_terms)."""
        unique = list(dict.fromkeys(hashes))
        slot = {h: i for i, h in enumerate(unique)}
        lengths = np.zeros(len(unique), dtype=np.int64)
        index_bytes, weight_bytes = bytearray(), bytearray()
        for i in range(0, len(unique), 500):
            part = unique[i : i + 500]
            found = {key: (a, b) for key, a, b in self._terms_rows(part, version, "indices, weights")}
            for key in part:
                indices, weights = found[key]
                index_bytes += indices
                weight_bytes += weights
                lengths[slot[key]] = len(indices) // 4
        indices = np.frombuffer(index_bytes, dtype=np.int32)
        values = np.frombuffer(weight_bytes, dtype=np.float32)
        starts = np.zeros(len(unique) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        rows = np.fromiter((slot[h] for h in hashes), dtype=np.int64, count=len(hashes))
        if len(rows) == len(unique):  # no repeated text: rows are the unique codes in order
            return starts, indices, values
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths[rows], out=indptr[1:])
        out_indices = np.empty(indptr[-1], dtype=np.int32)
        out_values = np.empty(indptr[-1], dtype=np.float32)
        for row, u in enumerate(rows.tolist()):  # slice copies: no index arrays as large as the result
            a, b = indptr[row], indptr[row + 1]
            out_indices[a:b] = indices[starts[u] : starts[u + 1]]
            out_values[a:b] = values[starts[u] : starts[u + 1]]
        return indptr, out_indices, out_values

    def put_terms(self, items: Iterable[tuple[str, TermCode]], version: str) -> None:
        """Store codes and commit at once, like put_many."""
        self._db.executemany(
            "INSERT OR REPLACE INTO terms (embedder, hash, indices, weights) VALUES (?, ?, ?, ?)",
            [(f"{self._name}/{version}", key, code.indices.astype(np.int32).tobytes(), code.values.astype(np.float32).tobytes())
             for key, code in items],
        )
        self._db.commit()

    def close(self) -> None:
        """Close the database; the cache cannot be used afterwards."""
        self._db.close()
