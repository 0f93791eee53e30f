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
