"""Late chunking (latechunks.py, onepass.c e5_late_chunks) with the real model: one pass
per chunk window gives the chunk's own vector unchanged and its passages'; one pass per
line gives its vector (as embedded alone) and its latent-term code."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from assistant import store
from assistant.build import build_index
from assistant.chunking import Chunk
from assistant.config import from_env
from assistant.embedding import E5Embedder
from assistant.latechunks import chunk_window


@pytest.fixture(scope="module")
def e5() -> E5Embedder:
    embedder = E5Embedder()
    if not embedder.late_chunking:
        pytest.fail("the one-pass engine is not compiled: run scripts/setup.sh")
    return embedder


def chunk(text: str, start: int = 3) -> Chunk:
    return Chunk("a.md", "A", ("A", "SQS"), "sqs", None, start, start + text.count("\n"), text)


def test_a_window_is_the_label_and_the_non_blank_lines():
    c = chunk("- one {{ site.x }}\n\n- two  \n")
    window = chunk_window(c, c.embed_text)
    assert "\n".join(window.pieces) == c.embed_text and window.lines == [0, 3, 5]
    assert chunk_window(c, "something else") is None


def test_one_pass_gives_the_chunk_vector_and_pooled_parts(e5):
    pieces = ["AWS > SQS", "- 可視性タイムアウト: デフォルト30秒、最大12時間", "- Long polling reduces empty responses"]
    (result,) = e5.embed_late([pieces], [[False, True, True]])
    whole = e5.embed_passages(["\n".join(pieces)])[0]
    assert float(result.vector @ whole) > 0.999  # the chunk's vector does not change
    # count_tokens counts <s> ▁passage : ... </s>: a piece holds 4 fewer
    assert result.piece_tokens.tolist()[1:] == [e5.count_tokens(p) - 4 for p in pieces[1:]]
    assert result.codes[0] is None and all(len(c.indices) > 0 for c in result.codes[1:])
    line = result.piece_sums[1] / np.linalg.norm(result.piece_sums[1])
    alone = e5.embed_passages(["SQS: 可視性タイムアウト: デフォルト30秒、最大12時間"])[0]
    assert float(line @ alone) > 0.8  # the line in its chunk's context, not the line alone
    (cut,) = e5.embed_late([["x " * 3000, "tail"]], [[True, True]])
    assert cut.piece_tokens.tolist() == [e5.max_tokens - 4, 0]  # the window, less <s> </s> ▁passage :


def test_build_pools_passages_and_codes_lines_in_their_own_pass_and_resumes(tmp_path, small_corpus, e5):
    (small_corpus / "long.md").write_text("# Long\n\n## Huge\n\n- " + "word " * 2000 + "\n- after it\n", encoding="utf-8")
    settings = from_env({}, corpus_dir=small_corpus, index_dir=tmp_path / "index", model="e5")
    first = build_index(settings, e5, progress=False)
    index = store.load(settings.index_dir)
    # model inputs: one window per distinct chunk and one pass per distinct line, no more
    assert first.n_embedded <= len(index.chunks) + len({u.text for u in index.lines})
    lines = index.line_vectors.reconstruct_n(0, len(index.lines))
    texts = [u.text for u in index.lines]
    np.testing.assert_allclose(np.sum(lines * e5.embed_passages(texts), axis=1), 1.0, atol=1e-4)
    codes = index.line_terms.codes()
    for text, code in zip(texts[:5], codes[:5]):  # from the line's dense pass: close to coding it bare
        bare = e5.embed_terms([text])[0]
        assert len(set(code.indices) & set(bare.indices)) >= len(bare.indices) // 2
    passages = index.passage_vectors.reconstruct_n(0, len(index.passages))
    chunks = index.vectors.reconstruct_n(0, len(index.chunks))
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    to_chunk = np.array([float(v @ chunks[p.chunks[0]]) for p, v in zip(index.passages, passages)])
    assert np.all(to_chunk > 0.7)  # pooled from (a part of) its chunk's pass
    again = build_index(dataclasses.replace(settings), e5, rebuild=True, progress=False)
    assert again.n_embedded == 0  # everything came from the cache
