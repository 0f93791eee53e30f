"""The real entry point, `python -m assistant`, driven in a subprocess with the fake-hash model.

Every command must have --help text; `ask --json` and `--batch` print the documented objects;
library errors are one line on stderr with exit code 1 and never a traceback.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import build_parser
from assistant.config import PROJECT_ROOT
from assistant.query import validate_question

pytestmark = pytest.mark.slow  # every test runs `python -m assistant` as a subprocess

DATA = PROJECT_ROOT / "tests" / "data"
HIT_FIELDS = {"source", "title", "heading_path", "line_start", "line_end", "score", "url", "text"}


def run(*args: str, env: dict | None = None, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    base.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONIOENCODING": "utf-8"})
    base.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        cwd=PROJECT_ROOT, env=base, input=stdin, capture_output=True, text=True, encoding="utf-8", timeout=timeout,
    )


def fake_env(corpus, index) -> dict:
    return {"ASSISTANT_CORPUS_DIR": str(corpus), "ASSISTANT_INDEX_DIR": str(index), "ASSISTANT_MODEL": "fake-hash"}


def assert_one_line_error(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for word in words:
        assert word in lines[0], lines[0]


def small_corpus_at(path):
    path.mkdir(parents=True)
    for name in ("code_fence_hash.md", "emoji.md", "setext.md", "liquid.md", "long_section.md"):
        shutil.copy(DATA / name, path / name)
    (path / "aws.md").write_text(
        "# AWS\n\n## Amazon SQS\n\n- The visibility timeout defaults to 30 seconds.\n\n"
        "## AWS Lambda\n\n- A function runs for at most 900 seconds.\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def indexed(tmp_path_factory) -> dict:
    """A small corpus indexed once through the CLI; tests only read it."""
    root = tmp_path_factory.mktemp("cli")
    env = fake_env(small_corpus_at(root / "corpus"), root / "index")
    result = run("index", "--quiet", env=env)
    assert result.returncode == 0, result.stderr
    return env


# ----------------------------------------------------------------------------- help


def _commands() -> list[tuple[str, ...]]:
    """Every command path of the real parser, found by walking its subparsers."""
    found = [()]

    def walk(parser: argparse.ArgumentParser, prefix: tuple[str, ...]):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found.append((*prefix, name))
                    walk(sub, (*prefix, name))

    walk(build_parser(), ())
    return found


def test_the_known_commands_exist():
    assert {("index",), ("ask",), ("eval",)} <= set(_commands())


@pytest.mark.parametrize("command", _commands(), ids=lambda c: " ".join(c) or "main")
def test_every_command_has_help(command):
    result = run(*command, "--help")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m assistant")
    parser = build_parser()
    for name in command:
        parser = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[name]
    assert parser.description, f"`{' '.join(command)}` has no description"
    assert parser.description.split()[0] in result.stdout
    for action in parser._actions:
        if action.option_strings and action.dest != "help":
            assert action.help, f"{action.option_strings} of `{' '.join(command)}` has no help text"


def test_no_command_is_a_usage_error():
    result = run()

    assert result.returncode == 2
    assert "usage:" in result.stderr and "Traceback" not in result.stderr


# ----------------------------------------------------------------------------- index and ask


def test_index_then_up_to_date(tmp_path):
    env = fake_env(small_corpus_at(tmp_path / "corpus"), tmp_path / "index")

    first = run("index", "--quiet", env=env)
    second = run("index", "--quiet", env=env)

    assert first.returncode == 0 and "built index" in first.stdout, first.stderr
    assert second.returncode == 0 and "up to date" in second.stdout
    assert (tmp_path / "index" / "current").is_symlink()


def test_ask_json_has_the_documented_fields(indexed):
    result = run("ask", "SQS visibility timeout", "--json", "--top-k", "3", env=indexed)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    answer = json.loads(lines[0])
    assert {"question", "no_answer", "hits"} <= set(answer)
    assert answer["question"] == "SQS visibility timeout"
    assert isinstance(answer["no_answer"], bool)
    assert 1 <= len(answer["hits"]) <= 3
    for hit in answer["hits"]:
        assert HIT_FIELDS <= set(hit) and "highlight_lines" in hit
        assert isinstance(hit["heading_path"], list) and hit["heading_path"][0] == hit["title"]
        assert isinstance(hit["line_start"], int) and 1 <= hit["line_start"] <= hit["line_end"]
        assert isinstance(hit["score"], float)
        assert hit["url"].startswith("https://")
        assert isinstance(hit["highlight_lines"], list)
        assert all(hit["line_start"] <= n <= hit["line_end"] for n in hit["highlight_lines"])
        note = Path(indexed["ASSISTANT_CORPUS_DIR"]) / hit["source"]
        lines_of_note = note.read_text(encoding="utf-8").split("\n")
        assert hit["text"] == "\n".join(lines_of_note[hit["line_start"] - 1 : hit["line_end"]])
    scores = [h["score"] for h in answer["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_text_output_cites_lines(indexed):
    result = run("ask", "Lambda 900 seconds", "--top-k", "2", env=indexed)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"^1\. AWS › ", out, re.M), out  # breadcrumb (a no-answer note may come first)
    assert re.search(r"^2\. ", out, re.M) and not re.search(r"^3\. ", out, re.M)
    assert re.search(r"^   \S+\.md  L\d+–L\d+  https://\S+$", out, re.M), out  # file, lines, link


def test_ask_without_index_builds_it(tmp_path):
    env = fake_env(small_corpus_at(tmp_path / "corpus"), tmp_path / "index")

    result = run("ask", "Lambda", "--json", env=env)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["hits"]
    assert (tmp_path / "index" / "current").is_symlink()
    # Says so (a mistyped --index-dir must not build a second index unnoticed), once.
    assert f"no index in {tmp_path / 'index'} yet: building it" in result.stderr
    again = run("ask", "Lambda", "--json", env=env)
    assert again.returncode == 0 and "no index" not in again.stderr, again.stderr


def test_batch_answers_every_line_in_order_and_reports_bad_lines(indexed, tmp_path):
    batch = tmp_path / "questions.jsonl"
    batch.write_text(
        "\n".join([
            json.dumps({"question": "SQS visibility timeout"}),
            "{not json",
            json.dumps({"question": "Lambda", "history": ["SQS?"]}),
            json.dumps({"question": ""}),
            "",
            json.dumps(["a list"]),
            json.dumps({"question": "rocket 🚀", "history": "not a list"}),
            json.dumps({"question": "絵文字 🚀"}),
            json.dumps({"question": "Lambda", "k": 2, "histroy": ["SQS?"]}),  # the API refuses these too
            json.dumps({"q": "Lambda"}),
        ]) + "\n",
        encoding="utf-8",
    )

    result = run("ask", "--batch", str(batch), "--top-k", "2", env=indexed)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 9  # the blank line is skipped
    assert [o.get("question") for o in out] == ["SQS visibility timeout", None, "Lambda", None, None, None, "絵文字 🚀", None, None]
    assert [o.get("line") for o in out] == [None, 2, None, 4, 6, 7, None, 9, 10]
    assert "unknown field 'histroy', 'k'" in out[7]["error"] and "--top-k" in out[7]["error"]
    assert "unknown field 'q'" in out[8]["error"]
    for o in out:
        if "error" in o:
            assert set(o) == {"line", "error"} and o["error"]
        else:
            assert {"question", "no_answer", "hits"} <= set(o) and len(o["hits"]) <= 2
    assert "invalid JSON" in out[1]["error"]


def test_batch_from_stdin_all_good_exits_0(indexed):
    stdin = json.dumps({"question": "SQS"}) + "\n" + json.dumps({"question": "Lambda"}) + "\n"

    result = run("ask", "--batch", "-", "--json", env=indexed, stdin=stdin)

    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["question"] for line in result.stdout.splitlines()] == ["SQS", "Lambda"]


@pytest.mark.parametrize("question,lang", [("How is 切り戻し done in Kubernetes?", "en"), ("Kubernetesの切り戻し手順は？", "ja")])
def test_the_no_answer_notice_follows_the_sentence_not_a_quoted_term(indexed, question, lang):
    """One Japanese term in an English question printed the Japanese notice (a fresh tester,
    2026-12-01). Kubernetes is a name the notes never mention, so both are "not in the notes"."""
    from assistant.render import NO_ANSWER

    from assistant.render import WEAK_LINES_LABEL

    result = run("ask", question, "--top-k", "1", env=indexed)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == NO_ANSWER[lang], result.stdout
    # The label over the closest lines is in the notice's language (a fresh user, 2026-12-05:
    # a Japanese notice over "closest lines (weak match):").
    assert "   " + WEAK_LINES_LABEL[lang] in result.stdout.splitlines(), result.stdout


# ----------------------------------------------------------------------------- errors are one line


def test_empty_corpus_is_one_line_exit_1(tmp_path):
    (tmp_path / "corpus").mkdir()
    env = fake_env(tmp_path / "corpus", tmp_path / "index")

    for args in (("index",), ("ask", "SQS")):
        assert_one_line_error(run(*args, env=env), "no readable notes")


def test_missing_corpus_folder_is_one_line_exit_1(tmp_path):
    assert_one_line_error(run("index", env=fake_env(tmp_path / "nope", tmp_path / "index")), "does not exist")


def test_unknown_model_is_one_line_exit_1(tmp_path):
    # Nothing is downloaded or retried (tests/test_embedding.py checks no connection is
    # attempted); run()'s timeout only guards against a hang.
    env = fake_env(small_corpus_at(tmp_path / "corpus"), tmp_path / "index")

    result = run("ask", "SQS", "--model", "no-such-org/no-such-model-xyz", env=env)

    assert_one_line_error(result, "no-such-org/no-such-model-xyz")
    assert not (tmp_path / "index" / "current").exists()


def test_unknown_model_from_environment(tmp_path):
    env = {**fake_env(small_corpus_at(tmp_path / "corpus"), tmp_path / "index"), "ASSISTANT_MODEL": "no-such-model-xyz"}

    assert_one_line_error(run("index", env=env), "no-such-model-xyz")


@pytest.mark.parametrize("question", ["", "   ", "\t\n"])
def test_empty_question_is_one_line_exit_1(indexed, question):
    assert_one_line_error(run("ask", question, env=indexed), "empty")


@pytest.mark.parametrize("question", ["🙂🙂", "🤔？", "😀 😀 😀", "???", "。。。", "→ ★"])
def test_a_question_of_symbols_or_emoji_alone_is_one_line_exit_1(indexed, question):
    # It used to be searched and answered with whatever its vector landed nearest to.
    assert_one_line_error(run("ask", question, env=indexed), "no words")


@pytest.mark.parametrize("question", ["42?", "S3?", "ＳＱＳ？", "可視性", "👍 SQS"])
def test_a_question_with_one_word_or_number_is_searched(question):
    assert validate_question(question) == question


@pytest.mark.parametrize("args", [("   ",), ("SQS", "--top-k", "0"), ("SQS", "--history", "a", "--history", "b") + ("--history", "c") * 19])
def test_a_bad_question_without_an_index_is_refused_before_any_build(tmp_path, args):
    env = fake_env(small_corpus_at(tmp_path / "corpus"), tmp_path / "index")
    assert_one_line_error(run("ask", *args, env=env))
    assert not (tmp_path / "index").exists()  # a first build takes minutes: nothing was started


def test_a_japanese_question_that_starts_with_a_minus_is_asked(indexed):
    # A fresh tester (heldout6, 2026-12-01): `ask "-80℃フリーザーの警報が鳴ったら？"` stopped with
    # "unrecognized arguments": argparse reads a dash word without spaces as an option.
    result = run("ask", "-900秒のLambdaの制限は？", "--top-k", "1", env=indexed)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^1\. ", result.stdout, re.M), result.stdout
    for typo in (("ask", "--jsn"), ("ask", "SQS", "--jsn"), ("ask", "-k")):  # still usage errors
        bad = run(*typo, env=indexed)
        assert bad.returncode == 2 and "unrecognized arguments" in bad.stderr, (typo, bad.stderr)
        # the command's own usage, which lists its options (it showed the top level's: a fresh user)
        assert bad.stderr.startswith("usage: python -m assistant ask ") and "--top-k" in bad.stderr, bad.stderr


def test_question_and_batch_together_is_an_error(indexed, tmp_path):
    batch = tmp_path / "b.jsonl"
    batch.write_text("{}\n")

    assert_one_line_error(run("ask", "SQS", "--batch", str(batch), env=indexed))
    assert_one_line_error(run("ask", env=indexed))


def test_missing_batch_file_is_one_line(indexed, tmp_path):
    assert_one_line_error(run("ask", "--batch", str(tmp_path / "nope.jsonl"), env=indexed), "nope.jsonl")


@pytest.mark.parametrize("args,option", [
    (("ask", "SQS", "--top-k", "0"), "--top-k"),
    (("ask", "--batch", "-", "--top-k", "51"), "--top-k"),
    (("eval", "--top-k", "0"), "--top-k"),  # refused before any suite is indexed
    (("ask", "SQS") + ("--history", "c") * 21, "--history"),
])
def test_a_bad_option_value_is_named_as_typed(tmp_path, args, option):
    """The message names the flag the user typed (`--top-k`), not the library's parameter
    (`top_k`: a fresh user, 2026-12-01), and nothing is built first."""
    env = fake_env(small_corpus_at(tmp_path / "corpus"), tmp_path / "index")
    result = run(*args, env=env, stdin='{"question": "SQS"}\n')
    assert_one_line_error(result, option)
    assert "top_k" not in result.stderr
    assert not (tmp_path / "index").exists()


def test_corrupt_index_says_rebuild(tmp_path):
    env = fake_env(small_corpus_at(tmp_path / "corpus"), tmp_path / "index")
    assert run("index", "--quiet", env=env).returncode == 0
    (tmp_path / "index" / "current" / "chunks.jsonl").write_text("garbage\n")

    assert_one_line_error(run("ask", "SQS", env=env), "--rebuild")
    assert run("index", "--rebuild", "--quiet", env=env).returncode == 0
    assert run("ask", "SQS", "--json", env=env).returncode == 0


def test_eval_with_missing_file_is_one_line(indexed, tmp_path):
    assert_one_line_error(run("eval", str(tmp_path / "none.jsonl"), env=indexed), "none.jsonl")


def test_eval_prints_a_report(indexed, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        json.dumps({"id": "1", "lang": "en", "style": "term", "question": "SQS visibility timeout", "gold_lines": [5]}) + "\n"
        + json.dumps({"id": "2", "lang": "ja", "style": "term", "question": "Lambdaの最大実行時間", "gold_lines": [9]}) + "\n",
        encoding="utf-8",
    )

    result = run("eval", str(questions), env=indexed)

    assert result.returncode == 0, result.stderr
    assert "lang=en" in result.stdout and "lang=ja" in result.stdout and "mrr" in result.stdout


def _current(index) -> tuple[str, bytes]:
    return os.readlink(index / "current"), (index / "current" / "manifest.json").read_bytes()


def test_eval_never_rebuilds_an_index_of_other_settings_or_notes(tmp_path):
    """`eval FILE` over the configured index, or `eval --suite DIR --index-dir` naming it,
    rebuilt a user's index in place for other settings, or with the suite's notes. Now: one
    line naming --index-dir, exit 1, the index untouched; a folder of its own works."""
    corpus, index = small_corpus_at(tmp_path / "corpus"), tmp_path / "index"
    env = fake_env(corpus, index)
    assert run("index", "--quiet", env=env).returncode == 0
    before = _current(index)
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps({"id": "1", "lang": "en", "style": "term", "question": "SQS visibility timeout",
                                     "gold_lines": [5]}) + "\n", encoding="utf-8")
    suite = tmp_path / "suite"
    (suite / "notes").mkdir(parents=True)
    (suite / "notes" / "cats.md").write_text("# Cats\n\n## Sleep\n\n- Cats sleep sixteen hours a day.\n", encoding="utf-8")
    shutil.copy(questions, suite / "q.jsonl")

    refused = [
        (run("eval", str(questions), "--wiki-engine", "github", "--index-dir", str(index), env=env),
         "other settings (wiki_engine)"),
        (run("eval", "--suite", str(suite), "--index-dir", str(index), env=env), "other notes"),
    ]
    for result, why in refused:
        assert_one_line_error(result, str(index), why, "--index-dir")
        assert _current(index) == before
    # Files over the configured index (no --index-dir named) are scored in eval's own folder
    # when that index is of other settings, and say so; the user's index stays as it was.
    elsewhere = run("eval", str(questions), "--wiki-engine", "github", env=env)
    assert elsewhere.returncode == 0 and "[answerable]" in elsewhere.stdout, elsewhere.stderr
    assert "other settings (wiki_engine)" in elsewhere.stderr and str(index / "eval" / "files-") in elsewhere.stderr
    assert "Traceback" not in elsewhere.stderr and _current(index) == before
    assert run("ask", "SQS", env=env).returncode == 0 and _current(index) == before  # the user's index still answers

    own = run("eval", "--suite", str(suite), "--index-dir", str(tmp_path / "eval-own"), env=env)
    assert own.returncode == 0 and "[answerable]" in own.stdout, own.stderr
    again = run("eval", "--suite", str(suite), "--index-dir", str(tmp_path / "eval-own"), env=env)  # reused
    assert again.returncode == 0 and "built index" not in again.stderr
    assert run("eval", str(questions), env=env).returncode == 0 and _current(index) == before  # same settings: used as is


def test_eval_misses_lists_each_question_that_missed(tmp_path):
    """`eval` gave rates only: which questions missed had to be re-scored by hand. `--misses`
    lists them after the report, each with id, cell, rank or "none in top k", top hit and
    question; with --json they are a "misses" list per suite."""
    suite = tmp_path / "suite"
    (suite / "notes").mkdir(parents=True)
    (suite / "notes" / "aws.md").write_text(
        "# AWS\n\n## Amazon SQS\n\n- The visibility timeout defaults to 30 seconds.\n\n"
        "## AWS Lambda\n\n- A function runs for at most 900 seconds.\n", encoding="utf-8")
    rows = [
        {"id": "q-right", "lang": "en", "style": "term", "question": "SQS visibility timeout default seconds", "gold_lines": [5]},
        {"id": "q-wrong", "lang": "ja", "style": "term", "question": "SQS visibility timeout default seconds？", "gold_lines": [9]},
        {"id": "n-caught", "lang": "en", "kind": "off-topic", "question": "How long do cats live?", "gold_lines": []},
    ]
    (suite / "q.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    env = fake_env(tmp_path / "corpus", tmp_path / "index")
    args = ("eval", "--suite", str(suite), "--index-dir", str(tmp_path / "eval-index"))

    shown = run(*args, "--misses", env=env)
    assert shown.returncode == 0, shown.stderr
    report, _, listed = shown.stdout.partition("[misses: ")
    assert "[answerable]" in report and "kind=off-topic" in report and "style=off-topic" not in report
    wrong = next(line for line in listed.splitlines() if "q-wrong" in line)
    assert re.search(r"q-wrong\s+ja>en\s+(rank \d|none in top 5), top aws\.md:\d+-\d+\s+SQS visibility", wrong), wrong
    assert "q-right" not in listed.split("wrongly flagged")[0], listed  # right at rank 1: not an answerable miss

    as_json = run(*args, "--misses", "--json", env=env)
    assert as_json.returncode == 0, as_json.stderr
    misses = json.loads(as_json.stdout)["suite"]["misses"]
    assert {"kind": "answerable", "id": "q-wrong", "cell": "ja>en"}.items() <= next(m for m in misses if m["id"] == "q-wrong").items()
    assert all(set(m) == {"kind", "id", "cell", "question", "rank", "flagged", "top"} for m in misses), misses
    assert "misses" not in json.loads(run(*args, "--json", env=env).stdout)["suite"]  # asked for only


def test_a_heading_with_the_old_separator_stays_unambiguous(tmp_path):
    """Breadcrumbs join headings with ' › ', so a heading holding ' > ' reads as one heading;
    JSON keeps heading_path a list, and the scope filter names it whole."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "io.md").write_text("# IO\n\n## Input > Output\n\n- Redirect output with a pipe.\n", encoding="utf-8")
    env = fake_env(corpus, tmp_path / "index")
    shown = run("ask", "redirect output", "--top-k", "1", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "1. IO › Input > Output\n" in shown.stdout
    data = json.loads(run("ask", "--json", "redirect output", "--top-k", "1", env=env).stdout)
    assert data["hits"][0]["heading_path"] == ["IO", "Input > Output"]

    from assistant.config import from_env
    from assistant.service import open_searcher

    searcher = open_searcher(from_env({}, corpus_dir=corpus, index_dir=tmp_path / "index", model="fake-hash"))
    assert searcher.scopes() == ["io.md", "io.md › Input > Output"]
    answer = searcher.search("redirect output", 1, scope="io.md › Input > Output")
    assert answer.hits[0].chunk.heading_path[-1] == "Input > Output"


# ----------------------------------------------------------------------------- --scope


def test_scope_limits_ask_and_batch_to_one_note_or_chapter(indexed):
    """`ask --scope` is the chat page's filter and the API's `scope` (a fresh tester found the
    CLI without one, 2026-12-01): a note's path or 'note › chapter' ('>' also taken), every
    value listed by --list-scopes; a batch line's own "scope" wins."""
    listed = run("ask", "--list-scopes", env=indexed)
    assert listed.returncode == 0, listed.stderr
    scopes = listed.stdout.splitlines()
    assert "aws.md" in scopes and "aws.md › Amazon SQS" in scopes and "emoji.md" in scopes
    assert json.loads(run("ask", "--list-scopes", "--json", env=indexed).stdout) == scopes

    def sources(*args: str, stdin: str | None = None) -> list[list[str]]:
        result = run("ask", "--json", *args, env=indexed, stdin=stdin)
        assert result.returncode == 0, result.stderr
        return [[h["source"], *h["heading_path"][1:2]] for line in result.stdout.splitlines() for h in json.loads(line)["hits"]]

    assert {s for s, *_ in sources("Lambda 900 seconds")} != {"emoji.md"}
    assert {s for s, *_ in sources("Lambda 900 seconds", "--scope", "emoji.md")} == {"emoji.md"}
    for chapter in ("aws.md › Amazon SQS", "aws.md > Amazon SQS"):
        assert sources("Lambda 900 seconds", "--scope", chapter) == [["aws.md", "Amazon SQS"]]
    # the name the chat page's filter shows (the note's title) is taken too (a fresh user, 2026-12-05)
    assert {s for s, *_ in sources("Lambda 900 seconds", "--scope", "AWS")} == {"aws.md"}
    assert sources("Lambda 900 seconds", "--scope", "AWS > Amazon SQS") == [["aws.md", "Amazon SQS"]]
    batch = json.dumps({"question": "Lambda"}) + "\n" + json.dumps({"question": "Lambda", "scope": "aws.md › AWS Lambda"}) + "\n"
    by_line = run("ask", "--batch", "-", "--scope", "aws.md › Amazon SQS", env=indexed, stdin=batch)
    assert [[h["heading_path"][1] for h in json.loads(line)["hits"]] for line in by_line.stdout.splitlines()] == [["Amazon SQS"], ["AWS Lambda"]]


@pytest.mark.parametrize("args", [("Lambda", "--scope", "nope.md"), ("--batch", "-", "--scope", "aws.md › Nope")])
def test_an_unknown_scope_is_one_line_exit_1(indexed, args):
    """The API's message, naming the option; a batch stops before its first line."""
    result = run("ask", *args, env=indexed, stdin=json.dumps({"question": "Lambda"}) + "\n")
    assert_one_line_error(result, "unknown filter", "--scope", "--list-scopes")
    assert result.stdout == ""


def test_an_unknown_scope_is_named_within_a_line(indexed):
    # An attack run (2026-12-01): a 100 KB --scope was echoed whole in the error line.
    result = run("ask", "Lambda", "--scope", "x" * 100_000, env=indexed)
    assert_one_line_error(result, "unknown filter", "--scope")
    assert len(result.stderr) < 500
