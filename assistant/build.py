"""Corpus -> index: chunk every note, embed what the cache lacks, save atomically.

An up-to-date index (same corpus bytes, embedder and chunking settings) is left alone, so
a rebuild after no change costs only reading and hashing the notes, and needs no write access
at all (a read-only index folder, a full disk). A build holds a file lock, so two builds never
interleave, and every embedded batch goes to the cache at once, so an interrupted build
resumes where it stopped. A build that cannot write (ENOSPC, EROFS, EACCES) raises
IndexWriteError and leaves the previous version in place; a damaged cache.sqlite is set aside
(renamed) and rebuilt, with one warning: it is a cache, nothing in it is lost for good.
"""
from __future__ import annotations

import dataclasses
import fcntl
import functools
import hashlib
import logging
import os
import sqlite3
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import store
from .cache import EmbeddingCache
from .chunking import chunk_note, path_label
from .config import Settings
from .store import chunking_settings
from .embedding import Embedder
from .profiles import load_embedder
from .errors import BuildInProgressError, CorpusError, IndexStaleError, IndexWriteError
from .lexical import LexicalIndex
from .lines import LINE_PASS_VERSION, line_units
from .notes import load_notes
from .passages import PASSAGE_TOKENS, note_passages
from .terms import TERMS_VERSION, TermMatrix
from .textnorm import width_fold
from .wiki import wiki_page

log = logging.getLogger(__name__)


# Text embedded for one note (chunks + answer lines + passages, in characters) stays within
# AMPLIFICATION x max(its characters, MIN_NOTE_CHARS), whatever its shape. Each of the three
# holds the note's text once (3x), plus heading labels; the notes of the dev corpora measure
# 2.8x-4.3x. A note over the limit (headings repeated on thousands of tiny lines or sections)
# is embedded without labels, which is at most ~3.5x.
AMPLIFICATION = 8
MIN_NOTE_CHARS = 256


@dataclass(frozen=True)
class NoteUnits:
    """What one note adds to the index: chunks, answer lines and passages, and the texts
    that get embedded for them (row for row)."""

    chunks: list
    chunk_texts: list[str]
    lines: list  # LineUnit, their texts are what gets embedded
    passages: list  # (Passage, text to embed)

    @property
    def embedded_chars(self) -> int:
        return sum(map(len, self.chunk_texts)) + sum(len(u.text) for u in self.lines) + sum(len(t) for _, t in self.passages)


def _unlabelled(text: str, label: str, separator: str) -> str:
    return text[len(label) + len(separator):] if text.startswith(label + separator) else text


def note_units(note, first: int, settings: Settings, budget: int, count_tokens) -> NoteUnits:
    """Chunks, answer lines and passages of one note (chunk ids start at `first`), keeping
    the text to embed within AMPLIFICATION x the note's size (see there)."""
    chunks = chunk_note(note, settings.max_chunk_lines, budget, count_tokens, settings.wiki_engine, settings.wiki_clean_urls)
    shown = wiki_page(note, settings.wiki_engine, settings.wiki_clean_urls).text  # what the page shows
    lines = [
        dataclasses.replace(u, text=width_fold(u.text))
        for i, chunk in enumerate(chunks) for u in line_units(chunk, first + i, shown.lines, shown.captions)
    ]
    passages = note_passages(note, chunks, first, settings.max_chunk_lines, min(PASSAGE_TOKENS, budget),
                             count_tokens, settings.wiki_engine)
    units = NoteUnits(chunks, [c.embed_text for c in chunks], lines, passages)
    size = max(sum(map(len, note.lines)) + len(note.lines), MIN_NOTE_CHARS)
    if units.embedded_chars <= AMPLIFICATION * size:
        return units
    log.warning("%s: its headings would be repeated in %d characters of text to embed (over %dx the note); "
                "embedding it without heading labels", note.source, units.embedded_chars, AMPLIFICATION)
    owner = {u.line: chunks[u.chunk - first] for u in lines}
    return NoteUnits(
        chunks,
        [_unlabelled(c.embed_text, width_fold(path_label(c.heading_path)), "\n") for c in chunks],
        [dataclasses.replace(u, text=_unlabelled(u.text, width_fold(owner[u.line].heading_path[-1]), ": ")) for u in lines],
        [(p, _unlabelled(t, t.split("\n", 1)[0], "\n")) for p, t in passages],
    )


@dataclass(frozen=True)
class BuildReport:
    status: str  # "built" or "up-to-date"
    n_notes: int
    n_chunks: int
    n_embedded: int  # model inputs run: texts embedded (a line's code from its own pass) or coded alone
    seconds: float
    path: Path
    # Per stage of a build, (wall seconds, CPU seconds of the whole process) (_Stages);
    # empty when up to date. The bench reports where a from-scratch build's time goes.
    stages: dict = dataclasses.field(default_factory=dict)


class _Stages:
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


def _cannot_write(index_dir: Path, exc: BaseException) -> IndexWriteError:
    text = str(exc).strip()
    reason = getattr(exc, "strerror", None) or (text.splitlines()[0] if text else exc.__class__.__name__)
    return IndexWriteError(
        f"cannot write the index in {index_dir} ({reason}); the previous index is unchanged"
    )


@contextmanager
def build_lock(index_dir: Path, wait: bool = True):
    """Hold an exclusive lock on the index folder for the duration of a build.

    Raises IndexWriteError when the folder cannot be written (the lock file is the first
    write), BuildInProgressError when another build holds it and `wait` is False."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        handle = open(index_dir / "build.lock", "a")
    except OSError as exc:
        raise _cannot_write(index_dir, exc) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise BuildInProgressError(f"another build of {index_dir} is running") from None
            log.warning("another build of %s is running; waiting for it to finish", index_dir)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def chunk_token_budget(settings: Settings, embedder: Embedder) -> int:
    """Tokens a chunk may hold: the model's window less room for the prefix and special
    tokens, or the configured cap when smaller."""
    window = embedder.max_tokens - 16
    return window if settings.max_chunk_tokens is None else min(settings.max_chunk_tokens, window)


def is_current(manifest: store.Manifest, embedder: Embedder, settings: Settings, corpus: dict) -> bool:
    """True when an index was built from exactly this corpus with this model and chunking."""
    return (
        manifest.format_version == store.FORMAT_VERSION
        and manifest.embedder == embedder.name
        and manifest.dim == embedder.dim
        and manifest.chunking == chunking_settings(settings)
        and manifest.corpus == corpus
    )


def text_hash(text: str) -> str:
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


def _up_to_date(settings: Settings, embedder: Embedder, n_notes: int, corpus: dict, started: float) -> BuildReport | None:
    """A report when the current index matches the notes, else None; reads only."""
    version = store.current_version(settings.index_dir)
    if version is None:
        return None
    try:
        manifest = store.verify(version)
    except IndexStaleError:
        return None  # an index of an older format: build a fresh one
    # A damaged index (IndexCorruptError) is reported, not silently replaced: the
    # user learns about it and rebuilds with --rebuild (cheap: the cache survives).
    if not is_current(manifest, embedder, settings, corpus):
        return None
    return BuildReport("up-to-date", n_notes, manifest.n_chunks, 0, time.perf_counter() - started, version)


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


def _embed_all(settings: Settings, embedder: Embedder, chunks, chunk_texts, lines, passages, progress: bool,
               stages: _Stages | None = None):
    """(vectors of chunks + lines + passages, line terms, model inputs run) through the
    embedding cache, with one progress bar (in input characters) for the whole stage. A
    damaged cache is set aside and the work redone once with a fresh one; any other cache
    failure (full disk, read-only) is an IndexWriteError."""
    from tqdm import tqdm

    path = settings.index_dir / "cache.sqlite"
    for attempt in (1, 2):
        plan = _plan(embedder, chunks, chunk_texts, lines, passages)
        try:
            cache = EmbeddingCache(path, embedder.name, embedder.dim)
            try:
                total = _work_chars(plan, cache)
                with tqdm(total=total, desc="embedding", unit="char", unit_scale=True,
                          disable=not progress or not total, file=sys.stderr) as bar:
                    stages = stages or _Stages()
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
                    raise _cannot_write(settings.index_dir, move_error) from None
                log.warning("the embedding cache %s was damaged (%s); set it aside as %s and rebuilt it",
                            path, exc, aside.name)
                continue
            raise _cannot_write(settings.index_dir, exc) from None
        except OSError as exc:
            raise _cannot_write(settings.index_dir, exc) from None
    raise AssertionError("unreachable")


def _work_chars(plan: _Plan, cache: EmbeddingCache) -> int:
    """The progress bar's total: input characters of every text not cached."""
    have = {k for k, _ in cache.iter_many(list(set(plan.keys)))}
    alone = {k: t for k, t in zip(plan.keys, plan.texts) if k not in have}
    if plan.line_pass:  # a line with its vector cached may still lack its code
        no_code = set(cache.missing_terms(plan.code_keys, TERMS_VERSION))
        alone.update({k: t for k, c, t in zip(plan.keys[plan.lines_at], plan.code_keys, plan.texts[plan.lines_at]) if c in no_code})
    elif plan.code_keys:
        no_code = set(cache.missing_terms(plan.code_keys, TERMS_VERSION))
        alone.update({"code" + c: t for c, t in zip(plan.code_keys, plan.texts[plan.lines_at]) if c in no_code})
    return sum(min(len(t), WINDOW_CHARS) for t in alone.values())


def build_index(
    settings: Settings, embedder: Embedder | None = None, rebuild: bool = False, progress: bool = True,
    wait: bool = True,
) -> BuildReport:
    """Build or update the index in settings.index_dir; returns what was done.

    An up-to-date index is checked without any write (no lock file), so a read-only index
    folder serves. Raises CorpusError (no notes), IndexCorruptError (damaged current index;
    --rebuild), IndexWriteError (cannot write: the previous index is unchanged) and, with
    `wait` False, BuildInProgressError when another build holds the lock."""
    started = time.perf_counter()
    embedder = embedder or load_embedder(settings.model, settings.query_prefix, settings.passage_prefix)
    notes = load_notes(settings.corpus_dir)
    corpus = {n.source: n.sha256 for n in notes}
    if not rebuild:
        report = _up_to_date(settings, embedder, len(notes), corpus, started)
        if report:
            return report
    with build_lock(settings.index_dir, wait):
        if not rebuild:  # another build may have finished while we waited for the lock
            report = _up_to_date(settings, embedder, len(notes), corpus, started)
            if report:
                return report
        return _build(settings, embedder, notes, corpus, progress, started)


def _build(settings: Settings, embedder: Embedder, notes, corpus: dict, progress: bool, started: float) -> BuildReport:
    """Chunk, embed and save a new version (the caller holds the build lock)."""
    chunks, chunk_texts, lines, passages = [], [], [], []
    budget = chunk_token_budget(settings, embedder)
    stages = _Stages()
    with stages("chunks, lines, passages planned"):
        for note in notes:
            # Chunks and passages split the same lines: count each line's tokens once.
            count_tokens = functools.lru_cache(maxsize=None)(embedder.count_tokens)
            units = note_units(note, len(chunks), settings, budget, count_tokens)
            chunks += units.chunks
            chunk_texts += units.chunk_texts
            lines += units.lines
            passages += units.passages
    if not chunks:
        raise CorpusError(f"the notes in {settings.corpus_dir} have no text to index; add some content")
    # BM25 before the vectors exist: its indexing briefly holds every chunk's tokens
    # (~600 MB at 100x the notes).
    with stages("BM25"):
        lexical = LexicalIndex(chunk_texts)
    lines_at = slice(len(chunks), len(chunks) + len(lines))  # vectors: chunks, lines, passages
    vectors, line_terms, n_encoded = _embed_all(settings, embedder, chunks, chunk_texts, lines, passages, progress, stages)
    manifest = store.Manifest(
        format_version=store.FORMAT_VERSION,
        embedder=embedder.name,
        dim=embedder.dim,
        chunking=chunking_settings(settings),
        corpus=corpus,
        built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        n_chunks=len(chunks),
        index_type="",
        checksums={},
    )
    try:
        contents = store.IndexContents(
            chunks, vectors[: len(chunks)], lines, vectors[lines_at], [p for p, _ in passages],
            vectors[lines_at.stop :], line_terms, lexical,
        )
        with stages("saved (FAISS, files)"):
            path = store.save(settings.index_dir, contents, manifest)
    except (OSError, RuntimeError) as exc:  # faiss reports a failed write as RuntimeError
        raise _cannot_write(settings.index_dir, exc) from None
    return BuildReport("built", len(notes), len(chunks), n_encoded, time.perf_counter() - started, path, stages.times)
