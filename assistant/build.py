"""Corpus -> index: chunk every note, embed what the cache lacks, save atomically.

An up-to-date index (same corpus bytes, embedder and chunking settings) is left alone, so
a rebuild after no change costs only reading and hashing the notes. A build holds a file
lock, so two builds never interleave, and every embedded batch goes to the cache at once,
so an interrupted build resumes where it stopped.
"""
from __future__ import annotations

import fcntl
import functools
import hashlib
import logging
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import store
from .cache import EmbeddingCache
from .chunking import chunk_note
from .config import Settings
from .embedding import Embedder, load_embedder
from .errors import CorpusError, IndexStaleError
from .lexical import LexicalIndex
from .lines import UNIT_VERSION, line_units
from .notes import load_notes
from .passages import PASSAGE_TOKENS, note_passages
from .terms import TERMS_VERSION, TermMatrix

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildReport:
    status: str  # "built" or "up-to-date"
    n_notes: int
    n_chunks: int
    n_embedded: int  # texts (chunks, answer lines, passages, line terms) that went through the model
    seconds: float
    path: Path


@contextmanager
def build_lock(index_dir: Path):
    """Hold an exclusive lock on the index folder for the duration of a build."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / "build.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning("another build of %s is running; waiting for it to finish", index_dir)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def chunking_settings(settings: Settings) -> dict:
    return {
        "max_lines": settings.max_chunk_lines,
        "max_tokens": settings.max_chunk_tokens,
        "wiki_engine": settings.wiki_engine,
        "wiki_clean_urls": settings.wiki_clean_urls,
        "line_units": UNIT_VERSION,
        "passage_tokens": PASSAGE_TOKENS,
        "line_terms": TERMS_VERSION,
        "lexical": "nfkc-1",  # textnorm.match_form: BM25 terms of an older index differ
    }


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


def _embed_missing(
    texts: list[str], hashes: list[str], embedder: Embedder, cache: EmbeddingCache, progress: bool
) -> tuple[np.ndarray, int]:
    """Vectors for all texts, embedding only those whose content hash is not cached. Each
    vector goes straight into its rows of the result: holding them all as separate arrays
    first (then stacking) cost ~400 MB more at the peak of a 100x build."""
    from tqdm import tqdm

    rows: dict[str, list[int]] = {}
    for i, key in enumerate(hashes):
        rows.setdefault(key, []).append(i)
    out = np.empty((len(texts), embedder.dim), dtype=np.float32)
    cached = set()
    for key, vector in cache.iter_many(list(rows)):
        out[rows[key]] = vector
        cached.add(key)
    todo = [(key, texts[at[0]]) for key, at in rows.items() if key not in cached]
    batch = 8
    with tqdm(total=len(todo), desc="embedding", unit="text", disable=not progress or not todo, file=sys.stderr) as bar:
        for i in range(0, len(todo), batch):
            part = todo[i : i + batch]
            vectors = embedder.embed_passages([text for _, text in part], batch_size=batch)
            cache.put_many(zip([key for key, _ in part], vectors))
            for (key, _), vector in zip(part, vectors):
                out[rows[key]] = vector
            bar.update(len(part))
    return out, len(todo)


def _terms_missing(
    texts: list[str], hashes: list[str], embedder: Embedder, cache: EmbeddingCache, progress: bool
) -> tuple[TermMatrix, int]:
    """Latent-term codes of the answer lines (terms.py), encoding only uncached ones; an
    empty matrix for a backend without terms. Every code goes through the cache, which
    assembles the matrix without holding one object per line."""
    from tqdm import tqdm

    if not embedder.terms_dim:
        return TermMatrix.from_codes([], 0, n_rows=len(texts)), 0
    missing = set(cache.missing_terms(hashes, TERMS_VERSION))
    todo = list({h: t for h, t in zip(hashes, texts) if h in missing}.items())
    batch = 64
    with tqdm(total=len(todo), desc="latent terms", unit="line", disable=not progress or not todo, file=sys.stderr) as bar:
        for i in range(0, len(todo), batch):
            part = todo[i : i + batch]
            codes = embedder.embed_terms([text for _, text in part])
            cache.put_terms(zip([h for h, _ in part], codes), TERMS_VERSION)
            bar.update(len(part))
    return TermMatrix(*cache.read_terms(hashes, TERMS_VERSION), embedder.terms_dim), len(todo)


def build_index(
    settings: Settings, embedder: Embedder | None = None, rebuild: bool = False, progress: bool = True
) -> BuildReport:
    """Build or update the index in settings.index_dir; returns what was done."""
    started = time.perf_counter()
    embedder = embedder or load_embedder(settings.model, settings.query_prefix, settings.passage_prefix)
    with build_lock(settings.index_dir):
        notes = load_notes(settings.corpus_dir)
        corpus = {n.source: n.sha256 for n in notes}
        version = store.current_version(settings.index_dir)
        if not rebuild and version is not None:
            try:
                manifest = store.verify(version)
                if is_current(manifest, embedder, settings, corpus):
                    elapsed = time.perf_counter() - started
                    return BuildReport("up-to-date", len(notes), manifest.n_chunks, 0, elapsed, version)
            except IndexStaleError:
                pass  # an index of an older format: build a fresh one below
            # A damaged index (IndexCorruptError) is reported, not silently replaced: the
            # user learns about it and rebuilds with --rebuild (cheap: the cache survives).
        chunks, lines, passages = [], [], []
        budget = chunk_token_budget(settings, embedder)
        for note in notes:
            first = len(chunks)
            # Chunks and passages split the same lines: count each line's tokens once.
            count_tokens = functools.lru_cache(maxsize=None)(embedder.count_tokens)
            for chunk in chunk_note(
                note, settings.max_chunk_lines, budget, count_tokens, settings.wiki_engine, settings.wiki_clean_urls
            ):
                lines += line_units(chunk, len(chunks), note.lines)
                chunks.append(chunk)
            passages += note_passages(
                note, chunks[first:], first, settings.max_chunk_lines, min(PASSAGE_TOKENS, budget),
                count_tokens, settings.wiki_engine,
            )
        if not chunks:
            raise CorpusError(f"the notes in {settings.corpus_dir} have no text to index; add some content")
        # BM25 before the vectors exist: its indexing briefly holds every chunk's tokens
        # (~600 MB at 100x the notes).
        lexical = LexicalIndex([c.embed_text for c in chunks])
        lines_at = slice(len(chunks), len(chunks) + len(lines))  # texts (and vectors): chunks, lines, passages
        cache = EmbeddingCache(settings.index_dir / "cache.sqlite", embedder.name, embedder.dim)
        try:
            texts = (
                [c.embed_text for c in chunks]
                + [u.text for u in lines]
                + [text for _, text in passages]
            )
            hashes = [text_hash(t) for t in texts]  # the lines' hashes also key their latent terms
            vectors, n_embedded = _embed_missing(texts, hashes, embedder, cache, progress)
            line_terms, n_encoded = _terms_missing(texts[lines_at], hashes[lines_at], embedder, cache, progress)
        finally:
            cache.close()
        manifest = store.Manifest(
            format_version=store.FORMAT_VERSION,
            embedder=embedder.name,
            dim=embedder.dim,
            chunking=chunking_settings(settings),
            corpus=corpus,
            built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            n_chunks=len(chunks),
            index_type=" ".join(
                f"{name}:{store.index_kind(n)}"
                for name, n in (("chunks", len(chunks)), ("lines", len(lines)), ("passages", len(passages)))
            ),
            checksums={},
        )
        path = store.save(
            settings.index_dir,
            store.Units(chunks, vectors[: len(chunks)]),
            store.Units(lines, vectors[lines_at]),
            store.Units([p for p, _ in passages], vectors[lines_at.stop :]),
            line_terms,
            lexical,
            manifest,
        )
        return BuildReport("built", len(notes), len(chunks), n_embedded + n_encoded, time.perf_counter() - started, path)
