"""Each view's arithmetic on small hand-made data (views/)."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.chunking import Chunk
from assistant.lexical import LexicalIndex
from assistant.terms import TermCode, TermMatrix
from assistant.views import BM25View, ChunkView, LatentTermsView, Question, SectionView


def _question(text="q", language="en", vector=(1.0, 0.0), terms=None) -> Question:
    return Question(text, language, np.array(vector, dtype=np.float32), terms)


def _chunk(source: str, heading: str, start: int) -> Chunk:
    return Chunk(source=source, title=source, heading_path=(source, heading), anchor="", permalink=None,
                 line_start=start, line_end=start, text=heading)


def test_chunk_view_is_the_inner_product_with_each_chunk():
    view = ChunkView(np.array([[1, 0], [0, 1], [0.6, 0.8]], dtype=np.float32))
    assert view.score(_question()).tolist() == pytest.approx([1.0, 0.0, 0.6])


def test_section_view_scores_every_chunk_of_a_section_by_the_section_mean():
    chunks = [_chunk("a.md", "S3", 1), _chunk("a.md", "S3", 5), _chunk("a.md", "SQS", 9)]
    vectors = np.array([[1, 0], [0, 1], [1, 0]], dtype=np.float32)
    scores = SectionView(chunks, vectors).score(_question())
    assert scores[0] == scores[1] == pytest.approx(1 / np.sqrt(2))
    assert scores[2] == pytest.approx(1.0)


def test_bm25_view_is_scaled_to_one_and_zero_without_known_terms():
    view = BM25View(LexicalIndex(["可視性タイムアウト 30秒", "メッセージ保持期間 4日", "関係ない"]))
    scores = view.score(_question("可視性タイムアウト", "ja"))
    assert scores.max() == pytest.approx(1.0) and scores.argmax() == 0
    assert not view.score(_question("zzz", "en")).any()


def test_terms_view_takes_the_best_line_and_japanese_questions_reach_english_notes_only():
    code = TermCode.from_raw(np.array([3]), np.array([1.0]))
    rows = [TermCode.from_raw(np.array([3]), np.array([1.0])), TermCode.from_raw(np.array([3, 5]), np.array([1.0, 1.0]))]
    matrix = TermMatrix.from_codes(rows, dim=8)
    # line 0 in chunk 0 (an English note), line 1 in chunk 1 (a Japanese note)
    view = LatentTermsView(matrix, np.array([0, 1]), np.array([1.0, 0.0], dtype=np.float32), n_chunks=3)
    english = view.score(_question(terms=code))
    assert english.tolist() == pytest.approx([1.0, 1 / np.sqrt(2), 0.0])
    japanese = view.score(_question("質問", "ja", terms=code))
    assert japanese.tolist() == pytest.approx([1.0, 0.0, 0.0])
    assert view.score(_question(terms=None)) is None
