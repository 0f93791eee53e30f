"""Tests for assistant.build: up-to-date detection, incremental and resumable builds, staleness."""
from __future__ import annotations

import dataclasses
import threading

import pytest

from assistant import store
from assistant.build import build_index, build_lock
from assistant.encode import text_hash
from assistant.cache import EmbeddingCache
from assistant.config import from_env
from assistant.embedding import HashEmbedder
from assistant.errors import CorpusError, IndexStaleError
from assistant.retrieve import Searcher


def replace(settings, **changes):
    return dataclasses.replace(settings, **changes)


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def many_sections(n: int) -> str:
    return "# Many\n\n" + "".join(
        f"## Topic {i}\n\n- fact number {i} about service {i * 7}\n- another line {i}\n\n" for i in range(n)
    )


# ----------------------------------------------------------------------------- up to date


def test_first_build_embeds_everything_second_embeds_nothing(fake_settings, counting_embedder):
    first_embedder = counting_embedder()
    first = build_index(fake_settings, first_embedder, progress=False)

    assert first.status == "built"
    assert first.n_notes == 4 and first.n_chunks > 4
    assert first.n_embedded == len(first_embedder.texts) > 0

    again_embedder = counting_embedder()
    again = build_index(fake_settings, again_embedder, progress=False)

    assert again.status == "up-to-date"
    assert again.n_embedded == 0 and again_embedder.texts == []
    assert again.n_chunks == first.n_chunks
    assert again.path == first.path == store.current_version(fake_settings.index_dir)


def test_touching_a_file_without_changing_bytes_keeps_it_up_to_date(fake_settings):
    build_index(fake_settings, HashEmbedder(), progress=False)
    note = fake_settings.corpus_dir / "aws.md"
    note.write_bytes(note.read_bytes())

    assert build_index(fake_settings, HashEmbedder(), progress=False).status == "up-to-date"


def test_rebuild_flag_rebuilds_from_the_cache(fake_settings, counting_embedder):
    first = build_index(fake_settings, HashEmbedder(), progress=False)
    chunks = store.load(fake_settings.index_dir).chunks
    embedder = counting_embedder()

    report = build_index(fake_settings, embedder, rebuild=True, progress=False)

    assert report.status == "built" and report.path != first.path
    assert report.n_embedded == 0 and embedder.texts == []
    assert store.load(fake_settings.index_dir).chunks == chunks


# ----------------------------------------------------------------------------- incremental


def test_editing_one_section_re_embeds_only_that_section(fake_settings, counting_embedder):
    build_index(fake_settings, HashEmbedder(), progress=False)
    before = {(c.source, c.line_start): c for c in store.load(fake_settings.index_dir).chunks}
    edit(fake_settings.corpus_dir / "aws.md", "at most 900 seconds", "at most 900 seconds (15 minutes)")

    embedder = counting_embedder()
    report = build_index(fake_settings, embedder, progress=False)

    assert report.status == "built"
    assert report.n_embedded == len(embedder.texts) > 0
    assert all("AWS Lambda" in text for text in embedder.texts), embedder.texts
    after = store.load(fake_settings.index_dir).chunks
    changed = [c for c in after if before.get((c.source, c.line_start)) != c]
    assert [c.heading_path[-1] for c in changed] == ["AWS Lambda"]
    assert changed[0].embed_text in embedder.texts


def test_inserting_lines_moves_later_chunks_without_re_embedding_them(fake_settings, counting_embedder):
    build_index(fake_settings, HashEmbedder(), progress=False)
    old = {c.heading_path[-1]: c for c in store.load(fake_settings.index_dir).chunks if c.source == "aws.md"}
    edit(fake_settings.corpus_dir / "aws.md", "- One object can be up to 5 TB.\n", "- One object can be up to 5 TB.\n- Buckets are regional.\n\n")

    embedder = counting_embedder()
    build_index(fake_settings, embedder, progress=False)

    new = {c.heading_path[-1]: c for c in store.load(fake_settings.index_dir).chunks if c.source == "aws.md"}
    assert all("Amazon S3" in text for text in embedder.texts), embedder.texts
    for name in ("AWS Lambda", "Amazon SQS"):
        assert new[name].line_start == old[name].line_start + 2  # citations follow the text
        assert new[name].text == old[name].text
        assert new[name].embed_text not in embedder.texts


def test_adding_and_removing_notes(fake_settings, counting_embedder):
    build_index(fake_settings, HashEmbedder(), progress=False)
    (fake_settings.corpus_dir / "sub" / "emoji.md").unlink()
    (fake_settings.corpus_dir / "extra.markdown").write_text("# Extra\n\nbrand new text\n", encoding="utf-8")

    embedder = counting_embedder()
    report = build_index(fake_settings, embedder, progress=False)

    sources = {c.source for c in store.load(fake_settings.index_dir).chunks}
    assert "sub/emoji.md" not in sources and "extra.markdown" in sources
    assert report.n_notes == 4
    assert embedder.texts and all("Extra" in t for t in embedder.texts)


# ----------------------------------------------------------------------------- other model or settings


def test_index_from_another_model_is_stale_until_rebuilt(fake_settings, counting_embedder):
    build_index(fake_settings, HashEmbedder(), progress=False)
    other = counting_embedder(name="other-model")

    with pytest.raises(IndexStaleError, match="fake-hash") as stale:
        Searcher(fake_settings, other)
    assert "with model fake-hash, not other-model" in str(stale.value) and "settings" not in str(stale.value)
    # Other settings alone are named as such, not as another model (a fresh user read one so).
    with pytest.raises(IndexStaleError) as stale:
        Searcher(dataclasses.replace(fake_settings, wiki_engine="mkdocs"), HashEmbedder())
    assert "with other settings (wiki_engine)" in str(stale.value) and "with model" not in str(stale.value)

    report = build_index(fake_settings, other, progress=False)
    assert report.status == "built"
    assert report.n_embedded == len(other.texts) > 0  # the cache is per model: nothing reused
    assert store.load(fake_settings.index_dir).manifest.embedder == "other-model"
    assert Searcher(fake_settings, other).search("Lambda timeout").hits


def test_a_build_with_another_model_says_it_replaces_that_models_index(fake_settings, counting_embedder, capsys):
    # A fresh user asked with another --model over their index folder: 45 s passed without a
    # word, the other model's index was replaced and their server on it reported "degraded".
    build_index(fake_settings, HashEmbedder(), progress=False)
    build_index(fake_settings, counting_embedder(name="other-model"), progress=True)
    said = capsys.readouterr().err
    assert f"{fake_settings.index_dir} holds an index built with model fake-hash" in said and "--index-dir" in said
    build_index(fake_settings, counting_embedder(name="other-model"), progress=True)  # up to date: nothing said
    assert "holds an index" not in capsys.readouterr().err


def test_the_progress_bar_ends_full_for_a_model_without_latent_terms(fake_settings, capsys):
    # Its total counted latent-term codes that a model without them (Gemma) never makes: the
    # bar stopped at 65-69% as the build ended (a fresh user).
    assert HashEmbedder().terms_dim == 0
    build_index(fake_settings, HashEmbedder(), progress=True)
    bars = [part for part in capsys.readouterr().err.replace("\r", "\n").split("\n") if part.startswith("embedding:")]
    assert bars and "100%" in bars[-1], bars[-1:]


def test_changed_chunking_settings_make_the_index_stale(fake_settings):
    build_index(fake_settings, HashEmbedder(), progress=False)
    smaller = replace(fake_settings, max_chunk_lines=2)

    with pytest.raises(IndexStaleError):
        Searcher(smaller, HashEmbedder())

    assert build_index(smaller, HashEmbedder(), progress=False).status == "built"
    assert all(c.n_lines <= 2 for c in Searcher(smaller, HashEmbedder()).chunks)


def test_changed_wiki_engine_rebuilds(fake_settings):
    build_index(fake_settings, HashEmbedder(), progress=False)

    github = replace(fake_settings, wiki_engine="github")
    assert build_index(github, HashEmbedder(), progress=False).status == "built"
    emoji = [c for c in store.load(fake_settings.index_dir).chunks if c.source == "sub/emoji.md"]
    assert emoji[0].anchor == "emoji--note"


# ----------------------------------------------------------------------------- interrupted builds


def test_failure_mid_build_keeps_the_old_index_and_resumes_from_the_cache(fake_settings, counting_embedder, tmp_path):
    original = counting_embedder()
    build_index(fake_settings, original, progress=False)
    old = store.load(fake_settings.index_dir)
    (fake_settings.corpus_dir / "many.md").write_text(many_sections(200), encoding="utf-8")  # several model calls (encode.CALL_CHARS)

    failing = counting_embedder(fail_on_batch=3)
    with pytest.raises(RuntimeError, match="batch 3"):
        build_index(fake_settings, failing, progress=False)

    # The previous index is still current and loads.
    assert store.current_version(fake_settings.index_dir) == old.path
    assert store.load(fake_settings.index_dir).chunks == old.chunks
    assert Searcher(fake_settings, HashEmbedder()).search("Lambda").hits
    # The two finished batches are in the cache.
    assert len(failing.batches) == 2
    cache = EmbeddingCache(fake_settings.index_dir / "cache.sqlite", "fake-hash", 64)
    try:
        assert len(cache.get_many([text_hash(t) for t in failing.texts])) == len(set(failing.texts))
    finally:
        cache.close()

    # Resuming embeds exactly what the failed build had not finished.
    resumed = counting_embedder()
    report = build_index(fake_settings, resumed, progress=False)
    assert report.status == "built"
    assert not set(resumed.texts) & set(failing.texts)
    fresh = counting_embedder()
    build_index(replace(fake_settings, index_dir=tmp_path / "fresh"), fresh, progress=False)
    assert set(resumed.texts) | set(failing.texts) == set(fresh.texts) - set(original.texts)
    assert store.load(fake_settings.index_dir).chunks == store.load(tmp_path / "fresh").chunks


def test_interrupt_leaves_no_half_written_version(fake_settings, counting_embedder):
    (fake_settings.corpus_dir / "many.md").write_text(many_sections(40), encoding="utf-8")

    with pytest.raises(RuntimeError):
        build_index(fake_settings, counting_embedder(fail_on_batch=2), progress=False)

    assert store.current_version(fake_settings.index_dir) is None
    assert not [p for p in fake_settings.index_dir.iterdir() if p.name.startswith(("v-", ".tmp-"))]


# ----------------------------------------------------------------------------- corpus problems, lock


def test_empty_corpus_folder_raises_corpus_error(tmp_path):
    (tmp_path / "corpus").mkdir()
    settings = from_env({}, corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", model="fake-hash")

    with pytest.raises(CorpusError, match="no readable notes"):
        build_index(settings, HashEmbedder(), progress=False)


def test_notes_without_text_raise_corpus_error(fake_settings, tmp_path):
    corpus = tmp_path / "blank"
    corpus.mkdir()
    (corpus / "empty.md").write_bytes(b"")
    (corpus / "only-liquid.md").write_text("{% raw %}\n\n{% endraw %}\n", encoding="utf-8")

    with pytest.raises(CorpusError, match="no text"):
        build_index(replace(fake_settings, corpus_dir=corpus), HashEmbedder(), progress=False)


def test_second_build_waits_for_the_lock(fake_settings, monkeypatch):
    """Event-driven, no sleeps: the other build is released only once it is seen blocking
    on the lock, so the order below holds however slow the machine is."""
    import fcntl

    order = []
    blocking = threading.Event()
    real_flock = fcntl.flock

    def flock(handle, operation):
        if operation & fcntl.LOCK_EX and not operation & fcntl.LOCK_NB and threading.current_thread() is thread:
            blocking.set()  # the other build is about to wait on the held lock
        return real_flock(handle, operation)

    monkeypatch.setattr(fcntl, "flock", flock)
    fake_settings.index_dir.mkdir(parents=True)

    def other_build():
        order.append("other-start")
        build_index(fake_settings, HashEmbedder(), progress=False)
        order.append("other-done")

    thread = threading.Thread(target=other_build)
    with build_lock(fake_settings.index_dir):
        thread.start()
        assert blocking.wait(timeout=60), "the second build never waited for the lock"
        order.append("lock-released")
    thread.join(timeout=60)

    assert order == ["other-start", "lock-released", "other-done"]
    store.load(fake_settings.index_dir)


def test_notes_the_wiki_does_not_publish_are_left_out_and_said_so(fake_settings, caplog):
    (fake_settings.corpus_dir / "_drafts").mkdir()
    (fake_settings.corpus_dir / "_drafts" / "plan.md").write_text("# Plan\n\nDRAFTWORD the plan\n", encoding="utf-8")
    (fake_settings.corpus_dir / "later.md").write_text("---\npublished: false\n---\n# Later\n\nLATERWORD\n", encoding="utf-8")
    with caplog.at_level("WARNING", logger="assistant.build"):
        build_index(fake_settings, HashEmbedder(), progress=False)
    sources = {c.source for c in store.load(fake_settings.index_dir).chunks}
    assert "_drafts/plan.md" not in sources and "later.md" not in sources
    said = [r.getMessage() for r in caplog.records if "does not publish" in r.getMessage()]
    assert said and "2 note(s)" in said[0] and "_drafts/plan.md" in said[0] and "later.md" in said[0]
    # Said when the index is built, not again for every question over the up-to-date index
    # (a fresh user read it on each `ask` for a README excluded on purpose).
    caplog.clear()
    with caplog.at_level("WARNING"):
        assert build_index(fake_settings, HashEmbedder(), progress=False).status == "up-to-date"
    assert not [r for r in caplog.records if "does not publish" in r.getMessage()]
