"""The embedding-table reader of the ONNX profile (gemma_onnx.RowFile): the rows a memory map
would give, without mapping the table, and one-line errors for what cannot be a table."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.gemma_onnx import RowFile, load_tokenizer


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


def test_rows_match_a_memory_map_of_the_real_table():
    from assistant import models

    folder = models.installed(models.EMBEDDINGGEMMA_300M)
    if folder is None:
        pytest.fail("embeddinggemma-300m is not installed: run ./scripts/get-model.sh embeddinggemma-300m --accept-gemma-terms")
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


def test_tokenizer_loads_from_json(tmp_path):
    from tokenizers import Tokenizer, models as tmodels

    Tokenizer(tmodels.WordLevel({"a": 0, "[UNK]": 1}, unk_token="[UNK]")).save(str(tmp_path / "tok.json"))
    assert load_tokenizer(tmp_path / "tok.json").encode("a").ids == [0]
