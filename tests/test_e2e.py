"""End to end with the real bundled e5 model and a real index of corpus/ (the `built_settings`
session fixture): the questions users ask, the sections they should get back, and `eval`."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from assistant.config import PROJECT_ROOT
from assistant.retrieve import Searcher

DATA = PROJECT_ROOT / "tests" / "data"
SQS = "Amazon SQS (Simple Queue Service)"
LAMBDA = "AWS Lambda"


@pytest.fixture(scope="module")
def searcher(built_settings) -> Searcher:
    return Searcher(built_settings)


def test_japanese_question_finds_the_sqs_section(searcher):
    answer = searcher.search("SQSの可視性タイムアウトとは？")

    top = answer.hits[0].chunk
    assert top.heading_path[-1] == SQS
    assert top.source == "aws-developer-associate.md"
    assert top.line_start <= top.line_end


def test_english_question_finds_lambda_timeout_line_in_top_3(searcher):
    answer = searcher.search("What is the maximum execution time of a Lambda function?")

    top3 = [h.chunk for h in answer.hits[:3]]
    assert any(c.heading_path[-1] == LAMBDA and c.line_start <= 1247 <= c.line_end for c in top3), [
        (c.heading_path[-1], c.line_start, c.line_end) for c in top3
    ]


def test_hit_text_is_the_cited_lines_of_the_note(searcher):
    corpus_lines = (PROJECT_ROOT / "corpus" / "aws-developer-associate.md").read_text(encoding="utf-8").splitlines()

    for hit in searcher.search("SQSの可視性タイムアウトとは？").hits:
        c = hit.chunk
        assert c.text == "\n".join(corpus_lines[c.line_start - 1 : c.line_end])
        assert c.line_end - c.line_start + 1 <= 40


def test_urls_use_kramdown_anchors(searcher, built_settings):
    hit = searcher.search("SQSの可視性タイムアウトとは？").hits[0]

    base = built_settings.wiki_base_url.rstrip("/")
    assert hit.url == f"{base}/aws-developer-associate.html#amazon-sqs-simple-queue-service"  # Jekyll: page.html
    lam = next(h for h in searcher.search("Lambda function timeout").hits if h.chunk.heading_path[-1] == LAMBDA)
    assert lam.url.endswith("#aws-lambda")


def test_eval_command_prints_hit_and_mrr_per_language(index_copy):
    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(index_copy.corpus_dir),
        "ASSISTANT_INDEX_DIR": str(index_copy.index_dir),
        "ASSISTANT_MODEL": index_copy.model,
    }

    result = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", str(DATA / "eval" / "mini.jsonl")],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )

    assert result.returncode == 0, result.stderr
    out = result.stdout
    header = next(line for line in out.splitlines() if line.startswith("[answerable]"))
    assert "hit@1" in header and "hit@5" in header and "mrr" in header
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.startswith("  ")}
    for group in ("all", "lang=ja", "lang=en"):
        assert group in rows, out
    assert rows["all"][1] == "6" and rows["lang=ja"][1] == "3" and rows["lang=en"][1] == "3"
    for group in ("lang=ja", "lang=en"):
        hit1, hit5, mrr = (float(x) for x in rows[group][2:5])
        assert 0.0 <= hit1 <= hit5 <= 1.0 and hit1 <= mrr <= hit5
    assert float(rows["all"][3]) >= 0.5, out  # these six are easy: most must be in the top 5
    assert "Traceback" not in result.stderr
