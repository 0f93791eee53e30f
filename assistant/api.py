"""HTTP surface: the JSON API under /api, the chat UI at / and /embed, one FastAPI app.

    GET  /api/ask?q=...&k=5&history=...&scope=...   -> Answer.to_json() (same as `ask --json`)
    POST /api/ask {"question", "k"?, "history"?, "scope"?}
    GET  /api/health                                 -> {"status", "chunks", "index_built_at"}

Every bad request gets a 4xx `{"error": "..."}` and the server keeps serving. Embedding is
limited by CORS and `Content-Security-Policy: frame-ancestors` to settings.allowed_origins;
an optional bearer token guards /api/ask. Gradio is mounted without `allowed_paths`, with
the corpus and index folders blocked, so its file routes cannot serve notes or the index.
What this leaves out: starting the server (server.py) and the page itself (ui.py).
"""
from __future__ import annotations

import hmac
import logging
from typing import Annotated

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.middleware.trustedhost import TrustedHostMiddleware
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from .config import Settings
from .errors import AssistantError, QueryError
from .guard import GuardMiddleware
from .retrieve import MAX_TOP_K

log = logging.getLogger(__name__)

MAX_HISTORY = 20


class AskRequest(BaseModel):
    """Body of POST /api/ask; unknown fields are refused so typos do not pass silently."""

    model_config = ConfigDict(extra="forbid", strict=True)
    question: str = Field(min_length=1, max_length=4000, description="the question, Japanese or English")
    k: int | None = Field(None, ge=1, le=MAX_TOP_K, description="how many sections to return (default 5)")
    history: list[Annotated[str, Field(max_length=4000)]] = Field(
        default_factory=list, max_length=MAX_HISTORY, description="earlier questions of the conversation, oldest first"
    )
    scope: str | None = Field(None, description="limit to a note or 'note > chapter' (see the UI filter)")


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers


def _error(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query"))
        if err.get("type") == "json_invalid":
            return "the request body is not valid JSON"
        if err.get("type") == "extra_forbidden":
            parts.append(f"unknown field {where!r}")
        elif err.get("type") == "missing":
            parts.append(f"{where or 'body'} is required")
        else:
            parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    return "; ".join(parts) or "invalid request"


def create_app(service, settings: Settings, with_ui: bool = True) -> FastAPI:
    """The API (and, with `with_ui`, the Gradio chat at / and /embed) over one SearchService."""
    app = FastAPI(
        title="Notes assistant API",
        description="Find the note sections that answer a question (Japanese or English).",
        version="1",
    )
    app.state.service = service

    def check_token(request: Request) -> None:
        if not settings.api_token:
            return
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), settings.api_token.encode()):
            raise ApiError(401, "missing or wrong API token; send 'Authorization: Bearer <token>'",
                           {"WWW-Authenticate": "Bearer"})

    @app.exception_handler(ApiError)
    async def _api_error(request, exc: ApiError):
        return _error(exc.status, exc.message, exc.headers)

    @app.exception_handler(QueryError)
    async def _query_error(request, exc: QueryError):
        return _error(400, str(exc))

    @app.exception_handler(AssistantError)
    async def _assistant_error(request, exc: AssistantError):
        return _error(503, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request, exc: RequestValidationError):
        message = _validation_message(exc)
        return _error(400 if message.startswith("the request body is not valid JSON") else 422, message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request, exc: StarletteHTTPException):
        return _error(exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _crash(request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)
        return _error(500, "internal error; the server log has the details")

    def answer(question: str, k: int | None, history: list[str], scope: str | None) -> dict:
        if len(history) > MAX_HISTORY:
            raise QueryError(f"history may hold at most {MAX_HISTORY} earlier questions")
        return service.search(question, k, history=tuple(history), scope=scope or None).to_json()

    @app.get("/api/ask", dependencies=[Depends(check_token)], summary="Ask a question (query string)")
    def ask_get(
        q: Annotated[str, Query(min_length=1, max_length=4000, description="the question")],
        k: Annotated[int | None, Query(ge=1, le=MAX_TOP_K, description="how many sections (default 5)")] = None,
        history: Annotated[list[str], Query(description="earlier questions, oldest first (repeatable)")] = [],  # noqa: B006
        scope: Annotated[str | None, Query(description="a note or 'note > chapter'")] = None,
    ) -> dict:
        return answer(q, k, history, scope)

    @app.post("/api/ask", dependencies=[Depends(check_token)], summary="Ask a question (JSON body)")
    def ask_post(body: AskRequest) -> dict:
        return answer(body.question, body.k, body.history, body.scope)

    @app.get("/api/health", summary="Is the index loaded, and does it follow the notes?")
    def health() -> dict:
        """`status` is "ok", "building", "behind" or "degraded"; see SearchService.status."""
        return service.status()

    @app.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "DELETE", "PATCH"], include_in_schema=False)
    def not_found(rest: str) -> None:
        raise ApiError(404, f"no such endpoint /api/{rest}; see /docs")

    @app.get("/api/scopes", summary="Values the `scope` filter takes")
    def scopes() -> dict:
        return {"scopes": service.searcher.scopes()}

    @app.get("/embed", include_in_schema=False)
    def embed_without_slash(request: Request) -> RedirectResponse:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"embed/{query}", status_code=307)

    # Middleware runs outermost-last-added: Host check, then the guard, then CORS. CORS is
    # always installed (an empty list allows no origin) so that Gradio leaves out its own,
    # which would accept any http://localhost:* origin with credentials (case host-header).
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.allowed_origins),
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type"],
        max_age=600,
    )
    app.add_middleware(GuardMiddleware, allowed_origins=settings.allowed_origins)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.trusted_hosts()), www_redirect=False)
    if with_ui:
        mount_ui(app, service, settings)
    return app


def mount_ui(app: FastAPI, service, settings: Settings) -> None:
    """Gradio at /embed (compact) and / (full); /embed first, since / matches everything."""
    import gradio as gr

    from .ui import CSS, HEAD, build_ui

    # No allowed_paths: Gradio then serves only its own cache and assets (and the guard
    # serves none of its file routes). The notes and the index are blocked on top.
    options = dict(
        allowed_paths=[],
        blocked_paths=[str(settings.corpus_dir.resolve()), str(settings.index_dir.resolve())],
        footer_links=[],
        ssr_mode=False,
        max_file_size="1kb",
        mcp_server=False,
        css=CSS,
        head=HEAD,
        show_error=False,
    )
    for path, embed in (("/embed", True), ("/", False)):
        blocks = build_ui(service, settings, embed=embed).queue(default_concurrency_limit=8)
        gr.mount_gradio_app(app, blocks, path, **options)
        # gr.mount_gradio_app never marks the Blocks launched, and Gradio's path guard
        # (processing_utils._check_allowed) is a no-op until it is: set it, so Gradio itself
        # refuses any file a client names, on top of the guard's text-only rule.
        blocks.has_launched = True
