"""Late chunking for passages: a passage's vector pooled from its chunk's own model pass.

A build embedded every chunk and, apart, every ~200-token passage (passages.py): ~129 of a
seed build's ~440 CPU seconds went to the passages (docs/performance.md). Here each chunk
runs once, fed as pieces (its heading label, then one piece per shown line), which gives the
chunk's vector exactly as before plus the raw sum of every piece's token states; a passage's
vector is the normalised sum of its lines' and its label's token states in that pass ("late
chunking", Guenther et al. 2024), with no pass of its own. Pooling the answer lines the same
way measured worse (Japanese line@3 0.83 -> 0.66 on dev, 2026-11-30), so lines keep their
own pass (encode._run_lines).

Only what a passage needs is stored: per chunk, the sum over each run of its lines that
belongs to one passage ("part"), and its label's sum. A passage identical to its chunk keeps
the chunk's vector (the same text, embedded alone: today's behaviour); a passage whose chunk
text is not its label and lines (chunking.Chunk.embed_text changed) or whose lines the window
cut off is embedded alone. What this leaves out: the model call (E5Embedder.embed_late), the
cache and batching (encode.py).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from .textnorm import width_fold

# Recorded in the manifest (store.chunking_settings) and in every pooled key: a change rebuilds.
LATE_VERSION = "late-passages-1"


@dataclass
class Window:
    """One chunk as the model reads it: pieces (a heading label, if any, then its non-blank
    shown lines) and the parts whose token-state sums the build keeps."""

    key: str  # the chunk text's content hash: its vector's cache key
    pieces: list[str]
    lines: list[int]  # file line number of each piece; 0 for the label
    parts: dict[tuple[int, int], str] = field(default_factory=dict)  # (first, last piece) -> key of its sum
    # piece -> (vector key, code key) of an answer line pooled from this pass (LINES_FROM)
    line_keys: dict[int, tuple[str, str]] = field(default_factory=dict)
    chunk_vector: bool = True  # its vector is its chunk's (a line group's window is not)

    def span(self, line_start: int, line_end: int) -> tuple[int, int] | None:
        """(first, last) piece of the lines in [line_start, line_end], or None when none is."""
        inside = [i for i, n in enumerate(self.lines) if n and line_start <= n <= line_end]
        return (inside[0], inside[-1]) if inside else None

    def add_part(self, first: int, last: int) -> str:
        key = part_key(self.key, first, last)
        self.parts[(first, last)] = key
        return key


def chunk_window(chunk, chunk_text: str, key: str) -> Window | None:
    """The chunk's pieces, or None when `chunk_text` (what gets embedded) is not its lines
    (with or without a label line first) as chunking.Chunk.embed_text joins them."""
    numbered = [(chunk.line_start + i, x.rstrip()) for i, x in enumerate(chunk.page_text.split("\n")) if x.strip()]
    pieces = chunk_text.split("\n")
    extra = len(pieces) - len(numbered)
    if extra not in (0, 1) or pieces[extra:] != [width_fold(t) for _, t in numbered]:
        return None
    return Window(key, pieces, [0] * extra + [n for n, _ in numbered])


def part_key(chunk_hash: str, first: int, last: int) -> str:
    """Cache key of the raw token-state sum of pieces first..last of a chunk's pass."""
    return hashlib.sha256(f"{LATE_VERSION}\x00{chunk_hash}\x00{first}:{last}".encode()).hexdigest()


def passage_key(part_keys: list[str]) -> str:
    """Cache key of a passage pooled from these part sums; never a text's content hash (a
    passage embedded alone is keyed by its text, encode.text_hash)."""
    return hashlib.sha256("\x00".join([LATE_VERSION, "passage", *part_keys]).encode()).hexdigest()


# EXPERIMENT (issue 14, step 2): answer lines pooled from a window pass instead of their own.
# "" (their own pass), "chunk:<alpha>" (the chunk's pass, each line's mean state less alpha x
# the window's mean), "group:<n>" (a window of the label and n lines, label + line pooled).
import os as _os

LINES_FROM = _os.environ.get("ASSISTANT_LATE_LINES", "")
if LINES_FROM:
    LATE_VERSION += "+lines-" + LINES_FROM
POOL_PASSAGES = _os.environ.get("ASSISTANT_LATE_PASSAGES", "1") != "0"
if not POOL_PASSAGES:
    LATE_VERSION += "+passages-alone"


def line_vector(window: Window, piece: int, piece_sums: np.ndarray, piece_tokens: np.ndarray) -> np.ndarray | None:
    """An answer line's unit vector pooled from its window's pass (LINES_FROM)."""
    n = int(piece_tokens[piece])
    if n == 0:
        return None
    kind, _, arg = LINES_FROM.partition(":")
    if kind == "chunk":
        mean = piece_sums[piece] / n - float(arg) * piece_sums.sum(axis=0) / max(int(piece_tokens.sum()), 1)
    else:
        mean = piece_sums[piece] + (piece_sums[0] if window.lines[0] == 0 else 0)
    norm = float(np.linalg.norm(mean))
    return (mean / norm).astype(np.float32) if norm > 0 else None


def plan_lines(chunks, chunk_texts: list[str], chunk_keys: list[str], lines, plan: "LatePlan") -> tuple[list, list] | None:
    """(vector keys, code keys) of the answer lines pooled per LINES_FROM (None when off); a
    line no window holds keeps its content hash (its own pass)."""
    if not LINES_FROM:
        return None
    kind, _, arg = LINES_FROM.partition(":")
    vec_keys, code_keys = [], []
    for unit in lines:
        c = unit.chunk
        window = plan.windows.get(chunk_keys[c]) or chunk_window(chunks[c], chunk_texts[c], chunk_keys[c])
        piece = window.lines.index(unit.line) if window and unit.line in window.lines else None
        if piece is None:
            vec_keys.append(None)
            code_keys.append(None)
            continue
        if kind == "group":
            size = int(arg)
            body = [i for i, n in enumerate(window.lines) if n]
            at = body.index(piece) // size
            group = body[at * size : (at + 1) * size]
            head = [0] if window.lines[0] == 0 else []
            gkey = hashlib.sha256(f"{LATE_VERSION}\x00group\x00{window.key}\x00{group[0]}".encode()).hexdigest()
            g = plan.windows.get(gkey) or Window(gkey, [window.pieces[i] for i in head + group],
                                                  [window.lines[i] for i in head + group], chunk_vector=False)
            plan.windows[gkey] = g
            window, piece = g, len(head) + group.index(piece)
        else:
            plan.windows[window.key] = window
        vk = hashlib.sha256(f"{LATE_VERSION}\x00line\x00{window.key}\x00{piece}".encode()).hexdigest()
        ck = hashlib.sha256(f"{LATE_VERSION}\x00code\x00{window.key}\x00{piece}".encode()).hexdigest()
        window.line_keys[piece] = (vk, ck)
        vec_keys.append(vk)
        code_keys.append(ck)
    return vec_keys, code_keys


@dataclass
class LatePlan:
    """The windows to run (one per distinct chunk text) and the passages to pool:
    (passage's pooled key, keys of the part sums it adds up)."""

    windows: dict[str, Window]
    passages: list[tuple[str, list[str]]]


def plan_passages(chunks, chunk_texts: list[str], chunk_keys: list[str], passages, passage_texts: list[str]):
    """(LatePlan, the cache key of every passage): its text's content hash when it is a whole
    chunk's text or cannot be pooled, else its pooled key."""
    windows: dict[str, Window] = {}
    plan = LatePlan(windows, [])
    keys = []
    for (passage, _), text in zip(passages, passage_texts):
        own = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if not POOL_PASSAGES or any(chunk_texts[c] == text for c in passage.chunks):
            keys.append(own)
            continue
        found = [windows.get(chunk_keys[c]) or chunk_window(chunks[c], chunk_texts[c], chunk_keys[c]) for c in passage.chunks]
        spans = [w.span(passage.line_start, passage.line_end) if w else None for w in found]
        if not found or None in found or all(s is None for s in spans):
            keys.append(own)
            continue
        part_keys = []
        label = found[0]
        if label.lines[0] == 0 and text.split("\n", 1)[0] == label.pieces[0]:
            part_keys.append(label.add_part(0, 0))
        for window, span in zip(found, spans):
            windows[window.key] = window
            if span is not None:
                part_keys.append(window.add_part(*span))
        pooled = passage_key(part_keys)
        plan.passages.append((pooled, part_keys))
        keys.append(pooled)
    return plan, keys


def part_sums(window: Window, piece_sums: np.ndarray, piece_tokens: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """(key, raw sum) of every part of a window, from one pass's per-piece sums; a part
    the window cut off entirely is left out (its passage is then embedded alone)."""
    out = []
    for (first, last), key in window.parts.items():
        if int(piece_tokens[first : last + 1].sum()) > 0:
            out.append((key, piece_sums[first : last + 1].sum(axis=0)))
    return out


def pooled(sums: list[np.ndarray]) -> np.ndarray | None:
    """A passage's unit vector: its parts' summed token states, normalised (e5's mean pooling
    up to scale); None when they sum to nothing."""
    total = np.sum(sums, axis=0, dtype=np.float32)
    norm = float(np.linalg.norm(total))
    return total / norm if norm > 0 else None
