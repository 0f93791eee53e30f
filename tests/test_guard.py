"""The HTTP guard (guard.py) in process, on a stand-in app: what reaches the app at all."""
from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from assistant.guard import GuardMiddleware


def _client() -> tuple[TestClient, list[str]]:
    asked: list[str] = []

    def ask(request):
        asked.append(request.query_params.get("q", ""))
        return JSONResponse({"hits": []})

    def heartbeat(request):
        asked.append("heartbeat")
        return JSONResponse({})

    app = Starlette(routes=[Route("/api/ask", ask), Route("/gradio_api/heartbeat/{session}", heartbeat),
                            Route("/embed/gradio_api/heartbeat/{session}", heartbeat)])
    return TestClient(GuardMiddleware(app)), asked


def test_a_notes_image_pointing_at_the_api_is_refused_before_any_search():
    """An attack run (2026-12-01): a note's `![](http://assistant/api/ask?q=<long question>)`
    shown in a reply made every reader's browser ask the server (same-origin, so the
    cross-site rule did not apply): 200 and a search per image per view. Requests for an
    image, a frame, a style or a script are refused; fetch() (empty), the address bar
    (document) and clients without Fetch Metadata are answered."""
    client, asked = _client()
    for dest in ("image", "iframe", "style", "script", "object", "embed", "IMAGE"):
        response = client.get("/api/ask?q=deploy", headers={"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Dest": dest})
        assert response.status_code == 403 and "images" in response.json()["error"], dest
    assert asked == []
    for headers in ({"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Dest": "empty"},
                    {"Sec-Fetch-Site": "none", "Sec-Fetch-Dest": "document"}, {}):
        assert client.get("/api/ask?q=deploy", headers=headers).status_code == 200, headers
    assert len(asked) == 3


def test_a_notes_image_cannot_hold_the_page_streams():
    """An attack run (2026-12-01): 8 images of a note pointing at the page's heartbeat stream
    (`![](http://assistant/gradio_api/heartbeat/x)`) held the reader's 6 browser connections
    to the server: each later reply took 13-15 s instead of 0.2 s. The stream routes answer
    scripts (Sec-Fetch-Dest: empty) and clients without Fetch Metadata only."""
    client, asked = _client()
    for path in ("/gradio_api/heartbeat/x", "/embed/gradio_api/heartbeat/x"):
        for dest in ("image", "iframe", "document", "script", "style"):
            response = client.get(path, headers={"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Dest": dest})
            assert response.status_code == 403, (path, dest)
        assert client.get(path, headers={"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Dest": "empty"}).status_code == 200
        assert client.get(path).status_code == 200
    assert asked == ["heartbeat"] * 4


def _call(middleware, method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes = b"") -> dict:
    """One request through `middleware` as uvicorn hands it over (raw lower-case headers)."""
    import asyncio

    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": headers, "http_version": "1.1", "scheme": "http", "server": ("127.0.0.1", 80),
             "client": ("127.0.0.1", 1234), "root_path": ""}
    asyncio.run(middleware(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return {"status": start["status"], "headers": dict(start["headers"]),
            "body": b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")}


def test_a_request_framed_by_both_length_and_chunks_is_refused_and_its_connection_closed():
    """The tenth attack run (2026-12-01): a POST with `Content-Length: 4` and
    `Transfer-Encoding: chunked` was answered from its chunked body and the connection kept
    open, so a request after it on that connection was answered too. A proxy in front that
    frames by Content-Length would take the rest of the body for a request of its next user
    (request smuggling); RFC 9112 section 6.1 says the server MUST close such a connection.
    Refused (400, `Connection: close`, which makes h11 close it) on every path, before the app."""
    client, asked = _client()
    guard = client.app
    for path in ("/api/ask", "/gradio_api/queue/join", "/nowhere"):
        answer = _call(guard, "POST", path, [(b"host", b"127.0.0.1"), (b"content-length", b"4"),
                                             (b"transfer-encoding", b"chunked")], b'{"question": "x"}')
        assert answer["status"] == 400 and answer["headers"].get(b"connection") == b"close", (path, answer)
    assert asked == []
    assert _call(guard, "GET", "/api/ask", [(b"host", b"127.0.0.1")])["status"] == 200


def test_the_apis_answers_are_not_stored_by_any_cache():
    """The tenth attack run: the JSON answers (note text, possibly behind the API token) had
    no Cache-Control, so a browser's disk cache or a shared proxy could keep them."""
    client, _ = _client()
    assert client.get("/api/ask?q=deploy").headers.get("cache-control") == "no-store"
    assert client.get("/nowhere").headers.get("cache-control") is None  # only the API's
