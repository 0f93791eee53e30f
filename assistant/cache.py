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
from typing import Iterable, Sequence

import numpy as np

from .terms import TermCode


class EmbeddingCache:
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
        found: dict[str, np.ndarray] = {}
        wanted = list(dict.fromkeys(hashes))
        for i in range(0, len(wanted), 500):
            part = wanted[i : i + 500]
            rows = self._db.execute(
                f"SELECT hash, vector FROM embeddings WHERE embedder = ? AND hash IN ({','.join('?' * len(part))})",
                [self._name, *part],
            )
            for key, blob in rows:
                if len(blob) == 4 * self._dim:
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        """Store vectors and commit at once, so finished work survives a kill."""
        self._db.executemany(
            "INSERT OR REPLACE INTO embeddings (embedder, hash, vector) VALUES (?, ?, ?)",
            [(self._name, key, np.asarray(vec, dtype=np.float32).tobytes()) for key, vec in items],
        )
        self._db.commit()

    def get_terms(self, hashes: Sequence[str], version: str) -> dict[str, TermCode]:
        """The cached latent-term codes (terms.py) among `hashes`, for codes of `version`."""
        found: dict[str, TermCode] = {}
        wanted = list(dict.fromkeys(hashes))
        for i in range(0, len(wanted), 500):
            part = wanted[i : i + 500]
            rows = self._db.execute(
                f"SELECT hash, indices, weights FROM terms WHERE embedder = ? AND hash IN ({','.join('?' * len(part))})",
                [f"{self._name}/{version}", *part],
            )
            for key, indices, weights in rows:
                if len(indices) == len(weights) and len(indices) % 4 == 0:
                    found[key] = TermCode(np.frombuffer(indices, dtype=np.int32), np.frombuffer(weights, dtype=np.float32))
        return found

    def put_terms(self, items: Iterable[tuple[str, TermCode]], version: str) -> None:
        """Store codes and commit at once, like put_many."""
        self._db.executemany(
            "INSERT OR REPLACE INTO terms (embedder, hash, indices, weights) VALUES (?, ?, ?, ?)",
            [(f"{self._name}/{version}", key, code.indices.astype(np.int32).tobytes(), code.values.astype(np.float32).tobytes())
             for key, code in items],
        )
        self._db.commit()

    def close(self) -> None:
        self._db.close()
