"""The embedding-table reader of the ONNX profile (gemma_onnx.RowFile): the rows a memory map
would give, without mapping the table, and one-line errors for what cannot be a table."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.config import PROJECT_ROOT
from assistant.gemma_onnx import RowFile, load_tokenizer
from conftest import gemma_missing


@pytest.fixture
def table(tmp_path):
    rng = np.random.default_rng(0)
    values = rng.standard_normal((50, 8)).astype(np.float16)
    path = tmp_path / "table.npy"
    np.save(path, values)
    return path, values


def test_rows_equal_the_table_rows_in_float32(table):
    path, values = table
    ids = np.array([[3, 7, 3, 0], [49, 1, 0, 0]], dtype=np.int64)
    got = RowFile(path).rows(ids)
    assert got.shape == (2, 4, 8) and got.dtype == np.float32
    assert np.array_equal(got, values[ids].astype(np.float32))


@pytest.mark.slow  # the installed model's files
def test_rows_match_a_memory_map_of_the_real_table():
    from assistant import models

    folder = models.installed(models.EMBEDDINGGEMMA_300M)
    if folder is None:
        pytest.fail(gemma_missing())
    path = folder / "onnx" / "embed_f16.npy"
    ids = np.array([[2, 23391, 1902, 1, 262143]])
    assert np.array_equal(RowFile(path).rows(ids), np.load(path, mmap_mode="r")[ids].astype(np.float32))


def test_out_of_range_id_is_a_value_error(table):
    path, _ = table
    with pytest.raises(ValueError, match="out of range"):
        RowFile(path).rows(np.array([50]))


def test_a_table_that_is_not_two_dimensional_is_refused(tmp_path):
    path = tmp_path / "flat.npy"
    np.save(path, np.zeros(10, dtype=np.float16))
    with pytest.raises(ValueError, match="2-D"):
        RowFile(path)


@pytest.mark.slow  # the installed model's files
def test_sentencepiece_ids_equal_the_tokenizer_json_ids_with_truncation():
    """GemmaTokenizer (tokenizer.model) against the tokenizer sentence-transformers uses."""
    from tokenizers import Tokenizer

    from assistant import models

    folder = models.installed(models.EMBEDDINGGEMMA_300M)
    if folder is None:
        pytest.fail(gemma_missing())
    reference = Tokenizer.from_file(str(folder / "tokenizer.json"))
    ours = load_tokenizer(folder)
    corpus = PROJECT_ROOT / "corpus"
    lines = [l for f in sorted(corpus.rglob("*.md")) for l in f.read_text(encoding="utf-8").splitlines()][:400]
    texts = ["task: search result | query: SQSの可視性タイムアウトとは？", "title: A > B | text: " + "\n".join(lines[:40]),
             "tab\tand  two  spaces", "  leading and trailing ", "ｶﾀｶﾅ　全角 😀 <start_of_turn>", *lines]
    assert [e.ids for e in ours.encode_batch(texts)] == [e.ids for e in reference.encode_batch(texts)]
    reference.enable_truncation(16)
    ours.enable_truncation(16)
    long = "title: none | text: " + " ".join(lines[:60])
    assert ours.encode(long).ids == reference.encode(long).ids and len(ours.encode(long).ids) == 16
