"""Evaluation on question sets with gold line numbers: Hit@1, Hit@5, MRR and more.

A hit counts when its line range contains a gold line and it is at most 40 lines long, so
returning a whole chapter never scores. Three kinds of file are understood, by their fields:
plain questions (`gold_lines`), follow-ups (`turns`, gold per turn) and no-answer questions
(empty `gold_lines`). Numbers are grouped per language and per style.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .errors import AssistantError
from .retrieve import Answer, Searcher

MAX_HIT_LINES = 40


@dataclass
class Tally:
    n: int = 0
    hit1: int = 0
    hit5: int = 0
    rr: float = 0.0
    line_top3: int = 0  # a gold line among the top hit's first three highlight lines
    line_near: int = 0  # first highlight within one line of a gold line
    flagged: int = 0  # answered no_answer

    def add(self, answer: Answer, gold: set[int]) -> None:
        self.n += 1
        self.flagged += answer.no_answer
        if not gold:
            return
        rank = first_correct_rank(answer, gold)
        self.hit1 += rank == 1
        self.hit5 += rank is not None and rank <= 5
        self.rr += 1 / rank if rank else 0.0
        if answer.hits:
            lines = answer.hits[0].highlight_lines
            self.line_top3 += bool(gold & set(lines[:3]))
            self.line_near += bool(lines) and any(abs(lines[0] - g) <= 1 for g in gold)

    def row(self) -> dict:
        n = max(self.n, 1)
        return {
            "n": self.n,
            "hit@1": self.hit1 / n,
            "hit@5": self.hit5 / n,
            "mrr": self.rr / n,
            "line@3": self.line_top3 / n,
            "line±1": self.line_near / n,
            "flagged": self.flagged / n,
        }


def first_correct_rank(answer: Answer, gold: set[int]) -> int | None:
    for rank, hit in enumerate(answer.hits, 1):
        c = hit.chunk
        if c.line_end - c.line_start + 1 <= MAX_HIT_LINES and any(c.line_start <= g <= c.line_end for g in gold):
            return rank
    return None


def read_jsonl(path: Path) -> list[dict]:
    try:
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError) as exc:
        raise AssistantError(f"cannot read evaluation file {path}: {exc}") from None


def _unrelated_turn(rows: list[dict], i: int) -> str | None:
    """A question from another section, as an earlier turn that must not drag this one."""
    for other in rows[i + 1 :] + rows[:i]:
        if other.get("gold_lines") and "question" in other and other.get("section") != rows[i].get("section"):
            return other["question"]
    return None


def evaluate(searcher: Searcher, rows: list[dict], top_k: int = 5) -> dict[str, dict[str, Tally]]:
    """Tallies keyed by set kind, then by group ('all', 'lang=ja', 'style=numeric', ...).

    Answerable questions are asked twice: alone, and after an unrelated earlier turn
    ("unrelated-history"), which shows whether follow-up handling drags new topics back."""
    tallies: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    for i, row in enumerate(rows):
        if "turns" in row:
            runs = [("followup", row["turns"][-1], tuple(row["turns"][:-1]), set(row["gold_lines"][-1]))]
        else:
            gold = set(row.get("gold_lines") or ())
            runs = [("answerable" if gold else "no-answer", row["question"], (), gold)]
            unrelated = _unrelated_turn(rows, i) if gold else None
            if unrelated:
                runs.append(("unrelated-history", row["question"], (unrelated,), gold))
        style = row.get("style") or row.get("kind")
        groups = ["all", f"lang={row.get('lang', '?')}"] + ([f"style={style}"] if style else [])
        for kind, question, history, gold in runs:
            answer = searcher.search(question, top_k, history=history)
            for group in groups:
                tallies[kind][group].add(answer, gold)
    return tallies


def format_report(tallies: dict[str, dict[str, Tally]]) -> str:
    """A plain-text table per set kind, languages first, then styles."""
    lines = []
    columns = {
        "answerable": ("hit@1", "hit@5", "mrr", "line@3", "line±1", "flagged"),
        "followup": ("hit@1", "hit@5", "mrr"),
        "unrelated-history": ("hit@1", "hit@5", "mrr"),
        "no-answer": ("flagged",),
    }
    # Answerable last: it holds the headline numbers, so a `tail` of the report shows them.
    for kind in ("followup", "unrelated-history", "no-answer", "answerable"):
        if kind not in tallies:
            continue
        cols = columns[kind]
        lines.append(f"[{kind}]  " + "  ".join(f"{c:>7}" for c in ("n", *cols)))
        for group in sorted(tallies[kind], key=lambda g: (g != "all", not g.startswith("lang"), g)):
            row = tallies[kind][group].row()
            lines.append(f"  {group:<22}" + f"{row['n']:>7}  " + "  ".join(f"{row[c]:>7.3f}" for c in cols))
        lines.append("")
    return "\n".join(lines)
