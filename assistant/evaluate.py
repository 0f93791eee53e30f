"""Evaluation on question sets with gold line numbers: Hit@1, Hit@5, MRR and more.

A hit counts when its line range contains a gold line, it is at most 40 lines long, and,
when the question names its `source` file, it comes from that file; returning a whole
chapter never scores. Three kinds of row are understood, by their fields: plain questions
(`gold_lines`), follow-ups (`turns` of any length, gold per turn; scored on the last turn
with every earlier turn as history) and no-answer questions (empty `gold_lines`).

A *suite* is one corpus with its question files (`Suite`); each gets its own index, built
or reused in a cache folder (`index/eval/<suite>-<model>/`). Numbers are grouped per
question language x notes language (`cell=ja>en`: a Japanese question about English notes),
per language, per style and per no-answer kind. The notes language of a question is read from
its source file (`language.notes_language`, as search reads it). Each question the numbers
count against the assistant can be listed (`Miss`, `eval --misses`).
"""
from __future__ import annotations

import dataclasses
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from .errors import AssistantError
from .language import notes_language
from .notes import note_paths
from .retrieve import Answer, Searcher

MAX_HIT_LINES = 40


@dataclass
class Tally:
    """Counts over the questions of one group (a language cell, a style...): `n` questions,
    how many had a correct hit at rank 1 / within 5, the sum of reciprocal ranks, the line
    counts below and how many were answered no_answer. `row()` turns them into rates."""

    n: int = 0
    hit1: int = 0
    hit5: int = 0
    rr: float = 0.0
    line_top3: int = 0  # the top hit is right and a gold line is among its first three highlights
    line_near: int = 0  # the top hit is right and its first highlight is within one line of gold
    flagged: int = 0  # answered no_answer

    def add(self, answer: Answer, gold: set[int], source: str | None = None) -> None:
        """Count one answered question. `gold`: the note line numbers (1-based) that answer
        it, empty for a no-answer question (only `flagged` counts then); `source`: the note
        they are in, when the corpus has several (hits in other notes are not correct)."""
        self.n += 1
        self.flagged += answer.no_answer
        if not gold:
            return
        rank = first_correct_rank(answer, gold, source)
        self.hit1 += rank == 1
        self.hit5 += rank is not None and rank <= 5
        self.rr += 1 / rank if rank else 0.0
        if answer.hits and (source is None or answer.hits[0].chunk.source == source):
            lines = answer.hits[0].highlight_lines
            self.line_top3 += bool(gold & set(lines[:3]))
            self.line_near += bool(lines) and any(abs(lines[0] - g) <= 1 for g in gold)

    def row(self) -> dict:
        """{"n", "hit@1", "hit@5", "mrr", "line@3", "line±1", "flagged"}: counts divided by n
        (floats in [0, 1]; zeros when n is 0)."""
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


def first_correct_rank(answer: Answer, gold: set[int], source: str | None = None) -> int | None:
    """1-based rank of the first hit that holds a gold line (of `source`, when given)."""
    for rank, hit in enumerate(answer.hits, 1):
        c = hit.chunk
        if source is not None and c.source != source:
            continue
        if c.line_end - c.line_start + 1 <= MAX_HIT_LINES and any(c.line_start <= g <= c.line_end for g in gold):
            return rank
    return None


def read_jsonl(path: Path) -> list[dict]:
    """Every non-blank line of a question file, parsed; AssistantError naming the file when
    it cannot be read or a line is not JSON."""
    try:
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError) as exc:
        raise AssistantError(f"cannot read evaluation file {path}: {exc}") from None


@dataclass(frozen=True)
class Suite:
    """One corpus and the question files asked of it."""

    name: str
    corpus: Path
    files: tuple[Path, ...]

    @classmethod
    def from_folder(cls, folder: Path) -> "Suite":
        """A folder laid out like wiki-dev: `notes/` and `*.jsonl` question files beside it."""
        notes = folder / "notes"
        files = tuple(sorted(folder.glob("*.jsonl")))
        if not notes.is_dir() or not files:
            raise AssistantError(f"{folder} is not an evaluation suite (needs notes/ and *.jsonl files)")
        return cls(folder.name, notes, files)


def index_dir_for(root: Path, suite: Suite, model: str) -> Path:
    """The cache folder of a suite's index for one model: index/eval/<suite>-<model>/."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{suite.name}-{Path(model).name or model}")
    return root / "eval" / slug


def notes_languages(corpus: Path) -> dict[str, str]:
    """'ja' or 'en' per note (path relative to the corpus, '/'-separated)."""
    out = {}
    for path in note_paths(corpus):  # the notes an index reads (no hidden, linked or too deep folders)
        text = path.read_text(encoding="utf-8", errors="replace")
        out[path.relative_to(corpus).as_posix()] = notes_language(text)
    return out


def _unrelated_turn(rows: list[dict], i: int) -> str | None:
    """A question from another section (or file), as an earlier turn that must not drag this one."""
    here = (rows[i].get("source"), rows[i].get("section"))
    for other in rows[i + 1 :] + rows[:i]:
        there = (other.get("source"), other.get("section"))
        if other.get("gold_lines") and "question" in other and there != here:
            return other["question"]
    return None


def _notes_language(row: dict, languages: dict[str, str]) -> str:
    if row.get("source") in languages:
        return languages[row["source"]]
    if len(set(languages.values())) == 1:
        return next(iter(languages.values()))
    return "?"


@dataclass(frozen=True)
class Miss:
    """One question scored against the assistant: `kind` is a MISS_KINDS key; `cell` the
    question language > notes language ('ja>en'); `question` the last turn of a follow-up;
    `rank` the 1-based rank of the first right hit (None: none in the top k, or a no-answer
    question); `top` the top hit as 'source:first-last' lines ('' without hits)."""

    kind: str
    id: str
    cell: str
    question: str
    rank: int | None
    flagged: bool
    top: str

    def to_json(self) -> dict:
        """{"kind", "id", "cell", "question", "rank" (null: none in the top k), "flagged", "top"}."""
        return dataclasses.asdict(self)


MISS_KINDS = {  # kind -> the heading its list gets, in the order they are printed
    "answerable": "answerable, not right at rank 1",
    "flagged": 'answerable, wrongly flagged "not in the notes"',
    "unflagged": 'no-answer, not flagged "not in the notes"',
    "followup": "follow-up, not right at rank 1 or flagged",
}


def _misses(kind: str, row: dict, answer: Answer, gold: set[int], cell: str, row_id: str) -> list[Miss]:
    """The Miss records of one scored run (a "followup", "answerable" or "no-answer" run)."""
    rank = first_correct_rank(answer, gold, row.get("source")) if gold else None
    first = answer.hits[0].chunk if answer.hits else None
    top = f"{first.source}:{first.line_start}-{first.line_end}" if first else ""
    question = row["turns"][-1] if "turns" in row else row["question"]
    missed = {
        "answerable": kind == "answerable" and rank != 1,
        "flagged": kind == "answerable" and answer.no_answer,
        "unflagged": kind == "no-answer" and not answer.no_answer,
        "followup": kind == "followup" and (rank != 1 or answer.no_answer),
    }
    return [Miss(k, row_id, cell, question, rank, answer.no_answer, top) for k, yes in missed.items() if yes]


def evaluate(
    searcher: Searcher, rows: list[dict], top_k: int = 5, languages: dict[str, str] | None = None,
    misses: list[Miss] | None = None,
) -> dict[str, dict[str, Tally]]:
    """Tallies keyed by set kind, then by group ('all', 'cell=ja>en', 'lang=ja', 'style=numeric',
    'kind=off-topic', 'turns=3' ...); with `misses`, each question scored against the
    assistant (`Miss`) is appended to it, in the rows' order.

    Answerable and no-answer questions are asked twice: alone, and after an unrelated
    earlier turn ("unrelated-history", "no-answer-after-turn"), which shows whether
    follow-up handling drags new topics back or answers what the notes do not."""
    languages = languages or {}
    tallies: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    for i, row in enumerate(rows):
        source = row.get("source")
        if "turns" in row:
            turns = row["turns"]
            runs = [("followup", turns[-1], tuple(turns[:-1]), set(row["gold_lines"][-1]))]
        else:
            gold = set(row.get("gold_lines") or ())
            runs = [("answerable" if gold else "no-answer", row["question"], (), gold)]
            # Asked again after an earlier turn on another topic, as a chat sends every
            # question after its first: neither its hits nor its "not in the notes" may
            # follow that turn (an earlier turn lifted every no-answer question's score over
            # the floor in the chat, a fresh tester, heldout7).
            unrelated = _unrelated_turn(rows, i)
            if unrelated:
                runs.append(("unrelated-history" if gold else "no-answer-after-turn", row["question"], (unrelated,), gold))
        lang = row.get("lang", "?")
        groups = ["all", f"lang={lang}"]
        cell = f"{lang}>{_notes_language(row, languages)}"
        answerable = bool(row.get("gold_lines")) and (source or languages)
        if answerable:  # a no-answer question has no notes language
            groups.append(f"cell={cell}")
        # A row's `style` (how it is asked) or, in no-answer sets, its `kind` (why the notes
        # do not answer it), each under its own name.
        if row.get("style"):
            groups.append(f"style={row['style']}")
        elif row.get("kind"):
            groups.append(f"kind={row['kind']}")
        if "turns" in row:
            groups.append(f"turns={len(row['turns'])}")
        for kind, question, history, gold in runs:
            answer = searcher.search(question, top_k, history=history)
            for group in groups:
                tallies[kind][group].add(answer, gold, source)
            if misses is not None:
                misses += _misses(kind, row, answer, gold, cell if answerable else f"{lang}>-", str(row.get("id", f"row {i + 1}")))
    return tallies


COLUMNS = {
    "answerable": ("hit@1", "hit@5", "mrr", "line@3", "line±1", "flagged"),
    "followup": ("hit@1", "hit@5", "mrr", "flagged"),
    "unrelated-history": ("hit@1", "hit@5", "mrr"),
    "no-answer": ("flagged",),
    "no-answer-after-turn": ("flagged",),
}


def _group_order(group: str) -> tuple:
    prefix = group.split("=")[0]
    return ({"all": 0, "cell": 1, "lang": 2, "turns": 3}.get(prefix, 4), group)


def format_report(tallies: dict[str, dict[str, Tally]]) -> str:
    """A plain-text table per set kind: all, cells, languages, then styles. For no-answer
    questions `flagged` is the catch rate; for answerable ones it is the false-flag rate."""
    lines = []
    # Answerable last: it holds the headline numbers, so a `tail` of the report shows them.
    for kind in ("followup", "unrelated-history", "no-answer-after-turn", "no-answer", "answerable"):
        if kind not in tallies:
            continue
        cols = COLUMNS[kind]
        lines.append(f"[{kind}]  " + "  ".join(f"{c:>7}" for c in ("n", *cols)))
        for group in sorted(tallies[kind], key=_group_order):
            row = tallies[kind][group].row()
            lines.append(f"  {group:<22}" + f"{row['n']:>7}  " + "  ".join(f"{row[c]:>7.3f}" for c in cols))
        lines.append("")
    return "\n".join(lines)


def format_misses(misses: Sequence[Miss], top_k: int) -> str:
    """Each miss, one a line, under its kind's heading (MISS_KINDS): id, cell, the rank of the
    first right hit ("none in top k") and/or the flag, the top hit, then the question."""
    lines = []
    for kind, heading in MISS_KINDS.items():
        listed = [m for m in misses if m.kind == kind]
        lines.append(f"[misses: {heading}]  {len(listed)}")
        for m in listed:
            found = [] if kind == "unflagged" else [f"rank {m.rank}" if m.rank else f"none in top {top_k}"]
            found += ["flagged"] if kind == "followup" and m.flagged else []
            found += [f"top {m.top}" if m.top else "no hits"]
            lines.append(f"  {m.id:<10} {m.cell:<6} {', '.join(found):<40} {m.question}")
        lines.append("")
    return "\n".join(lines)


def as_json(tallies: dict[str, dict[str, Tally]]) -> dict:
    """{kind: {group: Tally.row()}}, what `eval --json` prints per suite."""
    return {kind: {group: t.row() for group, t in groups.items()} for kind, groups in tallies.items()}


@dataclass
class SuiteResult:
    """One suite's evaluation: the index folder it used, the model, and its tallies by
    question kind ("answerable", "no-answer", "followup"...) and group, and its misses."""

    suite: Suite
    index_dir: Path
    model: str
    tallies: dict[str, dict[str, Tally]] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)  # the questions scored against it (`Miss`)


def run_suites(suites: Sequence[Suite], settings, top_k: int = 5, index_dir: Path | None = None, progress=True,
               settings_for: Callable[[Path], Any] | None = None):
    """Build or reuse each suite's index and evaluate it; a list of SuiteResult.

    `index_dir` is used as given for a single suite; otherwise each suite gets its cache
    folder under the settings' index folder (`index_dir_for`). A folder given is never
    rebuilt for other notes or settings (IndexInUseError, naming --index-dir): it may be a
    user's index; only eval's own cache folders are built and updated freely.

    `settings_for(corpus)`, when given, makes each suite's settings as `ask --corpus` would
    for that folder (the CLI's: the wiki settings its site file states, unless set), so a
    suite is scored with the notes its wiki publishes (a Hugo wiki's `_index.md` pages, an
    MkDocs wiki's `_` names); else `settings` with the suite's corpus."""
    from .service import open_searcher

    results = []
    for suite in suites:
        given = index_dir is not None and len(suites) == 1
        where = index_dir if given else index_dir_for(settings.index_dir, suite, settings.model)
        base = settings_for(suite.corpus) if settings_for else settings
        suite_settings = dataclasses.replace(base, corpus_dir=suite.corpus, index_dir=where)
        searcher = open_searcher(suite_settings, progress=progress, replace_other=not given)
        rows = [row for path in suite.files for row in read_jsonl(path)]
        misses: list[Miss] = []
        tallies = evaluate(searcher, rows, top_k, notes_languages(suite.corpus), misses)
        results.append(SuiteResult(suite, where, settings.model, tallies, misses))
    return results
