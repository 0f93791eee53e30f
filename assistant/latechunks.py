"""Late chunking: a chunk's lines and passages get their vectors from the chunk's own pass.

Embedding chunks, ~200-token passages, every answer line and every line's latent-term code
as separate model inputs cost 3.1-3.8x one pass over the chunks (issue 14). Here each chunk
is run once (its window, as before) and a line's vector is the mean of its tokens' states in
that pass, its latent-term code the SAE code of those tokens, and a passage's vector the mean
over its lines' tokens and its chunk's heading label ("late chunking", Guenther et al. 2024).
A chunk's own vector is unchanged (the mean over all its tokens).

The chunk text is fed as pieces, one per line (the engine tokenizes each alone; a line starts
at a word boundary, so the tokens equal those of the joined text). A line cut off by the
window, or a chunk whose text is not its lines (e.g. labels dropped for amplification),
falls back to embedding the unit alone. What this leaves out: running the model
(embedding.E5Embedder.embed_late), the cache and batching (build.py).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .notes import LIQUID_INLINE

# Recorded in the manifest (and in every cache key of a pooled vector): a change rebuilds.
LATE_VERSION = "late-1"


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
    """Cache key of a pooled vector: the chunk's content hash, the piece, and what it holds
    ("line": a unit vector and a code; "sum": raw token-state sum, for passages)."""
    return hashlib.sha256(f"{LATE_VERSION}\x00{chunk_hash}\x00{piece}\x00{kind}".encode()).hexdigest()


def passage_key(parts: list[tuple[str, int, int]]) -> str:
    """Cache key of a passage pooled from (chunk hash, first piece, last piece) parts."""
    text = "\x00".join(f"{h}:{a}:{b}" for h, a, b in parts)
    return hashlib.sha256(f"{LATE_VERSION}\x00passage\x00{text}".encode()).hexdigest()
