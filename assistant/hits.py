"""Hits: what a search returns, and how the ranked chunks become distinct hits.

A chunk whose text repeats a better one's (a copied note) takes no result slot, and a chunk
next to a better chunk of the same section joins that hit when the two fit in one.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .chunking import Chunk


@dataclass(frozen=True)
class Hit:
    """One result: a chunk (or adjacent chunks joined), its score, link and answer lines."""

    chunk: Chunk
    score: float  # the fused ranking score (fusion.py), comparable within one answer only
    url: str  # the citation link to the heading in the team's wiki
    highlight_lines: tuple[int, ...] = ()  # 1-based source line numbers, best answer line first

    def to_json(self) -> dict:
        """The hit as the JSON API returns it (docs: /docs, `AnswerOut`)."""
        c = self.chunk
        return {
            "source": c.source,
            "title": c.title,
            "heading_path": list(c.heading_path),
            "line_start": c.line_start,
            "line_end": c.line_end,
            "score": round(float(self.score), 6),
            "url": self.url,
            "text": c.text,
            "highlight_lines": list(self.highlight_lines),
        }


@dataclass(frozen=True)
class Answer:
    """What a search returns: the question, its hits best first, and the no-answer flag."""

    question: str  # as asked (control characters removed, cut at query.MAX_QUESTION_CHARS)
    hits: tuple[Hit, ...]
    no_answer: bool = False  # True: the notes do not answer it (noanswer.py)

    def to_json(self) -> dict:
        """The answer as the JSON API returns it."""
        return {"question": self.question, "no_answer": self.no_answer, "hits": [h.to_json() for h in self.hits]}


def content_keys(chunks: Sequence[Chunk]) -> list[bytes]:
    """Per chunk, a digest of its whitespace-insensitive text: equal keys are copies."""
    return [hashlib.blake2b(" ".join(c.text.split()).encode(), digest_size=16).digest() for c in chunks]


class Grouper:
    """Turns a fused score per chunk into the top_k distinct hits, as groups of chunk ids."""

    def __init__(self, chunks: Sequence[Chunk], chunk_section: np.ndarray, max_lines: int):
        self.chunks = chunks
        self.chunk_section = chunk_section  # int64[n_chunks] (views.SectionView)
        self.max_lines = max_lines  # the longest hit two joined chunks may make (settings.max_chunk_lines)
        self._keys = content_keys(chunks)

    def groups(self, fused: np.ndarray, allowed: np.ndarray, top_k: int) -> list[list[int]]:
        """The top_k hits as groups of chunk ids, best chunk first; `allowed` is bool[n_chunks]."""
        pool = min(len(fused), top_k * 4 + 8)  # room for the duplicates and neighbours skipped
        top = np.argpartition(-fused, pool - 1)[:pool] if pool < len(fused) else np.arange(len(fused))
        seen: set[bytes] = set()
        groups: list[list[int]] = []
        for i in (int(i) for i in top[np.argsort(-fused[top], kind="stable")]):
            if len(groups) == top_k:
                break
            if not allowed[i] or self._keys[i] in seen:
                continue
            seen.add(self._keys[i])
            group = next((g for g in groups if self._joins(g, i)), None)
            if group is None:
                groups.append([i])
            else:
                group.append(i)
        return groups

    def _joins(self, group: list[int], i: int) -> bool:
        """True when chunk i continues the group's span within one section and fits with it."""
        if self.chunk_section[i] != self.chunk_section[group[0]] or not (i == min(group) - 1 or i == max(group) + 1):
            return False
        ids = [*group, i]
        span = self.chunks[max(ids)].line_end - self.chunks[min(ids)].line_start + 1
        return span <= self.max_lines


def merged(chunks: list[Chunk]) -> Chunk:
    """Adjacent chunks of one section (in line order) as one chunk; the lines between two
    chunks are blank (every content line lands in a chunk), so they are restored as such."""
    text = chunks[0].text
    for before, after in zip(chunks, chunks[1:]):
        text += "\n" * (after.line_start - before.line_end) + after.text
    return dataclasses.replace(chunks[0], line_end=chunks[-1].line_end, text=text)
