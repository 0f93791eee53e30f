"""The JSON API and the security of the HTTP surface, against the real index of corpus/.

Most cases use FastAPI's TestClient (same app, no sockets); one runs a real uvicorn to
check that the server keeps serving after a stream of bad requests.
"""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.api import create_app
from assistant.config import PROJECT_ROOT

JA_QUESTION = "SQSの可視性タイムアウトとは？"
SQS = "Amazon SQS (Simple Queue Service)"
EN_QUESTION = "Which HTTP header carries the X-Ray trace ID?"
WIKI = "http://wiki.test"


@pytest.fixture(scope="module")
def client(search_service, built_settings):
    settings = dataclasses.replace(built_settings, allowed_origins=(WIKI,))
    with TestClient(create_app(search_service, settings), base_url="http://localhost") as c:
        yield c


def headings(body: dict) -> list[str]:
    return [h for hit in body["hits"] for h in hit["heading_path"]]


def test_get_japanese_question_finds_sqs(client):
    r = client.get("/api/ask", params={"q": JA_QUESTION, "k": 3})
    assert r.status_code == 200
    body = r.json()
    assert body["question"] == JA_QUESTION and len(body["hits"]) == 3
    assert SQS in body["hits"][0]["heading_path"]


def test_post_english_question_finds_xray(client):
    r = client.post("/api/ask", json={"question": EN_QUESTION, "k": 5})
    assert r.status_code == 200
    assert "AWS X-Ray" in r.json()["hits"][0]["heading_path"]


def test_history_and_scope_are_accepted(client):
    r = client.get("/api/ask", params=[("q", "それの最大値は？"), ("history", JA_QUESTION), ("k", "2")])
    assert r.status_code == 200 and len(r.json()["hits"]) == 2
    scope = "aws-developer-associate.md › 第6章 監視関連サービス"
    assert scope in client.get("/api/scopes").json()["scopes"]
    for spelling in (scope, scope.replace(" › ", " > ")):  # the earlier ' > ' spelling still works
        r = client.post("/api/ask", json={"question": "trace", "scope": spelling, "history": []})
        assert r.status_code == 200
        assert all(hit["heading_path"][1] == "第6章 監視関連サービス" for hit in r.json()["hits"])


def test_a_scope_is_also_taken_by_the_name_the_filter_shows(client):
    """The chat page's filter and `ask --scope` name a note by its title; the API refused that
    name ("unknown filter ...; choose a note or chapter from the list", with no list on the
    API: a fresh user, 2026-12-06)."""
    from assistant.scopes import titled_scopes

    scopes = client.get("/api/scopes").json()["scopes"]
    chapter = next(s for s in scopes if "第6章" in s)
    shown = titled_scopes(scopes, {scopes[0]: client.get("/api/ask", params={"q": "EC2", "k": 1}).json()["hits"][0]["title"]})[chapter]
    assert shown != chapter
    r = client.post("/api/ask", json={"question": "trace", "scope": shown})
    assert r.status_code == 200 and all(hit["heading_path"][1] == "第6章 監視関連サービス" for hit in r.json()["hits"])
    r = client.post("/api/ask", json={"question": "trace", "scope": "no-such-note.md"})
    assert r.status_code == 400 and "GET /api/scopes lists them" in r.json()["error"]


def test_json_equals_cli_ask_json(client, built_settings):
    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(built_settings.corpus_dir),
        "ASSISTANT_INDEX_DIR": str(built_settings.index_dir),
        "ASSISTANT_MODEL": built_settings.model,
    }
    cli = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "--json", JA_QUESTION],
        capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=120, check=True,
    )
    api = client.get("/api/ask", params={"q": JA_QUESTION}).json()
    assert api == json.loads(cli.stdout)
    assert set(api) == {"question", "question_cut", "no_answer", "asks_nothing", "hits"} and api["question_cut"] is False
    assert set(api["hits"][0]) == {
        "source", "title", "heading_path", "line_start", "line_end", "score", "url", "text", "truncated", "highlight_lines", "collapsed", "replaced"
    }


def test_health(client):
    body = client.get("/api/health").json()
    assert body["status"] == "ok" and body["chunks"] > 100 and body["index_built_at"]


def test_openapi_docs(client):
    assert client.get("/docs").status_code == 200
    assert "/api/ask" in client.get("/openapi.json").json()["paths"]


BAD_REQUESTS = [
    ("GET", "/api/ask", {}),
    ("GET", "/api/ask?q=", {}),
    ("GET", "/api/ask?q=%20%20", {}),
    ("GET", "/api/ask?q=a&k=0", {}),
    ("GET", "/api/ask?q=a&k=51", {}),
    ("GET", "/api/ask?q=a&k=five", {}),
    ("GET", "/api/ask?q=%ff%fe", {}),
    ("GET", "/api/ask?q=a&scope=no-such-note", {}),
    ("POST", "/api/ask", {}),
    ("POST", "/api/ask", {"json": {}}),
    ("POST", "/api/ask", {"json": {"question": ""}}),
    ("POST", "/api/ask", {"json": {"question": 5}}),
    ("POST", "/api/ask", {"json": {"question": "a", "k": "5"}}),
    ("POST", "/api/ask", {"json": {"question": "a", "k": 0}}),
    ("POST", "/api/ask", {"json": {"question": "a", "history": "x"}}),
    ("POST", "/api/ask", {"json": {"question": "a", "history": [1]}}),
    ("POST", "/api/ask", {"json": {"question": "a", "unexpected": 1}}),
    ("POST", "/api/ask", {"json": ["a"]}),
    ("POST", "/api/ask", {"json": None}),
    ("POST", "/api/ask", {"content": b'{"question": "a"', "headers": {"content-type": "application/json"}}),
    ("POST", "/api/ask", {"content": b'{"question": "\xff\xfe"}', "headers": {"content-type": "application/json"}}),
    ("POST", "/api/ask", {"content": b'{"question": "' + b"a" * 70_000 + b'"}',
                          "headers": {"content-type": "application/json"}}),
    ("PUT", "/api/ask", {"json": {"question": "a"}}),
    ("GET", "/api/nothing-here", {}),
]


@pytest.mark.parametrize("method,url,kwargs", BAD_REQUESTS, ids=[f"{m} {u} {sorted(k.items())}"[:60] for m, u, k in BAD_REQUESTS])
def test_bad_requests_get_4xx_json_error(client, method, url, kwargs):
    r = client.request(method, url, **kwargs)
    assert 400 <= r.status_code < 500, r.text
    body = r.json()
    assert isinstance(body.get("error"), str) and body["error"]
    assert "Traceback" not in r.text
    good = client.get("/api/ask", params={"q": JA_QUESTION, "k": 1})
    assert good.status_code == 200 and SQS in good.json()["hits"][0]["heading_path"]


def test_real_server_survives_bad_requests(search_service, built_settings, live_server):
    base = live_server(create_app(search_service, built_settings, with_ui=False))
    with httpx.Client(base_url=base, timeout=30) as http:
        for method, url, kwargs in BAD_REQUESTS:
            r = http.request(method, url, **kwargs)
            assert 400 <= r.status_code < 500 and "error" in r.json()
        r = http.get("/api/ask", params={"q": JA_QUESTION})
        assert r.status_code == 200 and SQS in r.json()["hits"][0]["heading_path"]


def test_token_is_required_when_configured(search_service, built_settings):
    settings = dataclasses.replace(built_settings, api_token="s3cret-token")
    with TestClient(create_app(search_service, settings, with_ui=False), base_url="http://localhost") as c:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret-token"}):
            r = c.get("/api/ask", params={"q": JA_QUESTION}, headers=headers)
            assert r.status_code == 401 and "token" in r.json()["error"]
            assert c.post("/api/ask", json={"question": JA_QUESTION}, headers=headers).status_code == 401
        ok = {"Authorization": "Bearer s3cret-token"}
        assert c.get("/api/ask", params={"q": JA_QUESTION}, headers=ok).status_code == 200
        assert c.post("/api/ask", json={"question": JA_QUESTION}, headers=ok).status_code == 200
        assert c.get("/api/health").status_code == 200


def test_cors_only_for_allowed_origins(client):
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    r = client.options("/api/ask", headers={"Origin": WIKI, **preflight})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == WIKI
    r = client.options("/api/ask", headers={"Origin": "http://evil.test", **preflight})
    assert r.headers.get("access-control-allow-origin") is None
    r = client.get("/api/ask", params={"q": JA_QUESTION}, headers={"Origin": WIKI})
    assert r.headers["access-control-allow-origin"] == WIKI
    r = client.get("/api/ask", params={"q": JA_QUESTION}, headers={"Origin": "http://evil.test"})
    assert r.headers.get("access-control-allow-origin") is None


def test_no_cors_by_default(search_service, built_settings):
    with TestClient(create_app(search_service, built_settings, with_ui=False), base_url="http://localhost") as c:
        r = c.get("/api/ask", params={"q": JA_QUESTION}, headers={"Origin": WIKI})
        assert r.status_code == 200 and "access-control-allow-origin" not in r.headers


@pytest.mark.parametrize("path", ["/", "/embed/", "/api/health", "/api/ask?q=", "/docs", "/gradio_api/info"])
def test_frame_ancestors_on_every_response(client, path):
    r = client.get(path)
    assert r.headers["content-security-policy"] == f"frame-ancestors 'self' {WIKI}"
    assert "x-frame-options" not in r.headers


def test_frame_ancestors_self_only_by_default(search_service, built_settings):
    with TestClient(create_app(search_service, built_settings, with_ui=False), base_url="http://localhost") as c:
        assert c.get("/api/health").headers["content-security-policy"] == "frame-ancestors 'self'"


def _file_probes(settings) -> list[str]:
    index_file = (settings.index_dir / "current" / "chunks.jsonl").resolve()
    note = (settings.corpus_dir / "aws-developer-associate.md").resolve()
    targets = ["/etc/passwd", str(index_file), str(settings.index_dir / "current" / "chunks.jsonl"), str(note),
               "corpus/aws-developer-associate.md", "index/current/chunks.jsonl"]
    prefixes = ["/file=", "/gradio_api/file=", "/embed/gradio_api/file=", "/embed/file=", "/gradio_api/file/"]
    urls = [p + t for p in prefixes for t in targets]
    urls += [
        "/gradio_api/file=../../../../../../etc/passwd",
        "/gradio_api/file=%2Fetc%2Fpasswd",
        "/gradio_api/file=%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/gradio_api/file=/tmp/../etc/passwd",
        "/static/../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/assets/..%2f..%2f..%2fetc%2fpasswd",
        "/gradio_api/static/../../../../etc/passwd",
        "/favicon.ico/../../etc/passwd",
        "/gradio_api/proxy=file:///etc/passwd",
        "/gradio_api/file=file:///etc/passwd",
    ]
    return urls


def test_gradio_file_routes_do_not_leak(client, built_settings):
    secrets = {
        "root:x:0:0",
        (built_settings.index_dir / "current" / "chunks.jsonl").read_text(encoding="utf-8")[:200],
        (built_settings.corpus_dir / "aws-developer-associate.md").read_text(encoding="utf-8")[:200],
    }
    for url in _file_probes(built_settings):
        r = client.get(url)
        assert not any(secret in r.text for secret in secrets), url
        assert r.status_code != 200 or "text/html" in r.headers.get("content-type", ""), (url, r.status_code)


@pytest.mark.parametrize("method,url,allowed", [
    ("PUT", "/api/ask", "GET, HEAD, POST"),
    ("DELETE", "/api/ask", "GET, HEAD, POST"),
    ("POST", "/api/health", "GET, HEAD"),
    ("POST", "/api/scopes", "GET, HEAD"),
])
def test_a_wrong_method_on_an_endpoint_is_405_with_allow(client, method, url, allowed):
    # It was "no such endpoint /api/ask" for PUT (a wiki owner, 2026-12-06).
    r = client.request(method, url)
    assert r.status_code == 405 and r.headers["allow"] == allowed
    assert r.json()["error"].startswith(f"{url} takes ")


@pytest.mark.parametrize("url", ["/api/health", "/api/scopes", "/api/ask?q=EC2"])
def test_head_is_answered_wherever_get_is(client, url):
    # An uptime monitor's `curl -I /api/health` got Gradio's 404, then 405 (2026-12-06).
    get, head = client.get(url), client.head(url)
    assert head.status_code == get.status_code == 200
    assert head.headers["content-type"] == get.headers["content-type"] and head.content == b""


def test_head_twins_stay_out_of_the_api_docs(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert all("head" not in operations for operations in paths.values())


def test_a_body_that_is_not_a_json_object_says_so(client):
    # text/plain or a form: pydantic's "Input should be a valid dictionary or object" before.
    for kwargs in ({"content": b"what is sqs?", "headers": {"content-type": "text/plain"}},
                   {"data": {"question": "a"}}, {"json": ["a"]}):
        r = client.post("/api/ask", **kwargs)
        assert r.status_code == 422 and "must be a JSON object" in r.json()["error"], r.text


@pytest.mark.parametrize("query", ["question=初診料", "q=EC2&scop=aws", "q=EC2&k=3&top_k=3"])
def test_an_unknown_query_parameter_is_named(client, query):
    # `?question=初診料` was answered "no question", and a misspelt `scope` was dropped silently
    # (a fresh user, 2026-12-06); the POST body refuses unknown fields alike.
    r = client.get(f"/api/ask?{query}")
    assert r.status_code == 422 and r.json()["error"].startswith("unknown parameter '"), r.text
    assert "the question is q" in r.json()["error"]
