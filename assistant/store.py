"""The index on disk: FAISS vectors + chunks.jsonl + manifest.json, saved atomically.

Layout of the index folder:

    index/
      current -> v-<time>-<id>/   symlink, swapped atomically when a build finishes
      v-<time>-<id>/index.faiss, chunks.jsonl, manifest.json
                    lines.faiss, lines.jsonl      answer-line vectors (lines.py)
                    passages.faiss, passages.jsonl  shorter pieces of chunks (passages.py)
                    line_terms.npz                latent-term codes of the answer lines (terms.py)
                    bm25/                         BM25 over the chunks (lexical.py)
      cache.sqlite                embedding cache (cache.py), shared by builds
      build.lock                  held while a build runs

A reader resolves `current` once and reads one version directory, so a build that swaps in
a new version never shows it half an index. The manifest records checksums of the other
files; loading verifies them and raises a named error instead of returning wrong results.
No pickle anywhere. What this leaves out: deciding what to build (build.py).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .chunking import Chunk
from .config import Settings
from .wiki.jekyll import JekyllUrls
from .wiki.mkdocsmarkdown import MkdocsMarkdown
from .lines import LINE_PASS_VERSION, UNIT_VERSION, LineUnit
from .passages import PASSAGE_TOKENS, Passage
from .lexical import BM25_FILES, TOKENIZER_VERSION, LexicalIndex
from .terms import TERMS_VERSION, TermMatrix
from .errors import IndexCorruptError, IndexMissingError, IndexStaleError
from .vectors import FaissIndex, VectorIndex

FORMAT_VERSION = 13  # 13: an indented block's body (MkDocs' `!!! note`) is shown unindented, as text, in every chunk of it; 12: under Jekyll a definition after "^", an attribute list or a heading is one, and over "---" only after a block boundary is it a heading; 11: under Jekyll footnote definitions span what kramdown reads (a definition in another's lazy lines is part of it; lazy lines end at a block HTML tag, "^", an attribute list; ASCII labels and blanks; none over a setext underline); 10: a footnote cited only in a code span, an HTML block or escaped is not cited there; 9: under Jekyll a footnote definition ends as kramdown ends it (its line and indented lines); 8: a footnote definition ends with its paragraph; 7: a footnote definition is chunked with the section citing it; 6: a folder README is its folder's page (GitHub Pages); 5: chunks carry their chapter
CURRENT = "current"


def chunking_settings(settings: Settings) -> dict:
    """What shaped the index's contents besides the model, as recorded in the manifest: an
    index whose record differs from the running settings is stale and is rebuilt."""
    # A Hugo site's languages move its pages (about.ja.md -> /ja/about/) and page paths are
    # stored: recorded for Hugo only, so an index of a Hugo wiki built before the record existed
    # (its about.ja.md at /about.ja/) is rebuilt, and no other wiki's index is.
    hugo = {"wiki_languages": settings.wiki_languages.record() if settings.wiki_languages else None}
    # Recorded only when set, for the same reason: no index built before the record is rebuilt.
    pages = {"wiki_pages_dir": settings.wiki_pages_dir} if settings.wiki_pages_dir else {}
    # Recorded for Jekyll only: posts and collections moved from their file paths to Jekyll's
    # URLs, so each Jekyll wiki's index is rebuilt once, and no other wiki's is.
    jekyll = {"wiki_permalinks": (settings.wiki_permalinks or JekyllUrls()).record()} \
        if settings.wiki_engine in ("jekyll", "kramdown") else {}
    # Recorded only when an MkDocs site sets heading settings: its ids (in every stored
    # citation) follow them; no index built before the record is rebuilt.
    mkdocs = {"wiki_mkdocs": settings.wiki_mkdocs.record()} \
        if settings.wiki_engine == "mkdocs" and settings.wiki_mkdocs and settings.wiki_mkdocs != MkdocsMarkdown() else {}
    # Recorded for Docusaurus only: its h1 is cited without the id its theme never renders
    # (wiki/headings.py), so each Docusaurus wiki's index is rebuilt once, and no other wiki's is.
    docusaurus = {"h1_id": False} if settings.wiki_engine == "docusaurus" else {}
    # A site's languages move its pages (a Docusaurus locale's copies, MkDocs' i18n plugin):
    # recorded only when set, so no index of another site is rebuilt.
    translations = {"translations": settings.wiki_translations.record()} if settings.wiki_translations else {}
    return {
        "max_lines": settings.max_chunk_lines,
        "max_tokens": settings.max_chunk_tokens,
        "wiki_engine": settings.wiki_engine,
        "wiki_clean_urls": settings.wiki_clean_urls,
        "line_units": UNIT_VERSION,
        "passage_tokens": PASSAGE_TOKENS,
        "line_terms": TERMS_VERSION,
        "line_pass": LINE_PASS_VERSION,
        "lexical": TOKENIZER_VERSION,  # lexical.tokenize: BM25 terms of an older index differ
        "page_text": 12,  # wiki/shown.py: what is embedded and indexed is the text the page shows (12: a Docusaurus tab shows its label; 11: Docusaurus hides MDX import/export; 10: also MkDocs' alert marker; 9: kramdown's alert marker escaped, shown as text; 8: an alert marker kept, a caption; 2: tags' arguments; 3: link's; 4: not when/elsif's; 5: TOML front matter, Hugo; 6: a Hugo ref's path; 7: code spans paired as CommonMark pairs them, GitHub wiki links)
        **(hugo if settings.wiki_engine == "hugo" else {}),
        **pages,
        **jekyll,
        **docusaurus,
        **translations,
        **mkdocs,
    }


@dataclass(frozen=True)
class Manifest:
    """manifest.json of a version folder: what the index was built from and with."""

    format_version: int
    embedder: str
    dim: int
    chunking: dict  # the settings that shaped the chunks (lines, tokens, anchor style)
    corpus: dict  # source -> sha256 of the note file
    built_at: str
    n_chunks: int
    index_type: str  # e.g. 'chunks:flat lines:hnsw passages:flat' (filled in by save)
    checksums: dict  # file name -> sha256 (filled in by save)


@dataclass(frozen=True)
class IndexContents:
    """What a build hands to `save`: records and their float32[n, dim] unit vectors, row for row."""

    chunks: list[Chunk]
    chunk_vectors: np.ndarray
    lines: list[LineUnit]
    line_vectors: np.ndarray
    passages: list[Passage]
    passage_vectors: np.ndarray
    line_terms: TermMatrix  # a row per answer line (no columns for a backend without terms)
    lexical: LexicalIndex  # BM25 over the chunks' texts


@dataclass(frozen=True)
class StoredIndex:
    """What `load` returns: the same contents, vectors behind `VectorIndex`."""

    path: Path  # the version directory it was read from
    manifest: Manifest
    chunks: list[Chunk]
    chunk_vectors: VectorIndex
    lines: list[LineUnit]
    line_vectors: VectorIndex
    passages: list[Passage]
    passage_vectors: VectorIndex
    line_terms: TermMatrix
    lexical: LexicalIndex


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# (vectors, records) file names per kind of unit, in the order save() takes them.
UNIT_FILES = (("index.faiss", "chunks.jsonl"), ("lines.faiss", "lines.jsonl"), ("passages.faiss", "passages.jsonl"))
TERMS_FILE = "line_terms.npz"
BM25_DIR = "bm25"
DATA_FILES = (*(name for pair in UNIT_FILES for name in pair), TERMS_FILE, *(f"{BM25_DIR}/{f}" for f in BM25_FILES))


def _write_jsonl(path: Path, records) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(dataclasses.asdict(record), ensure_ascii=False) + "\n")


def save(index_dir: Path, contents: IndexContents, manifest: Manifest) -> Path:
    """Write a new version directory, then point `current` at it in one atomic step; returns
    its path. Raises OSError or RuntimeError (FAISS) when it cannot write; nothing is left
    half-written."""
    index_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S")
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-v-{stamp}-", dir=index_dir))
    try:
        units = (
            ("chunks", contents.chunks, contents.chunk_vectors),
            ("lines", contents.lines, contents.line_vectors),
            ("passages", contents.passages, contents.passage_vectors),
        )
        kinds = []
        for (name, records, vectors), (vectors_file, records_file) in zip(units, UNIT_FILES):
            index = FaissIndex.build(vectors)
            index.save(tmp / vectors_file)
            kinds.append(f"{name}:{index.kind}")
            _write_jsonl(tmp / records_file, records)
        contents.line_terms.save(tmp / TERMS_FILE)
        contents.lexical.save(tmp / BM25_DIR)
        manifest = dataclasses.replace(
            manifest, index_type=" ".join(kinds), checksums={name: _sha256(tmp / name) for name in DATA_FILES}
        )
        (tmp / "manifest.json").write_text(json.dumps(dataclasses.asdict(manifest), indent=2, ensure_ascii=False))
        for name in (*DATA_FILES, "manifest.json"):
            with open(tmp / name, "rb") as f:
                os.fsync(f.fileno())
        final = index_dir / tmp.name.removeprefix(".tmp-")
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    link = index_dir / f".{CURRENT}.{os.getpid()}"
    if link.is_symlink():
        link.unlink()
    os.symlink(final.name, link)
    os.replace(link, index_dir / CURRENT)
    _remove_old_versions(index_dir, keep={final.name})
    return final


def _remove_old_versions(index_dir: Path, keep: set[str], grace_seconds: float = 60.0) -> None:
    """Delete superseded versions once no reader can still be opening them."""
    now = time.time()
    for entry in index_dir.iterdir():
        stale_tmp = entry.name.startswith(".tmp-v-") and now - entry.stat().st_mtime > 3600
        old = entry.name.startswith("v-") and entry.name not in keep and now - entry.stat().st_mtime > grace_seconds
        if entry.is_dir() and not entry.is_symlink() and (old or stale_tmp):
            shutil.rmtree(entry, ignore_errors=True)


def current_version(index_dir: Path) -> Path | None:
    """The version directory `current` points at, or None when there is no index."""
    link = index_dir / CURRENT
    try:
        return index_dir / os.readlink(link)
    except OSError:
        return None


def read_manifest(version: Path) -> Manifest:
    """The manifest of a version folder, unverified. Raises IndexStaleError for another
    format version, IndexCorruptError for an unreadable file."""
    try:
        data = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("checksums"), dict):
            raise ValueError("manifest.json is not a manifest object")
        if data.get("format_version") != FORMAT_VERSION:
            raise IndexStaleError(
                f"index at {version.parent} has format {data.get('format_version')!r}, "
                f"this version reads {FORMAT_VERSION}; run `python -m assistant index`"
            )
        return Manifest(**data)
    except (OSError, ValueError, TypeError, RecursionError, MemoryError) as exc:  # RecursionError: '['*20000
        raise IndexCorruptError(
            f"index manifest in {version} is unreadable ({exc.__class__.__name__}); "
            "run `python -m assistant index --rebuild`"
        ) from None


# Version directories are written once and never changed in place, so a check that passed
# stays valid while the files keep their size and mtime: start-up (build's up-to-date check,
# then load) hashes a large index once, not twice.
_verified: dict[tuple, Manifest] = {}


def _stat_key(version: Path) -> tuple | None:
    try:
        stats = [(version / name).stat() for name in (*DATA_FILES, "manifest.json")]
    except OSError:
        return None
    return (str(version.resolve()), *((st.st_size, st.st_mtime_ns, st.st_ino) for st in stats))


def verify(version: Path) -> Manifest:
    """The manifest of a version whose data files all match their recorded checksums."""
    key = _stat_key(version)
    if key is not None and key in _verified:
        return _verified[key]
    manifest = read_manifest(version)
    for name in DATA_FILES:
        if not (version / name).is_file() or _sha256(version / name) != manifest.checksums.get(name):
            raise IndexCorruptError(
                f"index file {version / name} is missing or damaged (checksum mismatch); "
                "run `python -m assistant index --rebuild`"
            )
    if key is not None:
        if len(_verified) > 16:  # a long-running server rebuilds on every edit
            _verified.clear()
        _verified[key] = manifest
    return manifest


def load(index_dir: Path) -> StoredIndex:
    """Read and verify the current index. Raises IndexMissingError, IndexStaleError (another
    format version) or IndexCorruptError (a file missing, damaged or inconsistent)."""
    version = current_version(index_dir)
    if version is None or not version.is_dir():
        raise IndexMissingError(f"no index in {index_dir}; run `python -m assistant index` to build it")
    manifest = verify(version)
    try:
        with open(version / "chunks.jsonl", encoding="utf-8") as f:
            chunks = [_chunk_from_json(json.loads(line)) for line in f]
        with open(version / "lines.jsonl", encoding="utf-8") as f:
            lines = [LineUnit(**json.loads(line)) for line in f]
        with open(version / "passages.jsonl", encoding="utf-8") as f:
            passages = [_passage_from_json(json.loads(line)) for line in f]
        vectors = FaissIndex.load(version / "index.faiss")
        line_vectors = FaissIndex.load(version / "lines.faiss")
        passage_vectors = FaissIndex.load(version / "passages.faiss")
        line_terms = TermMatrix.load(version / TERMS_FILE)
        lexical = LexicalIndex.load(version / BM25_DIR)
    except (OSError, ValueError, TypeError, KeyError, RuntimeError, zipfile.BadZipFile) as exc:
        raise IndexCorruptError(
            f"index in {version} cannot be read ({exc.__class__.__name__}); run `python -m assistant index --rebuild`"
        ) from None
    consistent = (
        vectors.size == len(chunks) == manifest.n_chunks
        and line_vectors.size == len(lines)
        and passage_vectors.size == len(passages)
        and line_terms.n_rows == len(lines)
        and lexical.size == len(chunks)
        and vectors.dim == line_vectors.dim == passage_vectors.dim == manifest.dim
        and all(0 <= unit.chunk < len(chunks) for unit in lines)
        and all(0 <= c < len(chunks) for p in passages for c in p.chunks)
    )
    if not consistent:
        raise IndexCorruptError(
            f"index in {version} is inconsistent ({vectors.size} vectors, {len(chunks)} chunks); "
            "run `python -m assistant index --rebuild`"
        )
    return StoredIndex(version, manifest, chunks, vectors, lines, line_vectors, passages, passage_vectors, line_terms, lexical)


def _passage_from_json(data: dict) -> Passage:
    data["chunks"] = tuple(data["chunks"])
    return Passage(**data)


def _chunk_from_json(data: dict) -> Chunk:
    data["heading_path"] = tuple(data["heading_path"])
    return Chunk(**data)
