"""Passages pooled from their chunk's pass (latechunks.py): what is pooled is exactly the
passage's text, and a pooled vector never shares a cache key with a text embedded alone.
The real-model side (the pass, the build, resuming) is in tests/test_line_pass.py."""
from __future__ import annotations

import hashlib

import pytest

from assistant.build import note_units
from assistant.config import from_env
from assistant.latechunks import chunk_window, plan_passages
from assistant.notes import load_notes
from test_chunking import CORPUS, DATA

NOTES = load_notes(DATA) + load_notes(CORPUS)


def _units(note, max_tokens: int):
    settings = from_env({}, corpus_dir=DATA, max_chunk_tokens=max_tokens)
    return note_units(note, 0, settings, max_tokens, len)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("note", NOTES, ids=lambda n: n.source)
def test_a_pooled_passage_adds_up_exactly_its_own_text(note):
    units = _units(note, 400)
    texts = [t for _, t in units.passages]
    chunk_keys = [_sha(t) for t in units.chunk_texts]
    plan, keys = plan_passages(units.chunks, units.chunk_texts, chunk_keys, units.passages, texts)
    pieces = {key: w.pieces[a : b + 1] for w in plan.windows.values() for (a, b), key in w.parts.items()}
    pooled = dict(plan.passages)
    for text, key in zip(texts, keys):
        if key == _sha(text):  # embedded alone: a whole chunk's text, or nothing to pool from
            continue
        assert key not in {_sha(t) for t in texts + units.chunk_texts}  # never a content hash
        # the label and lines pooled, in order, are the passage's text: nothing more or less
        assert "\n".join(p for part in pooled[key] for p in pieces[part]) == text
    for window in plan.windows.values():
        assert "\n".join(window.pieces) == units.chunk_texts[chunk_keys.index(window.key)]


def test_most_passages_of_the_seed_are_pooled():
    """The saving is real: on the seed notes, passages that are not a whole chunk are pooled."""
    units = _units(load_notes(CORPUS)[0], 496)
    texts = [t for _, t in units.passages]
    plan, keys = plan_passages(units.chunks, units.chunk_texts, [_sha(t) for t in units.chunk_texts], units.passages, texts)
    alone = [t for t, k in zip(texts, keys) if k == _sha(t) and t not in units.chunk_texts]
    assert len(plan.passages) > 100 and len(alone) <= len(texts) // 20


def test_a_chunk_whose_text_is_not_its_lines_has_no_window():
    (note,) = [n for n in NOTES if n.source.endswith(".md")][:1]
    units = _units(note, 400)
    chunk, text = units.chunks[0], units.chunk_texts[0]
    assert chunk_window(chunk, text, "k") is not None
    assert chunk_window(chunk, text + "\nan extra line", "k") is None
    assert chunk_window(chunk, "label\n" + text, "k") is None  # two label lines: not the chunker's text
