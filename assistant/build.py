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
import logging
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import store
from .chunking import chunk_note, path_label
from .config import Settings
from .embedding import Embedder
from .encode import Stages, embed_all, write_error
from .errors import AssistantError, BuildInProgressError, CorpusError, IndexInUseError, IndexStaleError, IndexWriteError
from .lexical import LexicalIndex
from .lines import TableHeaders, line_units
from .paragraphleads import paragraph_leads
from .notes import load_notes
from .wiki.published import published_notes
from .wiki.site import read_site_config
from .passages import PASSAGE_TOKENS, note_passages
from .profiles import load_embedder
from .store import chunking_settings
from .termsafe import terminal_safe
from .textnorm import width_fold
from .cite import page_source_for, pages_dir_for
from .wiki import HugoSections, hugo_sections, wiki_page

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
        """Characters of text the build embeds for this note (chunks, lines, passages)."""
        return sum(map(len, self.chunk_texts)) + sum(len(u.text) for u in self.lines) + sum(len(t) for _, t in self.passages)


def _unlabelled(text: str, label: str, separator: str) -> str:
    return text[len(label) + len(separator):] if text.startswith(label + separator) else text


def note_units(note, first: int, settings: Settings, budget: int, count_tokens,
               sections: HugoSections | None = None) -> NoteUnits:
    """Chunks, answer lines and passages of one note (chunk ids start at `first`), keeping
    the text to embed within AMPLIFICATION x the note's size (see there). `sections`: a Hugo
    site's section slugs (wiki.hugo_sections over the published notes; None: none)."""
    # A translation's page: a Docusaurus locale's copy in its locale's folder, MkDocs' `page.en.md` at /en/page/
    pages_dir, moved = pages_dir_for(settings, note.source), page_source_for(settings, note.source)
    chunks = chunk_note(note, settings.max_chunk_lines, budget, count_tokens, settings.wiki_engine, settings.wiki_clean_urls,
                        settings.wiki_languages, pages_dir, settings.wiki_permalinks, settings.wiki_mkdocs, sections, moved)
    shown = wiki_page(note, settings.wiki_engine, settings.wiki_clean_urls, settings.wiki_languages,
                      pages_dir, settings.wiki_permalinks, settings.wiki_mkdocs, sections, moved).text  # what the page shows
    tables = TableHeaders(shown.lines)  # one per note: its chunks share its tables and leads
    leads = paragraph_leads(shown.lines, 1, len(shown.lines))[0]
    lines = [
        dataclasses.replace(u, text=width_fold(u.text))
        for i, chunk in enumerate(chunks)
        for u in line_units(chunk, first + i, shown.lines, shown.captions, note.lines, tables, leads)
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
    """What a build did: `build_index` returns it and the CLI prints it."""

    status: str  # "built" or "up-to-date"
    n_notes: int
    n_chunks: int
    n_embedded: int  # model inputs run: texts embedded (a line's code from its own pass) or coded alone
    seconds: float
    path: Path
    # Per stage of a build, (wall seconds, CPU seconds of the whole process) (encode.Stages);
    # empty when up to date. The bench reports where a from-scratch build's time goes.
    stages: dict = dataclasses.field(default_factory=dict)


@contextmanager
def build_lock(index_dir: Path, wait: bool = True):
    """Hold an exclusive lock on the index folder for the duration of a build.

    Raises IndexWriteError when the folder cannot be written (the lock file is the first
    write), BuildInProgressError when another build holds it and `wait` is False."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        handle = open(index_dir / "build.lock", "a")
    except OSError as exc:
        raise write_error(index_dir, exc) from None
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


def index_difference(manifest: store.Manifest, embedder: Embedder, settings: Settings, corpus: dict) -> str:
    """What sets an index apart from these notes and settings, as words ("with model X, not
    Y and with other settings (wiki_engine)"); "" when it is current (is_current)."""
    parts = []
    if manifest.embedder != embedder.name or manifest.dim != embedder.dim:
        parts.append(f"with model {manifest.embedder}, not {embedder.name}")
    wanted = chunking_settings(settings)
    changed = sorted(k for k in {*manifest.chunking, *wanted} if manifest.chunking.get(k) != wanted.get(k))
    if "wiki_engine" in changed:  # an engine's own record (Hugo's languages, Jekyll's permalinks) follows it
        changed = [k for k in changed if k == "wiki_engine" or (k in manifest.chunking and k in wanted)]
    if changed:
        parts.append(f"with other settings ({', '.join(changed)})")
    if manifest.corpus != corpus:
        parts.append(f"from other notes than those now in {settings.corpus_dir}")
    if manifest.format_version != store.FORMAT_VERSION:
        parts.append("in an older format")
    return " and ".join(parts)


def _other_model(version, embedder: Embedder) -> str | None:
    """The model the index in `version` was built with when it is not `embedder`'s; None when
    it is, or when its manifest cannot be read (a build replaces it either way)."""
    try:
        built_with = store.read_manifest(version).embedder
    except AssistantError:
        return None
    return built_with if built_with != embedder.name else None


def _refuse_other_index(settings: Settings, embedder: Embedder, corpus: dict) -> None:
    """Raise IndexInUseError when settings.index_dir holds an index that is not current for
    these notes and settings (a build would replace it); nothing when it holds none."""
    version = store.current_version(settings.index_dir)
    if version is None:
        return
    try:
        differs = index_difference(store.verify(version), embedder, settings, corpus)
    except IndexStaleError:
        differs = "in an older format"
    if differs:
        raise IndexInUseError(
            f"{settings.index_dir} holds an index built {differs}; it is not replaced: give this command "
            "its own folder with --index-dir, or, if that index should follow these notes and settings, "
            "update it first with `python -m assistant index` and the same options",
            difference=differs,
        )


def build_index(
    settings: Settings, embedder: Embedder | None = None, rebuild: bool = False, progress: bool = True,
    wait: bool = True, replace_other: bool = True, on_progress: Callable[[int, int], None] | None = None,
) -> BuildReport:
    """Build or update the index in settings.index_dir; returns what was done.

    An up-to-date index is checked without any write (no lock file), so a read-only index
    folder serves. Raises CorpusError (no notes), IndexCorruptError (damaged current index;
    --rebuild), IndexWriteError (cannot write: the previous index is unchanged), with
    `wait` False, BuildInProgressError when another build holds the lock and, with
    `replace_other` False, IndexInUseError instead of replacing an index of other notes or
    settings (eval over a folder it was given: a user's index is never rebuilt behind their back).
    `on_progress(done, total)`: input characters embedded so far, after each batch of model
    calls (encode.embed_all); what it raises (errors.BuildCancelled) ends the build unwritten."""
    started = time.perf_counter()
    if settings.index_dir.exists() and not settings.index_dir.is_dir():
        # Said before any work: the write failed after the notes were read as "File exists;
        # the previous index is unchanged" where there was none (a wiki owner, 2026-12-06).
        raise IndexWriteError(f"cannot write the index in {settings.index_dir}: it is a file, not a folder; "
                              "pass --index-dir a folder (it is made when missing)")
    embedder = embedder or load_embedder(settings.model, settings.query_prefix, settings.passage_prefix)
    # Notes the wiki does not publish (drafts, `published: false`, `_private.md`, Jekyll's
    # `exclude`) are not indexed.
    every_note = load_notes(settings.corpus_dir)
    # Which notes were left out is said when the index is built, not on every question of an
    # up-to-date one (a fresh user read the same warning on each `ask` for a README they had
    # excluded on purpose).
    left_out: list[str] = []
    notes = published_notes(every_note, settings.wiki_engine, read_site_config(settings.corpus_dir),
                            settings.wiki_pages_dir, said=left_out)
    if not notes and settings.wiki_pages_dir and not any(
            n.source.startswith(settings.wiki_pages_dir + "/") for n in every_note):
        raise CorpusError(f"no notes in {settings.corpus_dir / settings.wiki_pages_dir}, the folder the site's pages come "
                          f"from ({read_site_config(settings.corpus_dir).source})")
    if not notes:
        mdx = all(n.source.lower().endswith(".mdx") for n in every_note)  # a Docusaurus site read as another
        raise CorpusError(f"every note in {settings.corpus_dir} is a draft or unpublished for the {settings.wiki_engine} wiki"
                          + ("; .mdx pages are Docusaurus': pass --wiki-engine docusaurus" if mdx else ""))
    corpus = {n.source: n.sha256 for n in notes}
    if not rebuild:
        report = _up_to_date(settings, embedder, len(notes), corpus, started)
        if report:
            return report
        if not replace_other:
            _refuse_other_index(settings, embedder, corpus)
    with build_lock(settings.index_dir, wait):
        if not rebuild:  # another build may have finished while we waited for the lock
            report = _up_to_date(settings, embedder, len(notes), corpus, started)
            if report:
                return report
            if not replace_other:
                _refuse_other_index(settings, embedder, corpus)
        for message in left_out:
            log.warning("%s", message)
        return _build(settings, embedder, notes, corpus, progress, started, on_progress)


def _build(settings: Settings, embedder: Embedder, notes, corpus: dict, progress: bool, started: float,
           on_progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """Chunk, embed and save a new version (the caller holds the build lock)."""
    previous = store.current_version(settings.index_dir)
    if progress and previous is None:  # a mistyped --index-dir must not pass unnoticed
        print(terminal_safe(f"no index in {settings.index_dir} yet: building it from the {len(notes)} notes in "
                            f"{settings.corpus_dir} (once; later runs reuse it)"), file=sys.stderr, flush=True)
    elif progress and (other := _other_model(previous, embedder)):
        # Another model's index is replaced, and a server answering from it keeps its old
        # version (status "degraded"): asked with another --model, a fresh user saw 45 s
        # pass silently and their server degrade.
        print(terminal_safe(f"{settings.index_dir} holds an index built with model {other}: building one with "
                            f"--model {settings.model} replaces it (give each model its own folder with --index-dir to "
                            "keep both)"), file=sys.stderr, flush=True)
    chunks, chunk_texts, lines, passages = [], [], [], []
    budget = chunk_token_budget(settings, embedder)
    stages = Stages()
    # A Hugo section's slug names the folder in every URL below it: read from all the notes.
    sections = hugo_sections(notes, settings.wiki_languages, settings.wiki_pages_dir) if settings.wiki_engine == "hugo" else None
    with stages("chunks, lines, passages planned"):
        for note in notes:
            # Chunks and passages split the same lines: count each line's tokens once.
            count_tokens = functools.lru_cache(maxsize=None)(embedder.count_tokens)
            units = note_units(note, len(chunks), settings, budget, count_tokens, sections)
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
    vectors, line_terms, n_encoded = embed_all(settings, embedder, chunks, chunk_texts, lines, passages, progress, stages,
                                               on_progress)
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
        raise write_error(settings.index_dir, exc) from None
    return BuildReport("built", len(notes), len(chunks), n_encoded, time.perf_counter() - started, path, stages.times)
