"""Compute a profile's "not in the notes" floors the way e5's were set (docs/evaluation.md).

    .venv/bin/python scripts/calibrate_floors.py --model embeddinggemma-300m --index-dir index/eval/seed-gemma

For every answerable question of the dev set, the fused match score of its top hit (what
noanswer.is_unanswered compares), per question language; the floor is the 3rd percentile,
so about 3% of answerable questions fall below it. Also prints the no-answer questions'
top scores, to show how much the floor alone separates. The result goes into the profile's
`no_answer_floors` (profiles.py), by hand: a constant, reviewed, never fitted at run time.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import config  # noqa: E402
from assistant.evaluate import read_jsonl  # noqa: E402
from assistant.lexical import language  # noqa: E402
from assistant.retrieve import Searcher  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"


def top_match(searcher: Searcher, question: str) -> float:
    scores = searcher.score(searcher.encode(question), question)
    return float(scores.match[int(np.argmax(scores.ranking))])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--answerable", type=Path, default=EVAL / "dev.jsonl")
    parser.add_argument("--noanswer", type=Path, default=EVAL / "noanswer-dev.jsonl")
    args = parser.parse_args()
    searcher = Searcher(config.from_env(corpus_dir=args.corpus, index_dir=args.index_dir, model=args.model))
    for label, path in (("answerable", args.answerable), ("no-answer", args.noanswer)):
        by_lang: dict[str, list[float]] = {}
        for row in read_jsonl(path):
            by_lang.setdefault(language(row["question"]), []).append(top_match(searcher, row["question"]))
        for lang, scores in sorted(by_lang.items()):
            s = np.array(scores)
            line = f"{label:<11}{lang}  n={len(s):>3}  min {s.min():.3f}  median {np.median(s):.3f}  max {s.max():.3f}"
            if label == "answerable":
                line += f"  -> floor (3rd percentile) {np.quantile(s, 0.03):.3f}"
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
