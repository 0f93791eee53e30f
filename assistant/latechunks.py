"""Late chunking: passages get their vectors from their chunks' own model pass.

Embedding chunks, ~200-token passages, every answer line and every line's latent-term code
as separate model inputs cost 3.1-3.8x one pass over the chunks (issue 14). Here each chunk
is run once (its window, as before: its vector is unchanged) and a passage's vector is the
mean of its lines' and its chunk's heading label's token states in that pass ("late
chunking", Guenther et al. 2024). Answer lines are not pooled this way: in their chunk's
context they lose what sets them apart from their neighbours (Japanese line@3 0.83 -> 0.66
on the dev set); each line gets its vector and its latent-term code from one pass of its own
instead (build._run_lines).

The chunk text is fed as pieces, one per line (the engine tokenizes each alone; a line starts
at a word boundary, so the tokens equal those of the joined text). A passage of a chunk
whose text is not its lines (labels dropped for amplification), or whose lines the window
cut off, is embedded alone. What this leaves out: running the model
(embedding.E5Embedder.embed_late), the cache and batching (build.py).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .notes import LIQUID_INLINE

# Recorded in the manifest (and in every cache key of a pooled vector): a change rebuilds.
LATE_VERSION = "late-2"  # 2: lines from their own pass (pooled lines measured worse)


@dataclass(frozen=True)
class Window:
    """One chunk as the model reads it: a heading label (if any) and its non-blank lines."""

    pieces: list[str]
    lines: list[int]  # file line number of each piece; 0 for the label

    def piece_of(self, line: int) -> int | None:
        try:
            return self.lines.index(line)
        except ValueError:
            return None


def chunk_window(chunk, chunk_text: str) -> Window | None:
    """The chunk's pieces, or None when `chunk_text` (what gets embedded) is not its label
    and its lines joined as chunking.Chunk.embed_text joins them."""
    body = [(chunk.line_start + i, t) for i, x in enumerate(chunk.text.split("\n"))
            if (t := LIQUID_INLINE.sub("", x).rstrip()).strip()]
    joined = "\n".join(t for _, t in body)
    if chunk_text == joined:
        head: list[tuple[int, str]] = []
    elif chunk_text.endswith("\n" + joined):
        head = [(0, chunk_text[: len(chunk_text) - len(joined) - 1])]
    else:
        return None
    return Window([t for _, t in head + body], [n for n, _ in head + body])


def piece_key(chunk_hash: str, piece: int, kind: str) -> str:
    """Cache key derived from a content hash: a piece of a chunk and what it holds ("sum":
    the raw token-state sum of a chunk's piece, for passages; "code": a line's latent-term
    code from its own dense pass, piece 0)."""
    return hashlib.sha256(f"{LATE_VERSION}\x00{chunk_hash}\x00{piece}\x00{kind}".encode()).hexdigest()


def passage_key(parts: list[tuple[str, int, int]]) -> str:
    """Cache key of a passage pooled from (chunk hash, first piece, last piece) parts."""
    text = "\x00".join(f"{h}:{a}:{b}" for h, a, b in parts)
    return hashlib.sha256(f"{LATE_VERSION}\x00passage\x00{text}".encode()).hexdigest()
