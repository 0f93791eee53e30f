"""Passages: every chunk also seen as shorter pieces, so a long chunk is as good as its best piece.

A chunk fills the model's window (~500 tokens) to keep a section together, but one vector for
that much text blurs a question that targets a few bullets. The same chunker run with a
~200-token budget gives pieces along the same natural boundaries; a chunk scores as its
best piece. Measured on the dev sets (English /
Japanese Hit@1): 0.60 / 0.89 without, 0.66 / 0.91 with; pieces of 128 or 300 tokens helped
less (docs/evaluation.md). A piece identical to its chunk costs nothing: the embedding cache
keys on the text. What this leaves out: scoring (retrieve.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .chunking import Chunk, TokenCounter, chunk_note
from .notes import Note

# Tokens per passage; recorded in the manifest, so changing it rebuilds existing indexes.
PASSAGE_TOKENS = 200


@dataclass(frozen=True)
class Passage:
    """A ~PASSAGE_TOKENS-token piece of a note (note_passages): the lines it covers and the
    chunks (their positions in the index) it scores for; its vector is stored with the index."""

    chunks: tuple[int, ...]  # positions of the chunks it overlaps (usually one; two at a seam)
    line_start: int  # 1-based, inclusive
    line_end: int


def note_passages(
    note: Note,
    chunks: Sequence[Chunk],
    first_id: int,
    max_lines: int,
    max_tokens: int,
    count_tokens: TokenCounter,
    wiki_engine: str,
) -> list[tuple[Passage, str]]:
    """Passages of one note, with the text to embed: the note chunked again at `max_tokens`,
    each piece credited to the chunks it overlaps (`chunks` in file order, the first at
    index `first_id`). A piece that straddles two chunks keeps its whole text: cut at the
    seam it measured worse (docs/evaluation.md)."""
    passages, j = [], 0
    for piece in chunk_note(note, max_lines, max_tokens, count_tokens, wiki_engine):
        while j < len(chunks) and chunks[j].line_end < piece.line_start:
            j += 1
        k = j
        while k < len(chunks) and chunks[k].line_start <= piece.line_end:
            k += 1
        if k > j:
            passage = Passage(tuple(range(first_id + j, first_id + k)), piece.line_start, piece.line_end)
            passages.append((passage, piece.embed_text))
    return passages
