"""The evaluation command's logic: suites, source-aware hits, N-turn follow-ups, cells.
Ranking quality is not the point here, so the hashing fake embeds (fast, deterministic)."""
from __future__ import annotations

import json
import shutil

from assistant.config import PROJECT_ROOT, from_env
from assistant.evaluate import Suite, first_correct_rank, index_dir_for, notes_languages, run_suites

CASES = PROJECT_ROOT / "tests" / "cases"


def _suite(tmp_path) -> Suite:
    folder = tmp_path / "mini"
    shutil.copytree(CASES / "duplicate-notes", folder / "notes")
    (folder / "notes" / "guide.md").write_text("# Guide\n\n## Retries\n\nRetry a failed job three times.\n", encoding="utf-8")
    rows = [
        {"id": "a1", "lang": "ja", "style": "factual", "question": "可視性タイムアウトのデフォルトは？",
         "source": "sqs.md", "gold_lines": [5]},
        {"id": "a2", "lang": "en", "style": "factual", "question": "How many times is a failed job retried?",
         "source": "guide.md", "gold_lines": [5]},
        {"id": "a3", "lang": "ja", "style": "factual", "question": "Lambda の SQS トリガーは？",
         "source": "guide.md", "gold_lines": [5]},  # a Japanese question about an English page
        {"id": "n1", "lang": "en", "kind": "off-topic", "question": "How long do cats live?", "gold_lines": []},
    ]
    (folder / "answerable.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    follow = {"id": "f1", "lang": "ja", "turns": ["SQSの可視性タイムアウトとは？", "Lambdaの場合は？", "最初の話の最大値は？"],
              "source": "sqs.md", "gold_lines": [[5], [5], [5]]}
    (folder / "followup.jsonl").write_text(json.dumps(follow, ensure_ascii=False), encoding="utf-8")
    return Suite.from_folder(folder)


def test_suite_is_indexed_in_its_cache_folder_and_scored_per_cell(tmp_path):
    suite = _suite(tmp_path)
    settings = from_env({}, model="fake-hash", index_dir=tmp_path / "index")

    (result,) = run_suites([suite], settings, progress=False)

    assert result.index_dir == index_dir_for(tmp_path / "index", suite, "fake-hash") == tmp_path / "index" / "eval" / "mini-fake-hash"
    assert (result.index_dir / "current").exists()
    answerable = result.tallies["answerable"]
    assert answerable["all"].n == 3
    assert answerable["cell=ja>ja"].n == answerable["cell=ja>en"].n == answerable["cell=en>en"].n == 1
    assert result.tallies["no-answer"]["all"].n == 1
    follow = result.tallies["followup"]
    assert follow["all"].n == 1 and follow["turns=3"].n == 1


def test_follow_ups_are_scored_on_the_last_turn_with_every_earlier_turn(tmp_path):
    suite = _suite(tmp_path)
    settings = from_env({}, model="fake-hash", index_dir=tmp_path / "index")
    seen = []

    import assistant.retrieve as retrieve

    original = retrieve.Searcher.search

    def spy(self, question, top_k=None, history=(), scope=None):
        seen.append((question, tuple(history)))
        return original(self, question, top_k, history, scope)

    retrieve.Searcher.search = spy
    try:
        run_suites([suite], settings, progress=False)
    finally:
        retrieve.Searcher.search = original
    assert ("最初の話の最大値は？", ("SQSの可視性タイムアウトとは？", "Lambdaの場合は？")) in seen


def test_a_hit_from_another_file_never_counts():
    from assistant.chunking import Chunk
    from assistant.retrieve import Answer, Hit

    def hit(source):
        return Hit(Chunk(source, "T", ("T",), "", None, 3, 6, "x"), 1.0, "u", (5,))

    answer = Answer("q", (hit("copy.md"), hit("sqs.md")))
    assert first_correct_rank(answer, {5}) == 1
    assert first_correct_rank(answer, {5}, "sqs.md") == 2
    assert first_correct_rank(answer, {5}, "other.md") is None


def test_notes_language_is_read_from_each_file(tmp_path):
    (tmp_path / "a.md").write_text("# メモ\n\nSQS の可視性タイムアウトは 30 秒。\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Guide\n\nRetry a failed job three times.\n", encoding="utf-8")
    assert notes_languages(tmp_path) == {"a.md": "ja", "b.md": "en"}


# --- a fresh tester (2026-12-01): which questions missed, without scoring by hand ----------

MISSING_ROWS = [  # with the fake model: an answerable question flagged, a no-answer one not flagged
    {"id": "x1", "lang": "en", "style": "odd", "question": "How long do cats live?", "source": "guide.md", "gold_lines": [5]},
    {"id": "n2", "lang": "ja", "kind": "uncovered-detail", "question": "可視性タイムアウトのデフォルトは？", "gold_lines": []},
]


def test_each_miss_is_named_with_its_cell_rank_and_top_hit(tmp_path):
    """Every question the numbers count against the assistant is a `Miss`, one per reason: as
    many answerable misses as questions not right at rank 1, as many flagged ones as the
    false-flag count, as many unflagged no-answer ones as the catch rate leaves."""
    suite = _suite(tmp_path)
    with (suite.files[0]).open("a", encoding="utf-8") as f:
        f.write("".join("\n" + json.dumps(r, ensure_ascii=False) for r in MISSING_ROWS))
    settings = from_env({}, model="fake-hash", index_dir=tmp_path / "index")

    (result,) = run_suites([suite], settings, progress=False)

    kinds = [m.kind for m in result.misses]
    answerable, no_answer, follow = (result.tallies[k]["all"] for k in ("answerable", "no-answer", "followup"))
    assert kinds.count("answerable") == answerable.n - answerable.hit1 >= 1
    assert kinds.count("flagged") == answerable.flagged >= 1
    assert kinds.count("unflagged") == no_answer.n - no_answer.flagged >= 1
    assert kinds.count("followup") == follow.n == 1 and (follow.hit1 == 0 or follow.flagged == 1)  # its one follow-up missed
    by_id = {(m.kind, m.id): m for m in result.misses}
    a3 = by_id["answerable", "a3"]  # a Japanese question about the English guide
    assert a3.cell == "ja>en" and a3.question == "Lambda の SQS トリガーは？" and a3.rank != 1
    assert a3.top and a3.top.split(":")[0] in ("guide.md", "lambda.md", "sqs.md", "sqs のコピー.md")
    assert by_id["followup", "f1"].question == "最初の話の最大値は？" and by_id["unflagged", "n2"].cell == "ja>-"
    assert all(m.rank is None or m.rank > 1 or m.flagged for m in result.misses if m.kind != "unflagged")


def test_no_answer_kinds_are_grouped_as_kind_not_style(tmp_path):
    """The no-answer set's `kind` field ("off-topic") was reported as style=off-topic."""
    (result,) = run_suites([_suite(tmp_path)], from_env({}, model="fake-hash", index_dir=tmp_path / "index"), progress=False)
    groups = set(result.tallies["no-answer"])
    assert "kind=off-topic" in groups and not any(g.startswith("style=") for g in groups), groups


def test_eval_scores_a_suite_with_the_notes_its_own_wiki_publishes(tmp_path, capsys, monkeypatch):
    """`eval --suite` configures each suite as `ask --corpus` would: a Hugo suite (hugo.toml
    beside notes/) keeps its `_index.md` section page, which the default Jekyll rules leave
    out as a `_` name (heldout13: 3 of 52 answers sat in such pages)."""
    from assistant import cli

    for name in ("ASSISTANT_WIKI_ENGINE", "ASSISTANT_ANCHOR_STYLE", "ASSISTANT_WIKI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "hugo-suite"
    (folder / "notes" / "ops").mkdir(parents=True)
    (folder / "notes" / "ops" / "_index.md").write_text("+++\ntitle = \"Ops\"\n+++\n## Shifts\n\nThe night shift starts at 22:00.\n",
                                                      encoding="utf-8")
    (folder / "notes" / "faq.md").write_text("# FAQ\n\n## Parking\n\nStaff park behind building B.\n", encoding="utf-8")
    (folder / "hugo.toml").write_text('baseURL = "https://x.example/"\ncontentDir = "notes"\n', encoding="utf-8")
    row = {"id": "q1", "lang": "en", "style": "factual", "question": "When does the night shift start?",
           "source": "ops/_index.md", "gold_lines": [6]}
    (folder / "answerable.jsonl").write_text(json.dumps(row), encoding="utf-8")

    def scored(*options):
        assert cli.main(["eval", "--suite", str(folder), "--model", "fake-hash", "--index-dir", str(tmp_path / "i"),
                         "--json", "--misses", *options]) == 0
        return json.loads(capsys.readouterr().out)

    hugo = next(iter(scored().values()))
    assert hugo["answerable"]["all"]["hit@5"] == 1.0
    jekyll = next(iter(scored("--wiki-engine", "jekyll", "--index-dir", str(tmp_path / "j")).values()))
    assert jekyll["answerable"]["all"]["hit@5"] == 0.0  # the section page is not a note under Jekyll's rules
