"""The API's own description (/openapi.json behind /docs): the answer schema, the routes,
and error examples that are what the server really sends (issue 17)."""
from __future__ import annotations

import dataclasses
import re

import pytest
from fastapi.testclient import TestClient

from assistant import QueryError, validate_question
from assistant.api import ERROR_EXAMPLES, create_app

TOKEN = "docs-test-token"


def _empty_question_message() -> str:
    with pytest.raises(QueryError) as refused:
        validate_question("   ")
    return str(refused.value)


EMPTY_QUESTION = _empty_question_message()


@pytest.fixture(scope="module")
def client(search_service, built_settings):
    settings = dataclasses.replace(built_settings, api_token=TOKEN)
    with TestClient(create_app(search_service, settings, with_ui=False), base_url="http://localhost") as c:
        yield c


def test_the_answer_schema_is_described_and_matches_real_answers(client):
    spec = client.get("/openapi.json").json()
    ok = spec["paths"]["/api/ask"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/AnswerOut")
    schemas = spec["components"]["schemas"]
    answer = client.get("/api/ask", params={"q": "SQSの可視性タイムアウトとは？"}, headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert set(answer) == set(schemas["AnswerOut"]["properties"])
    assert set(answer["hits"][0]) == set(schemas["HitOut"]["properties"])
    assert "HTTPValidationError" not in schemas  # FastAPI's default error shape is not what we send


def test_scopes_route_lists_the_filter_values(client, search_service):
    spec = client.get("/openapi.json").json()
    assert "/api/scopes" in spec["paths"]
    body = client.get("/api/scopes").json()
    assert body["scopes"] == search_service.searcher.scopes() and body["scopes"]


@pytest.mark.parametrize("status", [400, 401, 413, 422])
def test_documented_error_examples_are_real(client, status):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    json_header = {**auth, "Content-Type": "application/json"}
    request = {
        400: lambda: client.post("/api/ask", content=b"{", headers=json_header),
        401: lambda: client.get("/api/ask", params={"q": "x"}),
        413: lambda: client.post("/api/ask", content=b"x" * 70_000, headers=json_header),
        422: lambda: client.get("/api/ask", params={"q": "x", "k": 99}, headers=auth),
    }[status]
    response = request()
    spec = client.get("/openapi.json").json()
    documented = spec["paths"]["/api/ask"]["post"]["responses"][str(status)]["content"]["application/json"]["example"]
    assert response.status_code == status and response.json() == documented == {"error": ERROR_EXAMPLES[status][1]}


@pytest.mark.parametrize("query", [{}, {"q": ""}, {"q": "  "}, {"q": "\u3000"}], ids=["missing", "empty", "spaces", "ideographic-space"])
def test_a_missing_or_empty_question_is_the_documented_400(client, query):
    """GET /api/ask without a question: one 400, whatever the kind of emptiness (FastAPI's own
    check would say 422 for a missing or empty `q`, the search 400 for spaces)."""
    response = client.get("/api/ask", params=query, headers={"Authorization": f"Bearer {TOKEN}"})
    spec = client.get("/openapi.json").json()
    documented = spec["paths"]["/api/ask"]["get"]["responses"]["400"]["content"]["application/json"]["example"]
    assert response.status_code == 400 and response.json() == documented == {"error": EMPTY_QUESTION}
    q = next(p for p in spec["paths"]["/api/ask"]["get"]["parameters"] if p["name"] == "q")
    assert q["required"] is True  # the schema still says a question is needed


@pytest.mark.parametrize("body", [{}, {"question": ""}, {"question": " \t"}], ids=["missing", "empty", "spaces"])
def test_a_missing_or_empty_question_in_the_body_is_the_same_400(client, body):
    response = client.post("/api/ask", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 400 and response.json() == {"error": EMPTY_QUESTION}


def test_readme_lists_every_route_that_is_served():
    """Each route the server answers outside Gradio's assets (guard.py's allowlist) has a row
    in the README's table, /openapi.json and Gradio's /config included."""
    from assistant.config import PROJECT_ROOT

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| path | what |"):readme.index("The UI's language follows")]
    for route in ("/", "/embed/", "/example/wiki.html", "/api/ask", "/api/scopes", "/api/health", "/docs",
                  "/openapi.json", "/config", "/embed/config"):
        assert re.search(rf"`(GET |POST )?{re.escape(route)}", table), route


def test_gradio_config_holds_no_note_text_or_path(fake_settings):
    """What the README says of /config: the page's description, the filter's choices (the
    values of /api/scopes), no note text, no folder of the notes or the index."""
    from assistant.build import build_index
    from assistant.service import SearchService

    build_index(fake_settings, progress=False)
    app = create_app(SearchService(fake_settings, progress=False), fake_settings)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        for mount in ("", "/embed"):
            response = c.get(f"{mount}/config")
            assert response.status_code == 200
            text = response.text
            assert str(fake_settings.corpus_dir) not in text and str(fake_settings.index_dir) not in text
            assert "5 TB" not in text and "900 seconds" not in text  # the small corpus' note text
            (dropdown,) = [x for x in response.json()["components"] if x.get("type") == "dropdown"]
            assert [value for _, value in dropdown["props"]["choices"][1:]] == c.get("/api/scopes").json()["scopes"]
