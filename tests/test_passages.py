"""Passages: shorter pieces of chunks, each credited to exactly the chunks it overlaps."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.chunking import chunk_note, path_label
from assistant.notes import load_notes, parse_note
from assistant.passages import note_passages
from assistant.retrieve import _best_per_chunk, _owner_matrix
from assistant.store import make_faiss_index
from assistant.wiki import wiki_page
from test_chunking import CORPUS, DATA, documents


def _check(note, max_tokens: int, passage_tokens: int, first_id: int = 0) -> None:
    chunks = chunk_note(note, 40, max_tokens)
    passages = note_passages(note, chunks, first_id, 40, passage_tokens, len, "jekyll")  # the engine the chunks were made with
    covered = set()
    for passage, text in passages:
        assert passage.chunks, "every passage belongs to a chunk"
        for c in passage.chunks:
            chunk = chunks[c - first_id]
            assert chunk.line_start <= passage.line_end and passage.line_start <= chunk.line_end
        # It credits exactly the chunks it overlaps: none missed, none extra.
        overlapping = [
            i + first_id for i, ch in enumerate(chunks)
            if ch.line_start <= passage.line_end and passage.line_start <= ch.line_end
        ]
        assert list(passage.chunks) == overlapping
        assert text.split("\n")[0] == path_label(chunks[passage.chunks[0] - first_id].heading_path)  # capped label
        covered.update(range(passage.line_start, passage.line_end + 1))
    # Every line a chunk shows is covered by some passage, so no chunk goes without one.
    shown = wiki_page(note).text
    for chunk in chunks:
        content = [n for n in range(chunk.line_start, chunk.line_end + 1) if shown.shows(n)]
        assert set(content) <= covered


@pytest.mark.parametrize("note", load_notes(DATA) + load_notes(CORPUS), ids=lambda n: n.source)
def test_passages_of_real_notes(note):
    _check(note, max_tokens=400, passage_tokens=120, first_id=5)


def test_real_corpus_chunks_get_several_shorter_passages():
    note = load_notes(CORPUS)[0]
    chunks = chunk_note(note, 40, 496)
    passages = note_passages(note, chunks, 0, 40, 200, len, "jekyll")  # the engine the chunks were made with
    assert len(passages) > 1.5 * len(chunks)
    assert max(p.line_end - p.line_start for p, _ in passages) < max(c.line_end - c.line_start for c in chunks)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=documents(), max_tokens=st.integers(20, 300), passage_tokens=st.integers(10, 300))
def test_passage_invariants_on_generated_notes(text, max_tokens, passage_tokens):
    _check(parse_note(text, "gen.md"), max_tokens, passage_tokens)


def test_best_per_chunk_takes_the_best_unit_and_credits_both_chunks_at_a_seam():
    vectors = np.eye(3, dtype=np.float32)  # unit i points along axis i
    owners = _owner_matrix([(0,), (0, 1), (2,)])  # unit 1 straddles chunks 0 and 1
    query = np.array([0.1, 0.9, 0.3], dtype=np.float32)
    best = _best_per_chunk(make_faiss_index(vectors), owners, query, 4)
    np.testing.assert_allclose(best, [0.9, 0.9, 0.3, 0.1])  # chunk 3 has no unit: the lowest seen
