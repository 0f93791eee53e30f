"""The embedding stage of a build: which texts need the model, in which calls, through the
embedding cache, with one progress bar; and the write errors a build reports.

Texts are keyed by the sha256 of what the model reads (`text_hash`), so a cache hit is exact.
An answer line's latent-term code is keyed apart (`code_key`): it comes from the line's own
pass when the backend can embed late (one model input per line), else from a second pass.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .cache import FILE as CACHE_FILE, EmbeddingCache
from .config import Settings
from .embedding import Embedder
from .errors import IndexWriteError
from .lines import LINE_PASS_VERSION
from .terms import TERMS_VERSION, TermMatrix

log = logging.getLogger(__name__)


class Stages:
    """Wall and process CPU seconds per named stage: `with stages("bm25"): ...`."""

    def __init__(self) -> None:
        self.times: dict[str, tuple[float, float]] = {}

    @contextmanager
    def __call__(self, name: str):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            w, c = self.times.get(name, (0.0, 0.0))
            self.times[name] = (w + time.perf_counter() - wall, c + time.process_time() - cpu)


def write_error(index_dir: Path, exc: BaseException) -> IndexWriteError:
    """The one-line IndexWriteError for a write that failed in `index_dir` (the previous index is unchanged)."""
    text = str(exc).strip()
    reason = getattr(exc, "strerror", None) or (text.splitlines()[0] if text else exc.__class__.__name__)
    return IndexWriteError(
        f"cannot write the index in {index_dir} ({reason}); the previous index is unchanged"
    )


def text_hash(text: str) -> str:
    """The embedding cache's key of a text: the sha256 hex digest of its UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Characters of model input per native call: short calls (~1 s of model time) let questions
# of a serving process interleave with a refresh; the model uses both cores either way.
CALL_CHARS = 4096
WINDOW_CHARS = 2048  # progress is counted in input characters, a window's capped at this


def _batches(items: list, size_of, limit: int = CALL_CHARS):
    """Consecutive runs of items whose sizes add up to about `limit` (at least one each)."""
    batch, total = [], 0
    for item in items:
        if batch and total + size_of(item) > limit:
            yield batch
            batch, total = [], 0
        batch.append(item)
        total += size_of(item)
    if batch:
        yield batch


def _embed_missing(texts: list[str], hashes: list[str], embedder: Embedder, cache: EmbeddingCache, bar) -> tuple[np.ndarray, int]:
    """Vectors for all texts, embedding only those whose key is not cached (each distinct
    text once), sorted by length so a call holds texts of similar length. Each vector goes
    straight into its rows of the result: holding them all as separate arrays first (then
    stacking) cost ~400 MB more at the peak of a 100x build."""
    rows: dict[str, list[int]] = {}
    for i, key in enumerate(hashes):
        rows.setdefault(key, []).append(i)
    out = np.empty((len(texts), embedder.dim), dtype=np.float32)
    cached = set()
    for key, vector in cache.iter_many(list(rows)):
        out[rows[key]] = vector
        cached.add(key)
    todo = sorted(((key, texts[at[0]]) for key, at in rows.items() if key not in cached), key=lambda kt: len(kt[1]))
    for part in _batches(todo, lambda kt: min(len(kt[1]), WINDOW_CHARS)):
        vectors = embedder.embed_passages([text for _, text in part], batch_size=len(part))
        cache.put_many(zip([key for key, _ in part], vectors))
        for (key, _), vector in zip(part, vectors):
            out[rows[key]] = vector
        bar.update(sum(min(len(t), WINDOW_CHARS) for _, t in part))
    return out, len(todo)


def _terms_missing(texts: list[str], hashes: list[str], embedder: Embedder, cache: EmbeddingCache, bar) -> tuple[TermMatrix, int]:
    """Latent-term codes of the answer lines (terms.py), encoding only uncached ones; an
    empty matrix for a backend without terms. Every code goes through the cache, which
    assembles the matrix without holding one object per line."""
    if not embedder.terms_dim:
        return TermMatrix.from_codes([], 0, n_rows=len(texts)), 0
    missing = set(cache.missing_terms(hashes, TERMS_VERSION))
    todo = sorted({h: t for h, t in zip(hashes, texts) if h in missing}.items(), key=lambda kt: len(kt[1]))
    for part in _batches(todo, lambda kt: min(len(kt[1]), WINDOW_CHARS)):
        codes = embedder.embed_terms([text for _, text in part])
        cache.put_terms(zip([h for h, _ in part], codes), TERMS_VERSION)
        bar.update(sum(min(len(t), WINDOW_CHARS) for _, t in part))
    return TermMatrix(*cache.read_terms(hashes, TERMS_VERSION), embedder.terms_dim), len(todo)


@dataclass
class _Plan:
    """Every text to embed (chunks, lines, passages, in index order), its cache key, and the
    answer lines' code keys."""

    texts: list[str]
    keys: list[str]
    lines_at: slice
    code_keys: list[str]  # cache keys of the answer lines' latent-term codes
    line_pass: bool = False  # a line's vector and code from one pass of the line (_run_lines)


def code_key(line_hash: str) -> str:
    """Cache key of a line's latent-term code taken from its dense pass: the line's content
    hash, tagged, so it never meets a code of the bare text (terms.py, another pass)."""
    return hashlib.sha256(f"{LINE_PASS_VERSION}\x00{line_hash}".encode()).hexdigest()


def _plan(embedder: Embedder, chunks, chunk_texts, lines, passages) -> _Plan:
    """Keys for every text: the content hash; a line's code, with an embedder that gives
    vector and code from one pass (embed_late), the code_key of its hash."""
    texts = chunk_texts + [u.text for u in lines] + [t for _, t in passages]
    keys = [text_hash(t) for t in texts]
    at = slice(len(chunks), len(chunks) + len(lines))
    if getattr(embedder, "can_embed_late", False):
        return _Plan(texts, keys, at, [code_key(k) for k in keys[at]], line_pass=True)
    return _Plan(texts, keys, at, keys[at])


def _run_lines(plan: _Plan, embedder: Embedder, cache: EmbeddingCache, bar) -> int:
    """Each answer line whose vector or code is missing: one pass of the line alone gives
    both (its vector exactly as embedding it alone; its code from the same token states,
    without the 'passage:' prefix's tokens). Pooling lines from their chunk's pass instead
    measured worse (Japanese line@3 0.83 -> 0.66 on dev; docs/performance.md)."""
    at = plan.lines_at
    have = {k for k, _ in cache.iter_many(list(set(plan.keys[at])))}
    no_code = set(cache.missing_terms(plan.code_keys, TERMS_VERSION))
    todo = sorted({k: (k, c, t) for k, c, t in zip(plan.keys[at], plan.code_keys, plan.texts[at])
                   if k not in have or c in no_code}.values(), key=lambda x: len(x[2]))
    size = lambda x: min(len(x[2]), WINDOW_CHARS)  # noqa: E731
    for part in _batches(todo, size):
        results = embedder.embed_late([[t] for _, _, t in part], [[True] for _ in part])
        cache.put_many([(k, r.vector) for (k, _, _), r in zip(part, results)])
        cache.put_terms([(c, r.codes[0]) for (_, c, _), r in zip(part, results)], TERMS_VERSION)
        bar.update(sum(map(size, part)))
    return len(todo)


# SQLite result codes of a damaged database file (as opposed to a full disk or a lock).
_DAMAGED = {getattr(sqlite3, name, code) for name, code in (("SQLITE_CORRUPT", 11), ("SQLITE_NOTADB", 26))}


def _set_aside(path: Path) -> Path:
    """Rename a damaged cache (and its journal files) out of the way; returns the new name."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while aside.exists():  # never overwrite an earlier one
        n += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    for suffix in ("-wal", "-shm", "-journal"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            os.replace(extra, aside.with_name(aside.name + suffix))
    os.replace(path, aside)
    return aside


class _Reported:
    """A progress bar that also calls `on_progress(done, total)` (input characters) after each
    batch of model calls (about a second each, CALL_CHARS); whatever it raises ends the stage."""

    def __init__(self, bar, total: int, on_progress: Callable[[int, int], None]):
        self.bar, self.total, self.on_progress, self.done = bar, total, on_progress, 0

    def update(self, n: int) -> None:
        self.bar.update(n)
        self.done += n
        self.on_progress(self.done, self.total)


def embed_all(settings: Settings, embedder: Embedder, chunks, chunk_texts, lines, passages, progress: bool,
              stages: Stages | None = None, on_progress: Callable[[int, int], None] | None = None):
    """(vectors of chunks + lines + passages, line terms, model inputs run) through the
    embedding cache, with one progress bar (in input characters) for the whole stage, and
    `on_progress(done, total)` after each batch when given (what it raises, e.g.
    BuildCancelled, ends the build; what was embedded is cached). A damaged cache is set
    aside and the work redone once with a fresh one; any other cache failure (full disk,
    read-only) is an IndexWriteError."""
    from tqdm import tqdm

    path = settings.index_dir / CACHE_FILE
    for attempt in (1, 2):
        plan = _plan(embedder, chunks, chunk_texts, lines, passages)
        try:
            cache = EmbeddingCache(path, embedder.name, embedder.dim)
            try:
                total = _work_chars(plan, cache, with_terms=bool(embedder.terms_dim))
                with tqdm(total=total, desc="embedding", unit="char", unit_scale=True,
                          disable=not progress or not total, file=sys.stderr) as shown:
                    bar = _Reported(shown, total, on_progress) if on_progress else shown
                    stages = stages or Stages()
                    with stages("answer lines, one pass each"):
                        n_lines = _run_lines(plan, embedder, cache, bar) if plan.line_pass else 0
                    with stages("chunks, passages (and lines) embedded"):
                        vectors, n_embedded = _embed_missing(plan.texts, plan.keys, embedder, cache, bar)
                    at = plan.lines_at
                    with stages("latent-term codes alone"):
                        line_terms, n_encoded = _terms_missing(plan.texts[at], plan.code_keys, embedder, cache, bar)
                return vectors, line_terms, n_lines + n_embedded + n_encoded
            finally:
                cache.close()
        except sqlite3.DatabaseError as exc:
            if attempt == 1 and getattr(exc, "sqlite_errorcode", None) in _DAMAGED and path.exists():
                try:
                    aside = _set_aside(path)
                except OSError as move_error:
                    raise write_error(settings.index_dir, move_error) from None
                log.warning("the embedding cache %s was damaged (%s); set it aside as %s and rebuilt it",
                            path, exc, aside.name)
                continue
            raise write_error(settings.index_dir, exc) from None
        except OSError as exc:
            raise write_error(settings.index_dir, exc) from None
    raise AssertionError("unreachable")


def _work_chars(plan: _Plan, cache: EmbeddingCache, with_terms: bool = True) -> int:
    """The progress bar's total: input characters of every text not cached, latent-term
    codes counted only for a model that makes them (`with_terms`: with Gemma, which makes
    none, the bar stopped at 65-69% as the build ended; a fresh user)."""
    have = {k for k, _ in cache.iter_many(list(set(plan.keys)))}
    alone = {k: t for k, t in zip(plan.keys, plan.texts) if k not in have}
    if plan.line_pass:  # a line with its vector cached may still lack its code
        no_code = set(cache.missing_terms(plan.code_keys, TERMS_VERSION))
        alone.update({k: t for k, c, t in zip(plan.keys[plan.lines_at], plan.code_keys, plan.texts[plan.lines_at]) if c in no_code})
    elif plan.code_keys and with_terms:
        no_code = set(cache.missing_terms(plan.code_keys, TERMS_VERSION))
        alone.update({"code" + c: t for c, t in zip(plan.code_keys, plan.texts[plan.lines_at]) if c in no_code})
    return sum(min(len(t), WINDOW_CHARS) for t in alone.values())
