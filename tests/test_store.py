"""Tests for assistant.store and assistant.cache: the index on disk, its checks, the cache."""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import time

import numpy as np
import pytest

from assistant import store
from assistant.build import build_index, chunk_token_budget
from assistant.cache import EmbeddingCache
from assistant.chunking import chunk_note
from assistant.embedding import HashEmbedder
from assistant.errors import IndexCorruptError, IndexWriteError, IndexMissingError, IndexStaleError
from assistant.lexical import LexicalIndex
from assistant.notes import load_notes
from assistant.retrieve import Searcher

QUESTIONS = ["S3 object size", "Lambda timeout 900 seconds", "SQS visibility timeout", "bullet two", "🚀 launch"]


def built(settings):
    report = build_index(settings, HashEmbedder(), progress=False)
    assert report.status == "built"
    return report


def results(searcher: Searcher) -> list:
    return [[(h.chunk, round(h.score, 9), h.url) for h in searcher.search(q, top_k=5).hits] for q in QUESTIONS]


# ----------------------------------------------------------------------------- round trip


def test_build_then_load_gives_the_chunks_that_were_built(fake_settings):
    report = built(fake_settings)

    loaded = store.load(fake_settings.index_dir)

    fake = HashEmbedder()
    budget = chunk_token_budget(fake_settings, fake)
    expected = [c for n in load_notes(fake_settings.corpus_dir) for c in chunk_note(n, 40, budget, fake.count_tokens)]
    assert loaded.chunks == expected
    assert loaded.path == report.path == store.current_version(fake_settings.index_dir)
    assert loaded.manifest.n_chunks == len(expected) == loaded.chunk_vectors.size
    assert loaded.manifest.embedder == "fake-hash" and loaded.manifest.dim == 64
    assert set(loaded.manifest.corpus) == {"aws.md", "sub/crlf.md", "sub/emoji.md", "sub/setext.md"}


def test_stored_vectors_are_the_embeddings_of_the_chunks(fake_settings):
    built(fake_settings)

    loaded = store.load(fake_settings.index_dir)

    stored = loaded.chunk_vectors.vectors()
    fresh = HashEmbedder().embed_passages([c.embed_text for c in loaded.chunks])
    np.testing.assert_allclose(stored, fresh, rtol=1e-6, atol=1e-6)


def test_search_results_survive_save_and_load(fake_settings, tmp_path):
    built(fake_settings)
    first = results(Searcher(fake_settings, HashEmbedder()))

    again = results(Searcher(fake_settings, HashEmbedder()))
    other = fake_settings.__class__(**{**fake_settings.__dict__, "index_dir": tmp_path / "other-index"})
    built(other)
    elsewhere = results(Searcher(other, HashEmbedder()))

    assert first == again == elsewhere
    assert all(hits for hits in first)


def test_unicode_chunks_round_trip_exactly(fake_settings):
    built(fake_settings)

    chunks = store.load(fake_settings.index_dir).chunks

    emoji = [c for c in chunks if c.source == "sub/emoji.md"]
    assert emoji[1].heading_path == ("Emoji 🚀 Note", "☁️ Cloud 🌧 Section")
    assert isinstance(emoji[1].heading_path, tuple)
    raw = (store.current_version(fake_settings.index_dir) / "chunks.jsonl").read_text(encoding="utf-8")
    assert "🚀" in raw  # stored as UTF-8 text, not escapes
    assert not list(fake_settings.index_dir.rglob("*.pkl")) and not list(fake_settings.index_dir.rglob("*.pickle"))


# ----------------------------------------------------------------------------- missing, stale, corrupt


def test_no_index_raises_index_missing(tmp_path):
    with pytest.raises(IndexMissingError, match="python -m assistant index"):
        store.load(tmp_path / "index")


def test_dangling_current_link_raises_index_missing(fake_settings):
    built(fake_settings)
    version = store.current_version(fake_settings.index_dir)
    shutil.rmtree(version)

    with pytest.raises(IndexMissingError):
        store.load(fake_settings.index_dir)


def test_index_of_another_format_version_is_stale(fake_settings):
    built(fake_settings)
    manifest = store.current_version(fake_settings.index_dir) / "manifest.json"
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "format_version": 999}))

    with pytest.raises(IndexStaleError, match="format"):
        store.load(fake_settings.index_dir)
    assert build_index(fake_settings, HashEmbedder(), progress=False).status == "built"
    store.load(fake_settings.index_dir)


def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _break_json_line(path):
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1][: len(lines[1]) // 2] + "\n"
    path.write_text("".join(lines), encoding="utf-8")


def _delete_line(path):
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:2] + lines[3:]), encoding="utf-8")


CORRUPTIONS = {
    "truncated-faiss": ("index.faiss", _truncate),
    "broken-chunks-jsonl": ("chunks.jsonl", _break_json_line),
    "deleted-chunk-line": ("chunks.jsonl", _delete_line),
    "broken-manifest": ("manifest.json", _truncate),
    "deleted-faiss": ("index.faiss", lambda p: p.unlink()),
    "truncated-line-terms": ("line_terms.npz", _truncate),
    "truncated-bm25-scores": ("bm25/data.csc.index.npy", _truncate),
    "deleted-bm25-vocabulary": ("bm25/vocab.index.json", lambda p: p.unlink()),
    "manifest-not-an-object": ("manifest.json", lambda p: p.write_text("[1, 2]")),
    "manifest-missing-field": ("manifest.json", lambda p: p.write_text(json.dumps({"format_version": store.FORMAT_VERSION, "checksums": {}}))),
    "manifest-checksums-not-a-dict": ("manifest.json", lambda p: p.write_text(json.dumps({**json.loads(p.read_text()), "checksums": []}))),
}


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_corrupt_index_raises_and_rebuild_fixes_it(fake_settings, name):
    built(fake_settings)
    good = results(Searcher(fake_settings, HashEmbedder()))
    filename, damage = CORRUPTIONS[name]
    damage(store.current_version(fake_settings.index_dir) / filename)

    with pytest.raises(IndexCorruptError, match="--rebuild"):
        store.load(fake_settings.index_dir)
    with pytest.raises(IndexCorruptError):
        Searcher(fake_settings, HashEmbedder())

    report = build_index(fake_settings, HashEmbedder(), rebuild=True, progress=False)
    assert report.status == "built" and report.n_embedded == 0  # vectors come from the cache
    assert results(Searcher(fake_settings, HashEmbedder())) == good


def _fix_checksums(version):
    manifest = json.loads((version / "manifest.json").read_text())
    manifest["checksums"] = {name: store._sha256(version / name) for name in manifest["checksums"]}
    (version / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize("name", ["truncated-faiss", "broken-chunks-jsonl", "deleted-chunk-line"])
def test_damage_with_matching_checksums_is_still_caught(fake_settings, name):
    """Checksums are the first line of defence; parsing and counts are the second."""
    built(fake_settings)
    version = store.current_version(fake_settings.index_dir)
    filename, damage = CORRUPTIONS[name]
    damage(version / filename)
    _fix_checksums(version)

    with pytest.raises(IndexCorruptError):
        store.load(fake_settings.index_dir)


def test_chunk_line_with_wrong_fields_is_corrupt(fake_settings):
    built(fake_settings)
    version = store.current_version(fake_settings.index_dir)
    path = version / "chunks.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = json.dumps({"source": "x.md"})
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _fix_checksums(version)

    with pytest.raises(IndexCorruptError):
        store.load(fake_settings.index_dir)


# ----------------------------------------------------------------------------- versions and the swap


def test_swap_leaves_a_reader_of_the_old_version_intact(fake_settings):
    built(fake_settings)
    old = Searcher(fake_settings, HashEmbedder())
    old_version = store.current_version(fake_settings.index_dir)
    before = results(old)

    note = fake_settings.corpus_dir / "aws.md"
    note.write_text(note.read_text(encoding="utf-8") + "\n## Amazon SNS\n\n- SNS sends notifications.\n", encoding="utf-8")
    new_report = build_index(fake_settings, HashEmbedder(), progress=False)

    assert new_report.path != old_version
    assert store.current_version(fake_settings.index_dir) == new_report.path
    # The old reader answers exactly as before, and its files are still there for late readers.
    assert results(old) == before
    assert old_version.is_dir()
    assert store.read_manifest(old_version).n_chunks == len(old.chunks)
    new = Searcher(fake_settings, HashEmbedder())
    assert len(new.chunks) == len(old.chunks) + 1
    assert (fake_settings.index_dir / "current").is_symlink()
    assert not os.path.isabs(os.readlink(fake_settings.index_dir / "current"))  # the folder can move


def test_old_versions_are_removed_after_the_grace_period(fake_settings):
    built(fake_settings)
    first = store.current_version(fake_settings.index_dir)
    old = time.time() - 3600
    os.utime(first, (old, old))

    second = build_index(fake_settings, HashEmbedder(), rebuild=True, progress=False).path

    assert not first.exists()
    assert second.is_dir()
    versions = [p.name for p in fake_settings.index_dir.iterdir() if p.name.startswith("v-")]
    assert versions == [second.name]
    assert not [p for p in fake_settings.index_dir.iterdir() if p.name.startswith((".tmp-", ".current."))]


def test_index_folder_can_be_moved(fake_settings, tmp_path):
    built(fake_settings)
    before = results(Searcher(fake_settings, HashEmbedder()))
    moved = tmp_path / "moved-index"
    fake_settings.index_dir.rename(moved)

    settings = fake_settings.__class__(**{**fake_settings.__dict__, "index_dir": moved})
    assert results(Searcher(settings, HashEmbedder())) == before


def test_failed_save_leaves_no_temporary_folder_and_keeps_current(fake_settings, monkeypatch):
    built(fake_settings)
    current = store.current_version(fake_settings.index_dir)
    before = results(Searcher(fake_settings, HashEmbedder()))
    (fake_settings.corpus_dir / "new.md").write_text("# New\n\nnew text\n", encoding="utf-8")

    def disk_full(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "_sha256", disk_full)
    with pytest.raises(IndexWriteError, match="No space left on device"):
        build_index(fake_settings, HashEmbedder(), progress=False)
    monkeypatch.undo()

    assert store.current_version(fake_settings.index_dir) == current
    assert not [p for p in fake_settings.index_dir.iterdir() if p.name.startswith(".tmp-")]
    assert results(Searcher(fake_settings, HashEmbedder())) == before


def test_an_index_folder_that_is_a_file_is_named_before_any_work(fake_settings, monkeypatch):
    # It failed after the notes were read, as "(File exists); the previous index is
    # unchanged" where there was none (a wiki owner, 2026-12-06).
    fake_settings.index_dir.parent.mkdir(parents=True, exist_ok=True)
    fake_settings.index_dir.write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr("assistant.build.load_notes", lambda *a: pytest.fail("the notes were read"))
    with pytest.raises(IndexWriteError, match="it is a file, not a folder"):
        build_index(fake_settings, HashEmbedder(), progress=False)
    assert fake_settings.index_dir.read_text(encoding="utf-8") == "not a folder"


def test_a_build_stopped_by_its_progress_callback_writes_nothing_and_keeps_what_it_embedded(fake_settings):
    # The server's re-index stops when the notes change again under it (watch.BuildProgress):
    # a 2 MB note deleted mid-build was embedded to its end (a wiki owner, 2026-12-06).
    from assistant.errors import BuildCancelled
    built(fake_settings)
    current = store.current_version(fake_settings.index_dir)
    note = fake_settings.corpus_dir / "more.md"
    note.write_text("# More\n\n" + "\n\n".join(f"## Part {i}\n\nLine {i} about topic {i}." for i in range(300)), encoding="utf-8")
    calls = []

    def stop_after_two(done: int, total: int) -> None:
        calls.append((done, total))
        if len(calls) == 2:
            raise BuildCancelled("the notes changed again during the re-index")

    with pytest.raises(BuildCancelled):
        build_index(fake_settings, HashEmbedder(), progress=False, on_progress=stop_after_two)
    assert store.current_version(fake_settings.index_dir) == current  # nothing written
    assert not [p for p in fake_settings.index_dir.iterdir() if p.name.startswith(".tmp-")]
    assert calls[0][0] < calls[1][0] <= calls[1][1]  # characters done so far, of the total
    # The next build embeds only what the stopped one had not: fewer texts than the new
    # note needs in an index that never stopped.
    again = build_index(fake_settings, HashEmbedder(), progress=False)
    reference = dataclasses.replace(fake_settings, index_dir=fake_settings.index_dir.parent / "reference")
    note.rename(note.with_suffix(".hidden"))
    built(reference)
    note.with_suffix(".hidden").rename(note)
    needed = build_index(reference, HashEmbedder(), progress=False).n_embedded
    assert again.status == "built" and 0 < again.n_embedded < needed


# ----------------------------------------------------------------------------- embedding cache


def test_cache_round_trip_and_isolation_by_embedder(tmp_path):
    path = tmp_path / "cache.sqlite"
    cache = EmbeddingCache(path, "model-a", 4)
    cache.put_many([("h1", np.array([1, 2, 3, 4], np.float32)), ("h2", np.ones(4, np.float32))])
    cache.close()

    reopened = EmbeddingCache(path, "model-a", 4)
    found = reopened.get_many(["h1", "h2", "h3", "h1"])
    assert set(found) == {"h1", "h2"}
    np.testing.assert_array_equal(found["h1"], [1, 2, 3, 4])
    assert EmbeddingCache(path, "model-b", 4).get_many(["h1", "h2"]) == {}
    assert EmbeddingCache(path, "model-a", 8).get_many(["h1"]) == {}  # wrong size: treated as missing
    reopened.close()


def test_cache_handles_many_hashes(tmp_path):
    cache = EmbeddingCache(tmp_path / "c.sqlite", "m", 2)
    cache.put_many((f"h{i}", np.array([i, i], np.float32)) for i in range(1234))

    found = cache.get_many([f"h{i}" for i in range(1300)])

    assert len(found) == 1234 and found["h1000"][0] == 1000
    cache.close()


def test_verify_hashes_an_unchanged_version_once_and_a_changed_one_again(fake_settings, monkeypatch):
    built(fake_settings)
    version = store.current_version(fake_settings.index_dir)
    store._verified.clear()
    hashed = []
    real_sha256 = store._sha256
    monkeypatch.setattr(store, "_sha256", lambda path: hashed.append(path.relative_to(version).as_posix()) or real_sha256(path))

    store.verify(version)
    store.verify(version)
    assert sorted(hashed) == sorted(store.DATA_FILES)  # the second call hashed nothing

    _truncate(version / "lines.faiss")
    with pytest.raises(IndexCorruptError):
        store.verify(version)


def test_bm25_is_stored_with_the_index_and_scores_as_built(fake_settings):
    built(fake_settings)
    loaded = store.load(fake_settings.index_dir)
    fresh = LexicalIndex([c.embed_text for c in loaded.chunks])
    assert loaded.lexical.size == len(loaded.chunks)
    for question in ("SQS 可視性タイムアウト", "DynamoDB capacity", "zzz-not-a-word"):
        np.testing.assert_allclose(loaded.lexical.scores(question), fresh.scores(question), rtol=1e-6)
