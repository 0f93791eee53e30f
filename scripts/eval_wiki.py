"""Evaluate one model profile on a multi-file wiki question set (the wiki-dev format).

    .venv/bin/python scripts/eval_wiki.py --model embeddinggemma-300m [--wiki ../shared/eval/wiki-dev]

Builds (or reuses) an index of WIKI/notes in index/eval/wiki-<model>/, then asks every
question of answerable.jsonl, noanswer.jsonl and followup.jsonl (last turn, earlier turns
as history) and prints Hit@1, Hit@5, line@3 and false "not in the notes" per question
language x notes language, the no-answer catch rate and follow-up Hit@5, as the set's
README defines them: a hit counts only when its file is the question's `source`, its line
range holds a gold line and it is at most 40 lines long.

A stop-gap until `python -m assistant eval` reads this format (issue 16); it uses the
same Searcher as every other surface. `--json` prints the numbers as one JSON object.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import config  # noqa: E402
from assistant.build import build_index  # noqa: E402
from assistant.evaluate import MAX_HIT_LINES, read_jsonl  # noqa: E402
from assistant.lexical import language  # noqa: E402
from assistant.retrieve import Searcher  # noqa: E402


def rank_of(answer, source: str, gold: set[int]) -> int | None:
    for rank, hit in enumerate(answer.hits, 1):
        c = hit.chunk
        if c.source == source and c.line_end - c.line_start + 1 <= MAX_HIT_LINES and any(c.line_start <= g <= c.line_end for g in gold):
            return rank
    return None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="e5")
    parser.add_argument("--wiki", type=Path, default=ROOT.parent / "shared" / "eval" / "wiki-dev")
    parser.add_argument("--index-dir", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    notes = args.wiki / "notes"
    index_dir = args.index_dir or ROOT / "index" / "eval" / f"wiki-{args.model}"
    settings = config.from_env(corpus_dir=notes, index_dir=index_dir, model=args.model)
    started = time.perf_counter()
    report = build_index(settings, progress=False)
    build_s = time.perf_counter() - started
    searcher = Searcher(settings)
    notes_lang = {p.relative_to(notes).as_posix(): language(p.read_text(encoding="utf-8")) for p in notes.rglob("*.md")}

    cells: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in read_jsonl(args.wiki / "answerable.jsonl"):
        answer = searcher.search(row["question"], 5)
        rank = rank_of(answer, row["source"], set(row["gold_lines"]))
        top = answer.hits[0] if answer.hits else None
        line3 = bool(top and top.chunk.source == row["source"] and set(row["gold_lines"]) & set(top.highlight_lines[:3]))
        for key in ("all", f"q={row['lang']}", f"q={row['lang']} notes={notes_lang.get(row['source'], '?')}"):
            cell = cells[key]
            cell["n"] += 1
            cell["hit@1"] += rank == 1
            cell["hit@5"] += rank is not None and rank <= 5
            cell["line@3"] += line3
            cell["false_flag"] += answer.no_answer
    noanswer = read_jsonl(args.wiki / "noanswer.jsonl")
    caught = sum(searcher.search(r["question"], 5).no_answer for r in noanswer)
    followups = read_jsonl(args.wiki / "followup.jsonl")
    follow_hit5 = 0
    for row in followups:
        answer = searcher.search(row["turns"][-1], 5, history=tuple(row["turns"][:-1]))
        rank = rank_of(answer, row["source"], set(row["gold_lines"][-1]))
        follow_hit5 += rank is not None and rank <= 5
    result = {
        "model": args.model,
        "embedder": searcher.embedder.name,
        "chunks": report.n_chunks,
        "build_seconds": round(build_s, 1),
        "build_status": report.status,
        "answerable": {k: {m: (v / c["n"] if m != "n" else int(v)) for m, v in c.items()} for k, c in sorted(cells.items())},
        "noanswer_caught": f"{caught}/{len(noanswer)}",
        "followup_hit@5": f"{follow_hit5}/{len(followups)}",
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    print(f"model {result['embedder']}  chunks {report.n_chunks}  build {build_s:.1f} s ({report.status})")
    print(f"{'cell':<22}{'n':>4}{'hit@1':>8}{'hit@5':>8}{'line@3':>8}{'flagged':>9}")
    for key, c in result["answerable"].items():
        print(f"{key:<22}{c['n']:>4}{c['hit@1']:>8.3f}{c['hit@5']:>8.3f}{c['line@3']:>8.3f}{c['false_flag']:>9.3f}")
    print(f"no-answer caught {result['noanswer_caught']}   follow-up last-turn hit@5 {result['followup_hit@5']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
