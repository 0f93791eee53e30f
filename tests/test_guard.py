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
