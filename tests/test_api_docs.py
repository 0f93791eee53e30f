"""The API's own description (/openapi.json behind /docs): the answer schema, the routes,
and error examples that are what the server really sends (issue 17)."""
from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient

from assistant.api import ERROR_EXAMPLES, create_app

TOKEN = "docs-test-token"


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
