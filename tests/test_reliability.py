"""Reliability: bad input on every surface, and an index that survives kills and races.

Bad input (Python API, CLI, JSON API, UI) must give a clear message - QueryError, one line
and exit 1, a 4xx JSON error, a visible ⚠ message - never a traceback, and the next good
request must still work. tests/test_api.py, test_cli.py, test_store.py and test_build.py
hold the basic cases; this file adds the gaps listed in docs/reliability.md.

The index part kills real builds (`python -m assistant index` in a subprocess, SIGKILL)
and races builds against each other and against a SearchService answering in threads.
"""
from __future__ import annotations

import dataclasses
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant import store
from assistant.api import create_app
from assistant.background import topic_texts
from assistant.build import build_index
from assistant.encode import code_key, text_hash
from assistant.config import PROJECT_ROOT, from_env
from assistant.embedding import HashEmbedder
from assistant.errors import QueryError
from assistant.retrieve import MAX_QUESTION_CHARS, Searcher
from assistant.service import SearchService

JA_QUESTION = "SQSの可視性タイムアウトとは？"
SQS = "Amazon SQS (Simple Queue Service)"
LONG_QUESTION = JA_QUESTION + " " + "あ" * 100_000  # ~300 KB of UTF-8


def _env(**extra: str) -> dict:
    base = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    base.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
    base.update(extra)
    return base


def _cli(*args, env: dict, stdin: bytes | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """The real entry point; args may be bytes (argv that is not UTF-8). Output is bytes."""
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        cwd=PROJECT_ROOT, env=env, input=stdin, capture_output=True, timeout=timeout,
    )


def assert_one_line_error(result: subprocess.CompletedProcess, code: int = 1) -> str:
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == code, (result.stdout[:300], err)
    assert "Traceback" not in err
    if code == 1:
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), err
    return err


def sqs_first(answer) -> bool:
    return SQS in answer.hits[0].chunk.heading_path


# ============================================================================= Python API

BAD_QUESTIONS = ["", "   ", "\t\n", "\x00\x01\x1b\x7f", "\ud800\udcff", "\x00" * 10_000, None, b"SQS", 5, ["SQS"]]
BAD_TOP_K = [0, -1, 51, 10**9, -(10**30), 2.0, "3", True, float("nan")]


@pytest.mark.parametrize("question", BAD_QUESTIONS, ids=repr)
@pytest.mark.parametrize("surface", ["service", "searcher"])
def test_python_api_bad_question_raises_query_error(search_service, surface, question):
    search = search_service.search if surface == "service" else search_service.searcher.search

    with pytest.raises(QueryError):
        search(question)

    assert sqs_first(search(JA_QUESTION, 1))


@pytest.mark.parametrize("top_k", BAD_TOP_K, ids=repr)
def test_python_api_bad_top_k_raises_query_error(search_service, top_k):
    with pytest.raises(QueryError, match="top_k"):
        search_service.search(JA_QUESTION, top_k)
    with pytest.raises(QueryError, match="top_k"):
        search_service.searcher.search(JA_QUESTION, top_k)


@pytest.mark.parametrize("history", [None, "SQS", b"SQS", [1], ["ok", None], {"a": 1}], ids=repr)
def test_python_api_bad_history_raises_query_error(search_service, history):
    with pytest.raises(QueryError, match="history"):
        search_service.search("その最大値は？", 1, history=history)


@pytest.mark.parametrize("scope", ["no-such-note.md", 5, ["a"], "aws-developer-associate.md > 第99章"], ids=repr)
def test_python_api_unknown_scope_raises_query_error(search_service, scope):
    with pytest.raises(QueryError, match="filter"):
        search_service.search(JA_QUESTION, 1, scope=scope)


@pytest.mark.parametrize("question", [
    "SQS\udcff\udcfeの可視性タイムアウトとは？",  # what argv holds for invalid UTF-8 bytes (surrogateescape)
    "\x00SQS\x1b[31mの可視性\u202eタイムアウト\x07とは？",  # control and bidi characters
    "\ufeffSQSの可視性タイムアウトとは？\r\n",
], ids=["surrogate-escapes", "control-chars", "bom-crlf"])
def test_python_api_odd_characters_are_dropped_and_the_question_answered(search_service, question):
    answer = search_service.search(question, 3)

    assert sqs_first(answer)
    assert answer.question.isprintable() and "\udcff" not in answer.question


def test_python_api_100kb_question_is_truncated_not_refused(search_service, monkeypatch):
    """The model is given the first MAX_QUESTION_CHARS of it (what keeps the answer quick is
    that cut; its speed is measured by `python -m assistant bench`, not here)."""
    searcher = search_service.searcher
    encoded: list[str] = []
    encode = searcher.encode
    monkeypatch.setattr(searcher, "encode", lambda text, **options: (encoded.append(text), encode(text, **options))[1])
    answer = search_service.search(LONG_QUESTION, 3)

    assert len(answer.question) == MAX_QUESTION_CHARS and answer.hits and sqs_first(answer)
    assert encoded and max(map(len, encoded)) <= MAX_QUESTION_CHARS
    assert answer.question_cut and not search_service.search(LONG_QUESTION[:MAX_QUESTION_CHARS], 3).question_cut
    encoded.clear()
    answer = search_service.search("その最大値は？", 3, history=(LONG_QUESTION,))
    assert answer.hits
    # the follow-up alone, then one earlier turn (cut the same way) and the follow-up
    assert encoded and max(map(len, encoded)) <= MAX_QUESTION_CHARS + 1 + len("その最大値は？")


# ============================================================================= CLI (real entry point)

CLI_NOTE = (
    "# AWS\n\n## Amazon SQS\n\n- The visibility timeout defaults to 30 seconds.\n- キューの可視性タイムアウト\n\n"
    "## AWS Lambda\n\n- A function runs for at most 900 seconds.\n"
)


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("cli-bad-input")
    (root / "corpus").mkdir()
    (root / "corpus" / "aws.md").write_text(CLI_NOTE, encoding="utf-8")
    env = _env(ASSISTANT_CORPUS_DIR=str(root / "corpus"), ASSISTANT_INDEX_DIR=str(root / "index"),
               ASSISTANT_MODEL="fake-hash", PYTHONIOENCODING="utf-8")
    assert _cli("index", "--quiet", env=env).returncode == 0
    return env


def test_cli_argv_with_invalid_utf8_bytes_is_answered(cli_env):
    result = _cli("ask", "--json", b"SQS visibility timeout \xff\xfe", env=cli_env)

    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["question"] == "SQS visibility timeout" and body["hits"]


@pytest.mark.parametrize("question", [b"\xff\xfe", b"\x01\x02\x1b", b"   "], ids=repr)
def test_cli_question_of_nothing_usable_is_one_line(cli_env, question):
    assert "empty" in assert_one_line_error(_cli("ask", question, env=cli_env))


def test_cli_100kb_question_is_answered_and_says_it_was_cut(cli_env):
    # A fresh user (2026-12-05): a 5,280-character question was answered from its first
    # 2,000 characters without a word, where the chat page says so.
    result = _cli("ask", "--json", "SQS " + "a" * 100_000, env=cli_env)

    assert result.returncode == 0, result.stderr[-500:]
    body = json.loads(result.stdout)
    assert len(body["question"]) == MAX_QUESTION_CHARS and body["question_cut"] is True
    plain = _cli("ask", "SQS " + "a" * 3_000, env=cli_env)
    assert plain.returncode == 0 and b"only its first 2,000 characters were used (of 3,004)" in plain.stderr
    assert b"were used" not in _cli("ask", "SQS visibility timeout", env=cli_env).stderr


@pytest.mark.parametrize("top_k", ["0", "-5", "51", "100000000000000000000"])
def test_cli_top_k_out_of_range_is_one_line(cli_env, top_k):
    assert "--top-k" in assert_one_line_error(_cli("ask", "SQS", "--top-k", top_k, env=cli_env))


@pytest.mark.parametrize("args", [("ask", "SQS", "--top-k", "five"), ("ask", "SQS", "--bogus"), ("nonsense",)], ids=repr)
def test_cli_usage_errors_exit_2_without_traceback(cli_env, args):
    err = assert_one_line_error(_cli(*args, env=cli_env), code=2)
    assert "usage:" in err


BATCH = (
    b'\xef\xbb\xbf{"question": "SQS visibility timeout"}\n'  # a BOM on the first line is fine
    b'\xff\xfe{"question": "x"}\n'  # invalid UTF-8 bytes
    b'{"question": "SQS \xe3"}\n'  # a truncated multi-byte character
    b'{"question": "Lambda", "history": ["SQS"]}\n'
    b'{"question": 5}\n'
    b'not json\n'
    b'{"question": "\\u0000\\u0001"}\n'
    b'\n'
    b'{"question": "Lambda timeout"}\n'
)


@pytest.mark.parametrize("source", ["file", "stdin"])
def test_cli_batch_with_invalid_bytes_answers_the_good_lines(cli_env, tmp_path, source):
    path = tmp_path / "batch.jsonl"
    path.write_bytes(BATCH)
    args = ("ask", "--batch", str(path)) if source == "file" else ("ask", "--batch", "-")

    result = _cli(*args, "--top-k", "1", env=cli_env, stdin=BATCH if source == "stdin" else None)

    assert result.returncode == 1 and b"Traceback" not in result.stderr, result.stderr
    out = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert [o.get("line") for o in out] == [None, 2, 3, None, 5, 6, 7, None]
    assert [o["question"] for o in out if "question" in o] == ["SQS visibility timeout", "Lambda", "Lambda timeout"]
    assert out[1]["error"] == out[2]["error"] == "the line is not valid UTF-8 text"
    assert "empty" in out[6]["error"]


def test_cli_output_to_a_closed_pipe_is_quiet(cli_env):
    lines = b'{"question": "SQS visibility timeout"}\n' * 400
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "ask", "--batch", "-", "--top-k", "5"],
        cwd=PROJECT_ROOT, env=cli_env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    proc.stdin.write(lines)
    proc.stdin.close()
    proc.stdout.read(100)
    proc.stdout.close()  # the reader goes away, like `| head`
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)

    assert "Traceback" not in err and "BrokenPipe" not in err, err


# ============================================================================= JSON API

H = {"content-type": "application/json"}
API_BAD = [
    ("deep-json", {"content": b"[" * 30_000 + b"]" * 30_000, "headers": H}),
    ("deep-json-in-field", {"content": b'{"question": ' + b"[" * 20_000 + b"]" * 20_000 + b"}", "headers": H}),
    ("control-chars-only", {"json": {"question": "\x00\x01\x1b"}}),
    ("lone-surrogate", {"content": b'{"question": "\\ud800"}', "headers": H}),
    ("k-bool", {"json": {"question": "a", "k": True}}),
    ("k-float", {"json": {"question": "a", "k": 5.0}}),
    ("k-negative", {"json": {"question": "a", "k": -1}}),
    ("k-huge", {"json": {"question": "a", "k": 10**30}}),
    ("k-5000-digits", {"content": b'{"question": "a", "k": ' + b"9" * 5000 + b"}", "headers": H}),
    ("k-nan", {"content": b'{"question": "a", "k": NaN}', "headers": H}),
    ("history-null", {"json": {"question": "a", "history": None}}),
    ("history-21", {"json": {"question": "a", "history": ["x"] * 21}}),
    ("history-item-too-long", {"json": {"question": "a", "history": ["x" * 4001]}}),
    ("question-too-long", {"json": {"question": "あ" * 4001}}),
    ("scope-number", {"json": {"question": "a", "scope": 5}}),
    ("text-plain", {"content": b'{"question": "SQS"}', "headers": {"content-type": "text/plain"}}),
    ("utf-16", {"content": '{"question": "SQS"}'.encode("utf-16"), "headers": H}),
    ("content-length-not-a-number", {"content": b'{"question": "a"}', "headers": {**H, "content-length": "abc"}}),
]


@pytest.fixture(scope="module")
def api(search_service, built_settings):
    with TestClient(create_app(search_service, built_settings, with_ui=False), base_url="http://localhost") as client:
        yield client


@pytest.mark.parametrize("name,kwargs", API_BAD, ids=[n for n, _ in API_BAD])
def test_api_bad_body_is_4xx_json_and_the_next_request_works(api, name, kwargs):
    r = api.post("/api/ask", **kwargs)

    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    assert isinstance(r.json()["error"], str) and r.json()["error"] and "Traceback" not in r.text
    good = api.post("/api/ask", json={"question": JA_QUESTION, "k": 1})
    assert good.status_code == 200 and SQS in good.json()["hits"][0]["heading_path"]


@pytest.mark.parametrize("body", [
    b'\xef\xbb\xbf{"question": "SQS\\u306e\\u53ef\\u8996\\u6027\\u30bf\\u30a4\\u30e0\\u30a2\\u30a6\\u30c8"}',
    '{"question": "\\u0000SQSの可視性\\u001bタイムアウト", "k": 2}'.encode(),
    '{"question": "あ", "question": "SQSの可視性タイムアウトとは？"}'.encode(),  # the last duplicate wins
], ids=["bom", "controls", "duplicate-key"])
def test_api_odd_but_valid_bodies_are_answered(api, body):
    r = api.post("/api/ask", content=body, headers=H)

    assert r.status_code == 200, r.text
    assert SQS in r.json()["hits"][0]["heading_path"]


def _raw_status(host: str, port: int, target: bytes) -> int | None:
    """Status code of a raw GET (httpx refuses URLs this long), or None if the server
    dropped the connection instead of answering."""
    import socket

    with socket.create_connection((host, port), timeout=30) as sock:
        try:
            sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            head = sock.recv(4096)
        except (ConnectionResetError, BrokenPipeError):
            return None
    return int(head.split()[1]) if head.startswith(b"HTTP/1.1 ") else None


def test_api_edge_sizes_over_a_real_socket(search_service, built_settings, live_server):
    """What TestClient cannot show: uvicorn's own limits on a 100 KB URL, a chunked body
    with no Content-Length, and a body at exactly the limit."""
    base = live_server(create_app(search_service, built_settings, with_ui=False))
    host, port = base.removeprefix("http://").split(":")
    assert _raw_status(host, int(port), b"/api/ask?q=" + b"%E3%81%82" * 34_000) in (400, None)  # 300 KB URL
    with httpx.Client(base_url=base, timeout=60) as http:
        r = http.get("/api/ask", params={"q": "あ" * 5000})  # 45 KB URL: parsed, then refused by length
        assert r.status_code == 422 and "4000" in r.json()["error"]
        # exactly the limit, naming a topic ("あ" x 4,000 names nothing: asked nothing, no hits)
        r = http.get("/api/ask", params={"q": ("SQSの可視性タイムアウト" * 400)[:4000], "k": 1})
        assert r.status_code == 200 and r.json()["hits"]

        def chunks():
            yield b'{"question": "'
            for _ in range(100):
                yield b"a" * 1024
            yield b'"}'

        r = http.post("/api/ask", content=chunks(), headers=H)
        assert r.status_code == 413 and "limit" in r.json()["error"]
        exact = b'{"question": "SQS", "scope": "' + b"x" * (64 * 1024 - 32) + b'"}'
        assert len(exact) == 64 * 1024
        r = http.post("/api/ask", content=exact, headers=H)  # within the limit: parsed, then refused
        assert r.status_code == 400 and "filter" in r.json()["error"]
        r = http.post("/api/ask", json={"question": JA_QUESTION, "k": 1})
        assert r.status_code == 200 and SQS in r.json()["hits"][0]["heading_path"]


# ============================================================================= UI (the Gradio handler)


@pytest.fixture(scope="module")
def ui_ask(search_service, built_settings):
    """The `ask` handler of the real Blocks page (what a click on the send button runs)."""
    from assistant.ui import build_ui

    demo = build_ui(search_service, built_settings)
    return next(f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "") == "ask")


def _reply(out) -> str:
    return out[1][-1]["content"]


def _new_chat() -> dict:
    from assistant.ui import empty_conversation

    return empty_conversation()


@pytest.mark.parametrize("question,k,scope,words", [
    ("", 5, "__all__", "empty"),
    ("  \x00\x01\x1b ", 5, "__all__", "empty"),
    ("\udcff\udcfe", 5, "__all__", "empty"),
    ("🙂？", 5, "__all__", "no words"),
    # A Japanese question gets its message in Japanese, as the rest of the page.
    (JA_QUESTION, 0, "__all__", "1から10の間"),
    (JA_QUESTION, 1e9, "__all__", "1から10の間"),
    (JA_QUESTION, 11, "__all__", "1から10の間"),  # the search takes 50; the page shows at most 10
    (JA_QUESTION, 2.5, "__all__", "整数"),
    (JA_QUESTION, True, "__all__", "整数"),
    (JA_QUESTION, None, "__all__", "整数"),
    (JA_QUESTION, "abc", "__all__", "整数"),
    (JA_QUESTION, float("nan"), "__all__", "整数"),
    (JA_QUESTION, float("inf"), "__all__", "整数"),
    (JA_QUESTION, 5, 7, "テキストだけ"),
    ("What is the visibility timeout of SQS?", 11, "__all__", "between 1 and 10"),
], ids=repr)
def test_ui_bad_input_shows_a_message_and_the_next_question_works(ui_ask, question, k, scope, words):
    out = ui_ask(question, k, scope, _new_chat())

    reply = _reply(out)
    assert 'class="error"' in reply and "⚠" in reply and words in reply, reply
    assert "Traceback" not in reply and "internal error" not in reply
    assert out[2]["asked"] == []  # a failed question is not added to the conversation
    good = ui_ask(JA_QUESTION, 3, "__all__", out[2])
    assert "Amazon SQS" in _reply(good) and 'class="error"' not in _reply(good)


@pytest.mark.parametrize("question, words", [(JA_QUESTION, "ノートにありません"), ("What is the visibility timeout of SQS?",
                                                                            "no longer in the notes")], ids=repr)
def test_ui_an_unknown_filter_is_answered_from_every_note_under_a_notice(ui_ask, question, words):
    # An old permalink's filter of a note since renamed or removed got a bare error and no
    # answer (a fresh user, 2026-12-06): every note is searched, and the reply says why.
    out = ui_ask(question, 5, "no-such-note.md", _new_chat())
    reply = _reply(out)
    assert 'class="error"' not in reply and 'class="notice gone"' in reply and words in reply, reply
    assert "no-such-note.md" in reply and "Amazon SQS" in reply and out[2]["scope"] is None


@pytest.mark.parametrize("question", ["", "   ", "\u3000"], ids=repr)
def test_ui_no_question_shows_the_message_without_an_empty_bubble(ui_ask, question):
    # Ask on an empty box showed an empty question bubble above the message (a fresh user, 2026-12-06).
    chat = ui_ask(question, 5, "__all__", _new_chat())[1]
    assert [m["role"] for m in chat] == ["assistant"] and 'class="error"' in chat[0]["content"]


def test_ui_error_keeps_a_valid_filter_and_drops_an_unknown_one(ui_ask, search_service):
    from assistant.scopes import listed_scopes

    valid = listed_scopes(search_service.searcher.scopes(), search_service.searcher.note_titles)[0][0]
    assert _new_chat()["scope"] is None
    assert ui_ask("", 5, valid, _new_chat())[2]["scope"] == valid  # an empty question: the filter stays
    assert ui_ask(JA_QUESTION, 5, "no-such-note.md", _new_chat())[2]["scope"] is None


def test_ui_100kb_question_is_answered_and_shown_escaped(ui_ask):
    out = ui_ask("<script>alert(1)</script>" + LONG_QUESTION, 3, "__all__", _new_chat())

    assert 'class="error"' not in _reply(out) and 'class="hit"' in _reply(out)
    assert "<script>" not in out[1][0]["content"] and "&lt;script&gt;" in out[1][0]["content"]
    assert len(out[2]["asked"][0]) == MAX_QUESTION_CHARS


# ============================================================================= index: kills and races

def many_sections(n: int, word: str = "fact") -> str:
    return "# Many\n\n" + "".join(
        f"## Topic {i}\n\n- {word} number {i} about service {i * 7}\n- {word} another line {i}\n\n" for i in range(n)
    )


def cache_keys(index_dir: Path, table: str = "embeddings") -> set[str]:
    """Keys in the cache's vectors ("embeddings") or latent-term codes ("terms") table."""
    db = sqlite3.connect(f"file:{index_dir / 'cache.sqlite'}?mode=ro", uri=True, timeout=10)
    try:
        return {row[0] for row in db.execute(f"SELECT hash FROM {table}")}
    finally:
        db.close()


def cache_rows(index_dir: Path, table: str = "embeddings") -> int:
    """Rows in the cache's vectors ("embeddings") or latent-term codes ("terms") table."""
    path = index_dir / "cache.sqlite"
    if not path.exists():
        return 0
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.OperationalError:  # the table is not created yet
        return 0
    finally:
        db.close()


def assert_index_sound(index_dir: Path) -> store.StoredIndex:
    """`current` points at a complete, checksum-verified version; any other entry is a
    version folder, a temporary folder or the cache - never a half-written `current`."""
    version = store.current_version(index_dir)
    assert version is not None and version.name.startswith("v-")
    store.verify(version)
    return store.load(index_dir)


E5_BASE = (
    "# Base\n\n## Amazon SQS\n\n- SQSの可視性タイムアウトは既定で30秒。\n- The visibility timeout hides a message.\n\n"
    "## AWS Lambda\n\n- Lambdaの最大実行時間は900秒（15分）。\n\n## Amazon S3\n\n- 1オブジェクトは最大5TB。\n"
)


def e5_extra(n: int = 30) -> str:
    return "# Extra\n\n" + "".join(
        f"## サービス {i}\n\n- サービス{i}の上限は{i * 7}件です。\n- Service {i} retries {i + 2} times.\n"
        f"- 料金は{i}時間ごとに計算される。\n\n" for i in range(n)
    )


@pytest.mark.slow
def test_real_build_killed_mid_embedding_keeps_the_old_index_and_resumes(tmp_path):
    """SIGKILL a real `python -m assistant index` (bundled e5) while it embeds a new note."""
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "base.md").write_text(E5_BASE, encoding="utf-8")
    settings = from_env({}, corpus_dir=corpus, index_dir=index_dir)
    old = build_index(settings, progress=False)
    rows_before, code_rows_before = cache_rows(index_dir), cache_rows(index_dir, "terms")
    vectors_before, codes_before = cache_keys(index_dir), cache_keys(index_dir, "terms")
    (corpus / "extra.md").write_text(e5_extra(), encoding="utf-8")

    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "index"], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        # e5 named: without a model the CLI takes the quality profile where it is installed and measured
        env=_env(ASSISTANT_CORPUS_DIR=str(corpus), ASSISTANT_INDEX_DIR=str(index_dir), ASSISTANT_MODEL="e5"),
    )
    deadline = time.monotonic() + 120
    # The first model call committed: its vectors and, in a second commit, its lines' codes
    # (a kill between the two leaves nothing the resumed build can skip).
    while cache_rows(index_dir) < rows_before + 24 or cache_rows(index_dir, "terms") <= code_rows_before:
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline, "the build made no progress"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()
    vectors_at_kill, codes_at_kill = cache_keys(index_dir), cache_keys(index_dir, "terms")

    # The old index is still current, complete, and answers.
    assert proc.returncode == -signal.SIGKILL
    assert store.current_version(index_dir) == old.path
    assert {c.source for c in assert_index_sound(index_dir).chunks} == {"base.md"}
    answer = Searcher(settings).search("SQSの可視性タイムアウト", 1)
    assert answer.hits[0].chunk.heading_path[-1] == "Amazon SQS"

    # The next build resumes: it runs only the model inputs the killed one had not committed:
    # a chunk or passage whose vector is missing, a line whose code is missing (a line's
    # vector and code come from one pass of the line).
    resumed = build_index(settings, progress=False)
    final = assert_index_sound(index_dir)
    line_hashes = {text_hash(u.text) for u in final.lines}
    line_codes = {code_key(h) for h in line_hashes}
    assert resumed.status == "built" and resumed.path == final.path
    assert cache_keys(index_dir, "terms") >= line_codes  # every line has its code
    # The everyday topics (background.py) the Searcher above kept in the cache are no build input.
    topics = {text_hash(text) for text in topic_texts()}
    new_inputs = len(cache_keys(index_dir) - vectors_before - line_hashes - topics) + len(line_codes - codes_before)
    committed = len(vectors_at_kill - vectors_before - line_hashes) + len((codes_at_kill - codes_before) & line_codes)
    assert resumed.n_embedded == new_inputs - committed
    assert 0 < resumed.n_embedded < new_inputs
    assert {c.source for c in final.chunks} == {"base.md", "extra.md"}


@pytest.mark.slow
def test_builds_killed_at_random_moments_never_break_current(tmp_path):
    """Kill builds (fake-hash model) at random times - while hashing, embedding, writing the
    version or swapping `current` - then check the index each time; at the end a build
    completes and matches one made without interruption."""
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "many.md").write_text(many_sections(300), encoding="utf-8")
    env = _env(ASSISTANT_CORPUS_DIR=str(corpus), ASSISTANT_INDEX_DIR=str(index_dir), ASSISTANT_MODEL="fake-hash")
    assert _cli("index", "--quiet", env=env).returncode == 0
    rng = random.Random(6)
    word, finished = "fact", 0
    for round_ in range(6):
        new_word = f"edit{round_}"
        (corpus / "many.md").write_text(many_sections(300, word=new_word), encoding="utf-8")
        proc = subprocess.Popen([sys.executable, "-m", "assistant", "index", "--quiet"], cwd=PROJECT_ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 1.8))  # start-up ~0.4 s, a whole build ~1.5 s
        proc.kill()
        proc.wait(timeout=30)
        index = assert_index_sound(index_dir)
        # Whole old version or whole new one, never a mix.
        markers = {line.split()[1] for c in index.chunks for line in c.text.splitlines() if line.startswith("- ")}
        assert markers in ({word}, {new_word}), markers
        finished += markers == {new_word}
        word = markers.pop()

    assert finished < 6  # some builds really were killed half-way
    settings = from_env({}, corpus_dir=corpus, index_dir=index_dir, model="fake-hash")
    report = build_index(settings, HashEmbedder(), progress=False)
    fresh = build_index(dataclasses.replace(settings, index_dir=tmp_path / "fresh"), HashEmbedder(), progress=False)
    assert store.load(index_dir).chunks == store.load(tmp_path / "fresh").chunks
    assert report.n_embedded < fresh.n_embedded or report.status == "up-to-date"


@pytest.mark.slow
def test_two_builds_at_once_both_finish_with_one_consistent_index(tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "many.md").write_text(many_sections(400), encoding="utf-8")
    env = _env(ASSISTANT_CORPUS_DIR=str(corpus), ASSISTANT_INDEX_DIR=str(index_dir), ASSISTANT_MODEL="fake-hash")

    procs = [subprocess.Popen([sys.executable, "-m", "assistant", "index", "--quiet"], cwd=PROJECT_ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    results = [(p.wait(timeout=120), p.stdout.read().decode(), p.stderr.read().decode()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()

    assert [code for code, _, _ in results] == [0, 0], results
    outputs = sorted(out.split(":")[0] for _, out, _ in results)
    assert outputs == ["built index", "index is up to date"], results  # the second waited, then found it done
    index = assert_index_sound(index_dir)
    assert [p.name for p in index_dir.iterdir() if p.name.startswith("v-")] == [index.path.name]
    settings = from_env({}, corpus_dir=corpus, index_dir=index_dir, model="fake-hash")
    assert Searcher(settings, HashEmbedder()).search("fact number 7", 1).hits


@pytest.mark.slow
def test_build_while_the_service_answers_in_threads(tmp_path):
    """Every answer comes from one whole index version (all its hits carry the same edit
    marker), no query fails, and the service moves to the newest index."""
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    note = corpus / "many.md"
    note.write_text(many_sections(60, word="v0"), encoding="utf-8")
    settings = from_env({}, corpus_dir=corpus, index_dir=index_dir, model="fake-hash")
    service = SearchService(settings, HashEmbedder(), progress=False)
    stop, errors, versions_seen = threading.Event(), [], set()

    def ask_forever():
        while not stop.is_set():
            try:
                answer = service.search("fact number 7 about service", 10)
                markers = {line.split()[1] for h in answer.hits for line in h.chunk.text.splitlines() if line.startswith("- ")}
                assert len(markers) == 1, markers  # never a mix of two versions
                versions_seen.update(markers)
            except Exception as exc:  # collected and reported by the test
                errors.append(repr(exc))

    threads = [threading.Thread(target=ask_forever) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        for edit in range(1, 5):
            note.write_text(many_sections(60, word=f"v{edit}"), encoding="utf-8")
            assert build_index(settings, HashEmbedder(), progress=False).status == "built"
            time.sleep(0.3)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)

    assert errors == []
    assert len(versions_seen) >= 2, versions_seen
    assert service.searcher.index.path == store.current_version(index_dir)
    assert "v4" in service.search("fact number 7", 1).hits[0].chunk.text


def test_service_keeps_answering_when_the_new_index_is_damaged_or_removed(fake_settings, caplog):
    service = SearchService(fake_settings, HashEmbedder(), progress=False)
    good_path = service.searcher.index.path
    note = fake_settings.corpus_dir / "aws.md"
    note.write_text(note.read_text() + "\n## Extra\n\n- new text\n", encoding="utf-8")
    bad = build_index(fake_settings, HashEmbedder(), progress=False).path
    (bad / "chunks.jsonl").write_text("garbage\n")

    assert service.search("Lambda timeout", 1).hits  # still the old, intact version
    assert service.searcher.index.path == good_path
    assert "kept the previous index" in caplog.text
    caplog.clear()
    assert service.search("Lambda timeout", 1).hits
    assert "kept the previous index" not in caplog.text  # the damaged version is not re-read per query

    os.unlink(fake_settings.index_dir / "current")
    assert service.search("Lambda timeout", 1).hits

    assert build_index(fake_settings, HashEmbedder(), progress=False).status == "built"  # repairs it
    assert service.search("Extra new text", 1).hits and service.searcher.index.path != good_path


@pytest.mark.slow
def test_serving_with_no_index_builds_it_first(fake_settings):
    from assistant.server import make_app

    assert store.current_version(fake_settings.index_dir) is None
    app, service = make_app(fake_settings, progress=False)

    with TestClient(app, base_url="http://localhost") as client:
        assert client.get("/api/health").json()["chunks"] > 0
        assert client.get("/api/ask", params={"q": "Lambda"}).status_code == 200


# ============================================================================= exposure


def test_serves_on_loopback_by_default(monkeypatch):
    import app
    from assistant import server

    seen = []
    monkeypatch.setattr(server, "serve", lambda settings: seen.append(settings) or 0)
    for name in [k for k in os.environ if k.startswith("ASSISTANT_")]:
        monkeypatch.delenv(name)

    assert app.main([]) == 0
    assert seen[0].host == "127.0.0.1" and seen[0].api_token is None and seen[0].allowed_origins == ()


@pytest.fixture(scope="module")
def full_app(search_service, built_settings):
    with TestClient(create_app(search_service, built_settings), base_url="http://localhost") as client:
        yield client


@pytest.mark.parametrize("url", [
    "/embed/gradio_api/file={note}", "/gradio_api/file={note}", "/gradio_api/file={index}/cache.sqlite",
    "/gradio_api/file={index}/build.lock", "/embed/static/../../{note_rel}", "/static/%2e%2e%2f%2e%2e%2f{note_rel}",
    "/gradio_api/file={project}/app.py", "/gradio_api/file={project}/assistant/config.py",
    "/gradio_api/file={venv_secret}", "/embed/gradio_api/file=../../{note_rel}",
])
def test_no_route_serves_project_files(full_app, built_settings, url):
    note = (built_settings.corpus_dir / "aws-developer-associate.md").resolve()
    full = url.format(note=note, index=built_settings.index_dir.resolve(), note_rel="corpus/aws-developer-associate.md",
                      project=PROJECT_ROOT, venv_secret=Path(sys.executable).resolve())
    r = full_app.get(full)

    assert r.status_code != 200 or "text/html" in r.headers.get("content-type", ""), (full, r.status_code)
    assert "AWS Developer Associate" not in r.text or "<html" in r.text[:200].lower()
    assert "PROJECT_ROOT" not in r.text and "SQLite format" not in r.text


def test_a_taken_port_is_one_line_before_any_address(cli_env):
    """A fresh user (2026-12-04): with 7860 taken, app.py printed the chat's address, then
    uvicorn's "[Errno 98] ... address already in use" and exited 3."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(port), "--no-watch"],
                                cwd=PROJECT_ROOT, env=cli_env, capture_output=True, timeout=300)
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 1 and "Traceback" not in err, err
    last = err.strip().splitlines()[-1]  # after the start-up lines (model, citation links, embedding)
    assert last.startswith("error: ") and f"port {port}" in last and "--port" in last, err
    assert b"Notes assistant:" not in result.stdout
    # A fresh user (heldout23): a wiki's frame showed a broken page, and nothing said why.
    assert "embedding: no other site's pages may show the chat in a frame; set ASSISTANT_ALLOWED_ORIGINS=" in err, err


def test_the_embedding_line_names_the_sites_that_may_frame_the_chat():
    from assistant.config import from_env
    from assistant.server import embedding_line

    settings = from_env({"ASSISTANT_ALLOWED_ORIGINS": "https://wiki.example.com, https://intra.example.com"})
    assert embedding_line(settings) == ("embedding: pages of https://wiki.example.com, https://intra.example.com "
                                        "may show the chat in a frame")


def test_an_ipv6_host_listens_on_ipv6_only():
    # a helper's attack (2026-12-04): the socket bound before serving answered "--host ::" on
    # IPv4 too, which uvicorn's own binding never did
    import socket

    from assistant.server import bound_socket

    try:
        listening = bound_socket("::", 0)
    except OSError as exc:  # a machine without IPv6
        pytest.skip(f"no IPv6 here: {exc}")
    try:
        assert listening.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY) == 1
    finally:
        listening.close()
