"""Hits: what a search returns, and how the ranked chunks become distinct hits.

A chunk whose text repeats a better one's (a copied note) takes no result slot, and a chunk
next to a better chunk of the same section joins that hit when the two fit in one; so does a
whole sibling section under the same parent heading ("Cons" beside "Needs consideration").
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .collapsed import collapsed_block
from .superseded import replaced_by

from .chunking import Chunk

# What one hit carries, in characters (an answer is then bounded whatever the note holds: a
# pasted 1 MB log line or minified JSON would otherwise be sent whole, in every reply and in
# every UI chat resent). A line is cut at MAX_LINE_CHARS; when a hit's lines still exceed
# MAX_HIT_CHARS in all, each is cut to an equal share (at least MIN_LINE_CHARS). Cut lines
# end in ELLIPSIS; the line numbers and the citation link still name the whole note. The
# dev corpora's longest line is 1,265 characters and longest chunk 3,552: nothing real is cut.
MAX_LINE_CHARS = 2_000
MAX_HIT_CHARS = 16_000
MIN_LINE_CHARS = 80
ELLIPSIS = "…"


def clip_lines(text: str) -> tuple[str, bool]:
    """`text` with each line cut to the caps above (MAX_LINE_CHARS, then an equal share of
    MAX_HIT_CHARS), a cut line ending in ELLIPSIS; the number of lines is unchanged, so
    source line numbers still match. Returns (text, whether anything was cut)."""
    lines = text.split("\n")
    cap = MAX_LINE_CHARS
    if sum(min(len(line), cap) for line in lines) > MAX_HIT_CHARS:
        cap = max(MAX_HIT_CHARS // len(lines), MIN_LINE_CHARS)
    if all(len(line) <= cap for line in lines):
        return text, False
    return "\n".join(line if len(line) <= cap else line[:cap] + ELLIPSIS for line in lines), True


@dataclass(frozen=True)
class Hit:
    """One result: a chunk (or adjacent chunks joined), its score, link and answer lines."""

    chunk: Chunk
    score: float  # the fused ranking score (fusion.py), comparable within one answer only
    url: str  # the citation link to the heading in the team's wiki
    highlight_lines: tuple[int, ...] = ()  # 1-based source line numbers, best answer line first

    @property
    def collapsed(self) -> str | None:
        """The title of the folded block (`<details>`, `::: details`, `??? note`) the best
        answer line is in, which the page shows closed; None when it is in view (collapsed.py)."""
        if not self.highlight_lines:
            return None
        return collapsed_block(self.chunk.text, self.chunk.line_start, self.highlight_lines[0])

    @property
    def replaced(self) -> str | None:
        """The heading marking this section as replaced, or the folder of retired pages it is
        in ("old"); None for a current section (superseded.replaced_by). Shown with the hit:
        an old page's 600 円 read as today's price without the page's own warning box (a
        fresh user, heldout27)."""
        return replaced_by(self.chunk.heading_path, self.chunk.source)

    def bounded(self) -> Hit:
        """This hit as shown: its text (and shown text) cut by `clip_lines`, so what one
        hit carries is at most ~MAX_HIT_CHARS characters (plus one ELLIPSIS a line)."""
        text, cut = clip_lines(self.chunk.text)
        shown, cut_shown = clip_lines(self.chunk.shown) if self.chunk.shown is not None else (None, False)
        if not (cut or cut_shown):
            return self
        return dataclasses.replace(self, chunk=dataclasses.replace(self.chunk, text=text, shown=shown))

    def to_json(self) -> dict:
        """The hit as the JSON API returns it (docs: /docs, `AnswerOut`): `text` is the
        section as written, each line cut by `clip_lines` (`truncated` says whether any was)."""
        c = self.chunk
        text, truncated = clip_lines(c.text)
        return {
            "source": c.source,
            "title": c.title,
            "heading_path": list(c.heading_path),
            "line_start": c.line_start,
            "line_end": c.line_end,
            "score": round(float(self.score), 6),
            "url": self.url,
            "text": text,
            "truncated": truncated,
            "highlight_lines": list(self.highlight_lines),
            "collapsed": self.collapsed,
            "replaced": self.replaced,
        }


@dataclass(frozen=True)
class Answer:
    """What a search returns: the question, its hits best first, and the no-answer flag."""

    question: str  # as asked (control characters removed, cut at query.MAX_QUESTION_CHARS)
    hits: tuple[Hit, ...]
    no_answer: bool = False  # True: the notes do not answer it (noanswer.py)
    question_cut: bool = False  # True: `question` is the first MAX_QUESTION_CHARS of a longer one
    # True: the turn asks nothing to look up (thanks, "hi", "What is it?": verdict.asks_nothing);
    # then no_answer is True and there are no hits: weak matches under "thanks!" read as an answer.
    asks_nothing: bool = False

    def to_json(self) -> dict:
        """The answer as the JSON API returns it."""
        return {"question": self.question, "question_cut": self.question_cut, "no_answer": self.no_answer,
                "asks_nothing": self.asks_nothing, "hits": [h.to_json() for h in self.hits]}


def content_keys(chunks: Sequence[Chunk]) -> list[bytes]:
    """Per chunk, a digest of its whitespace-insensitive text: equal keys are copies."""
    return [hashlib.blake2b(" ".join(c.text.split()).encode(), digest_size=16).digest() for c in chunks]


# A section is tiny when its answer lines hold less than this share of the text it is
# embedded as (chunking.Chunk.embed_text: heading path, heading lines and body), so its
# vector is mostly its headings ("Model load pattern > Needs consideration" + one bullet).
# Such a section joins the whole sibling section next to it when both rank in the top hits:
# it often outranks the sibling that answers on its heading alone. Counting answer lines
# instead (<= 2 or <= 3) measured the same on both dev corpora but called a section of two
# long sentences tiny. Sibling sections of any size joined as well (seed en>ja +1, wiki-dev
# ja>ja +1 more) but made parallel topics one hit (SQS with Kinesis and CloudWatch Logs:
# tests/cases/followup-chain); docs/evaluation.md.
TINY_SHARE = 0.5


class Grouper:
    """Turns a fused score per chunk into the top_k distinct hits, as groups of chunk ids."""

    def __init__(self, chunks: Sequence[Chunk], max_lines: int, answer_chars: np.ndarray | None = None):
        self.chunks = chunks
        self.chunk_section = section_ids(chunks)  # int64[n_chunks]: the chunk's heading section
        self.chunk_parent = parent_ids(chunks)  # int64[n_chunks]: the heading above that section
        # bool[n_chunks]: the chunk is its whole section (a section cut into several chunks
        # keeps its pieces for each other)
        self.whole_section = np.bincount(self.chunk_section)[self.chunk_section] == 1
        # bool[n_chunks]: a whole section whose answer lines are under TINY_SHARE of its
        # embedded text. `answer_chars` is int[n_chunks], the characters of each chunk's
        # answer lines (highlight.LineRanker.answer_chars); None: no section is tiny, sibling
        # sections never join.
        embedded = np.array([len(c.embed_text) for c in chunks], dtype=np.float64)
        self.tiny = self.whole_section & (
            np.zeros(len(chunks), dtype=bool) if answer_chars is None
            else np.asarray(answer_chars) < TINY_SHARE * embedded
        )
        self.max_lines = max_lines  # the longest hit joined chunks may make (settings.max_chunk_lines)
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

    def _first_subsection(self, a: int, b: int) -> bool:
        """True when, of adjacent chunks a and b, the later is the first subsection of the
        earlier: a section's own text ("## 仕込みを中止するとき": when to cancel) and the
        heading right under it ("### 手順": the steps). The subsection continues its parent's
        topic, and its short heading gives the model little to rank it by, so the parent's
        text often outranks the steps that answer (Hit@1 over thirteen corpora: Gemma
        620 -> 625, e5 507 -> 510 of 718; no-answer caught 105 -> 104 and 104 -> 103, a
        price found in the larger hit; docs/evaluation.md, twenty-sixth pass)."""
        first, later = self.chunks[min(a, b)], self.chunks[max(a, b)]
        return (first.source == later.source and len(later.heading_path) == len(first.heading_path) + 1
                and later.heading_path[:-1] == first.heading_path)

    def _joins(self, group: list[int], i: int) -> bool:
        """True when chunk i continues the group's span and fits with it: within one section,
        as a whole section and its first subsection, or as whole sibling sections under one
        parent heading, one side tiny (TINY_SHARE)."""
        if not (i == min(group) - 1 or i == max(group) + 1):
            return False
        if self.chunk_section[i] != self.chunk_section[group[0]]:
            siblings = self.chunk_parent[i] == self.chunk_parent[group[0]]
            wholes = self.whole_section[i] and self.whole_section[group].all()
            neighbour = max(group) if i > max(group) else min(group)
            if not (wholes and (self._first_subsection(neighbour, i)
                                or siblings and (self.tiny[i] or self.tiny[group].all()))):  # a tiny side
                return False
        ids = [*group, i]
        span = self.chunks[max(ids)].line_end - self.chunks[min(ids)].line_start + 1
        return span <= self.max_lines


def section_ids(chunks: Sequence[Chunk]) -> np.ndarray:
    """int64[n_chunks]: an id per heading section (note and full heading path), as
    views.SectionView numbers them."""
    keys = [(c.source, c.heading_path) for c in chunks]
    ids = {k: i for i, k in enumerate(dict.fromkeys(keys))}
    return np.array([ids[k] for k in keys], dtype=np.int64)


def parent_ids(chunks: Sequence[Chunk]) -> np.ndarray:
    """int64[n_chunks]: an id per parent heading (the chunk's heading path less its last
    heading; the page itself for a chunk under the page title only), equal for the chunks of
    one section and of its sibling subsections.

    Why siblings and not only one section: wikis cut a topic into subsections of a line or
    two ("Pros" / "Cons" / "Needs consideration", "オーナーの指名" / "オーナーの責務"); the
    model scores such a short piece on its heading as much as on its line, so the wrong
    neighbour often ranks first. Shown together, both reach the reader in one hit, still no
    longer than max_lines (Grouper, TINY_SHARE). Only whole sections join a sibling: a
    section cut into several chunks keeps its pieces for each other (joining any adjacent
    sibling chunk glued the first piece of one AWS service's section to the previous
    service's)."""
    keys = [(c.source, c.heading_path[:-1] if len(c.heading_path) > 1 else c.heading_path) for c in chunks]
    ids = {k: i for i, k in enumerate(dict.fromkeys(keys))}
    return np.array([ids[k] for k in keys], dtype=np.int64)


def merged(chunks: list[Chunk], best: Chunk | None = None) -> Chunk:
    """Adjacent chunks (in line order) as one chunk; the lines between two chunks are blank
    (every content line lands in a chunk), so they are restored as such. The heading path
    and anchor are `best`'s (default: the first chunk's; retrieve.py passes the chunk holding
    the first answer line), so a hit of joined sections cites the one its answer is in. The
    shown text is joined alike when any chunk has one (wiki/shown.py)."""
    def joined(texts: list[str]) -> str:
        text = texts[0]
        for before, after, part in zip(chunks, chunks[1:], texts[1:]):
            text += "\n" * (after.line_start - before.line_end) + part
        return text

    shown = joined([c.page_text for c in chunks]) if any(c.shown is not None for c in chunks) else None
    return dataclasses.replace(
        best or chunks[0], line_start=chunks[0].line_start, line_end=chunks[-1].line_end,
        text=joined([c.text for c in chunks]), shown=shown,
    )
