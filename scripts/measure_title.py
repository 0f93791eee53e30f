"""Does EmbeddingGemma's `title:` slot help? Dense-only A/B over whole chunks.

    .venv/bin/python scripts/measure_title.py [--corpus corpus] [--questions ../shared/eval/dev.jsonl]

Embeds every chunk twice with the embeddinggemma-300m profile: `title: none | text:
{heading path}\\n{body}` (the heading path stays in the text) and `title: {heading path} |
text: {body}`, and ranks chunks by cosine alone for each answerable question (no lines,
passages, sections or BM25, so the prompt is the only difference). Prints Hit@1 / Hit@5
per question language. Costs one model pass over the chunks per variant, no index build.
For a wiki set (questions with `source`), a hit must also come from the question's file.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.chunking import chunk_note  # noqa: E402
from assistant.evaluate import MAX_HIT_LINES, read_jsonl  # noqa: E402
from assistant.notes import load_notes  # noqa: E402
from assistant.profiles import EMBEDDINGGEMMA_300M  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--questions", type=Path, default=ROOT.parent / "shared" / "eval" / "dev.jsonl")
    args = parser.parse_args()
    embedder = EMBEDDINGGEMMA_300M.load(None, None)
    chunks = []
    for note in load_notes(args.corpus):
        chunks += chunk_note(note, 40, embedder.max_tokens - 16, embedder.count_tokens)
    rows = [r for r in read_jsonl(args.questions) if r.get("gold_lines")]
    queries = embedder.embed_queries([r["question"] for r in rows])
    for heading_title in (False, True):
        embedder.heading_title = heading_title
        vectors = embedder.embed_passages([c.embed_text for c in chunks], batch_size=8)
        order = np.argsort(-(queries @ vectors.T), axis=1)
        tally: dict[str, list[int]] = {}
        for row, ranked in zip(rows, order):
            gold, source = set(row["gold_lines"]), row.get("source")
            rank = next((k for k, i in enumerate(ranked[:5], 1)
                         if (source is None or chunks[i].source == source)
                         and chunks[i].line_end - chunks[i].line_start + 1 <= MAX_HIT_LINES
                         and any(chunks[i].line_start <= g <= chunks[i].line_end for g in gold)), None)
            for key in ("all", row["lang"]):
                t = tally.setdefault(key, [0, 0, 0])
                t[0] += 1
                t[1] += rank == 1
                t[2] += rank is not None
        label = "title: {heading path}" if heading_title else "title: none"
        print(f"{label:<24}" + "  ".join(f"{k} n={n} hit@1 {h1 / n:.3f} hit@5 {h5 / n:.3f}" for k, (n, h1, h5) in sorted(tally.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
