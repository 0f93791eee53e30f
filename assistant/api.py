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
import re
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, Query, Request
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from starlette.middleware.trustedhost import TrustedHostMiddleware
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from .apischema import AnswerOut, ErrorOut, HealthOut, ScopesOut
from .config import PROJECT_ROOT, Settings
from .errors import AssistantError, QueryError, UnknownScopeError
from .fairshare import FairShare
from .guard import GuardMiddleware
from . import MAX_HISTORY, MAX_TOP_K, validate_question
from .scopes import listed_scopes

log = logging.getLogger(__name__)

QUEUE_SIZE = 64  # questions waiting per page; beyond that Gradio answers "queue full"
UI_QUEUE_POLL_S = 0.02  # how often an idle Gradio queue looks for events (its default: 1 ms)
UI_PROGRESS_POLL_S = 0.1  # how often it looks for progress to send (its default: 10 ms; the UI shows none)
SESSIONS_KEPT = 500  # chat sessions kept in memory per page (oldest evicted)
DOCS_ASSETS = "/docs/static"  # Swagger UI's script, style and icon (guard.py allows these three)


class AskRequest(BaseModel):
    """Body of POST /api/ask; unknown fields are refused so typos do not pass silently."""

    model_config = ConfigDict(extra="forbid", strict=True)
    question: str = Field(min_length=1, max_length=4000, description="the question, Japanese or English")
    k: int | None = Field(None, ge=1, le=MAX_TOP_K, description="how many sections to return (default 5)")
    history: list[Annotated[str, Field(max_length=4000)]] = Field(
        default_factory=list, max_length=MAX_HISTORY, description="earlier questions of the conversation, oldest first"
    )
    scope: str | None = Field(None, description="limit to a note or 'note › chapter' (values: /api/scopes)")


# Error bodies as the server really sends them (tests/test_api.py asks for each and compares).
ERROR_EXAMPLES = {
    400: ("bad request body", "the request body is not valid JSON"),
    401: ("missing or wrong token (only when ASSISTANT_API_TOKEN is set)",
          "missing or wrong API token; send 'Authorization: Bearer <token>'"),
    413: ("request body over 64 KB", "request body too large; the limit is 64 KB"),
    422: ("invalid parameter", "k: Input should be less than or equal to 50"),
    503: ("the index is missing or being replaced", "no index in /srv/notes/index; run `python -m assistant index` to build it"),
}


def _empty_question_message() -> str:
    try:
        validate_question("")
    except QueryError as refused:
        return str(refused)
    raise AssertionError("validate_question accepted an empty question")


ASK_PARAMETERS = ("q", "k", "history", "scope")  # what GET /api/ask takes (ask_get)


# A missing or empty question is refused like one of spaces (query.validate_question), not with
# FastAPI's 422: to the caller they are one mistake.
EMPTY_QUESTION = ("no question (missing, empty or only spaces)", _empty_question_message())


def _error_responses(*statuses: int, examples: dict | None = None) -> dict:
    examples = {**ERROR_EXAMPLES, **(examples or {})}
    return {
        status: {"model": ErrorOut, "description": examples[status][0],
                 "content": {"application/json": {"example": {"error": examples[status][1]}}}}
        for status in statuses
    }


def _is_empty_question(exc: RequestValidationError) -> bool:
    """True when the request failed validation only because its question (`q`, `question`)
    is missing or shorter than one character."""
    errors = exc.errors()
    return bool(errors) and all(
        err.get("type") in ("missing", "string_too_short") and tuple(err.get("loc", ()))[-1:] in (("q",), ("question",))
        for err in errors
    )


class ApiError(Exception):
    """Raised inside a route: answered as `{"error": message}` with this HTTP status (e.g.
    401, 404) and optional extra headers (`WWW-Authenticate`); never shows a traceback."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers


# An absolute file path in a message: '/' not after a word character, ':' or '/' (so URLs
# stay), then folder names ending in '/', which may hold spaces ("/srv/team notes/"), and a
# last name up to whitespace, a quote or punctuation that ends a sentence. The messages print
# paths unquoted, so a space in the last name cannot be told from the sentence going on:
# `without_paths` hides the server's own folders (where such names come from) whole first.
_NAME = r"[^\s'\"`,;()/]+"
_NAMES = rf"(?:{_NAME}(?: {_NAME})*/)*(?:{_NAME})?"  # after a '/': folders (spaces allowed), a last name
_ABSOLUTE_PATH = re.compile(rf"(?<![\w:/])/{_NAMES}")
# A known folder's name ends (a sentence's '.' or ':' may follow), then the path may go on.
_FOLDER_END = rf"(?:(?!{_NAME})|(?=[.:](?:\s|$)))(?:/{_NAMES})?"


def without_paths(message, folders=()):
    """`message` with each absolute path written as '<path>' (None stays None): for what an
    unauthenticated route shows, e.g. 'corpus folder <path> does not exist'. `folders`: the
    server's own folders (corpus, index; Path or str), hidden whole with whatever path
    follows them, spaces in their names included."""
    if not isinstance(message, str):
        return message
    spellings = {str(f) for f in folders} | {str(Path(f).resolve()) for f in folders}
    for folder in sorted((f.rstrip("/") for f in spellings if f.strip("/")), key=len, reverse=True):
        message = re.sub(re.escape(folder) + _FOLDER_END, "<path>", message)
    return _ABSOLUTE_PATH.sub("<path>", message)


def _error(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query"))
        if err.get("type") == "json_invalid":
            return "the request body is not valid JSON"
        if tuple(err.get("loc", ())) == ("body",) and err.get("type") in ("model_attributes_type", "dict_type", "model_type"):
            # a body sent as text/plain or a form, or JSON that is no object ('["a"]', 'null')
            return 'the request body must be a JSON object, sent as application/json: {"question": "..."}'
        if err.get("type") == "extra_forbidden":
            parts.append(f"unknown field {where!r}")
        elif err.get("type") == "missing":
            parts.append(f"{where or 'body'} is required")
        else:
            parts.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    return "; ".join(parts) or "invalid request"


def _methods_of(app: FastAPI, path: str) -> list[str]:
    """The methods the app's own routes (not the /api catch-all) take at `path`, sorted."""
    methods = {m for route in app.routes if getattr(route, "path", None) == path for m in getattr(route, "methods", ())}
    return sorted(methods)


def create_app(service, settings: Settings, with_ui: bool = True) -> FastAPI:
    """The API (and, with `with_ui`, the Gradio chat at / and /embed) over one SearchService."""
    # FastAPIOffline: FastAPI whose /docs loads Swagger UI from the package's own files under
    # /docs/static (fastapi-offline ships them), not from a CDN, so the docs work offline.
    app = FastAPIOffline(
        title="Notes assistant API",
        description=("Find the note sections that answer a question (Japanese or English). "
                     "Errors are always `{\"error\": \"...\"}` with a 4xx/5xx status. "
                     "`GET /api/scopes` lists the values of the `scope` filter."),
        version="1",
        redoc_url=None,
        static_url=DOCS_ASSETS,
    )
    app.state.service = service

    # The token check and the /api/ask endpoints are coroutines and only the search itself
    # runs in a worker thread: FastAPI runs a plain `def` dependency, endpoint and its
    # response-model validation each in a worker thread, three hand-offs per question where
    # one is needed (docs/performance.md, 2026-12-01).
    async def check_token(request: Request) -> None:
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
        # The API has no list beside the question, as the page and `ask --list-scopes` have.
        return _error(400, f"{exc} (GET /api/scopes lists them)" if isinstance(exc, UnknownScopeError) else str(exc))

    @app.exception_handler(AssistantError)
    async def _assistant_error(request, exc: AssistantError):
        return _error(503, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request, exc: RequestValidationError):
        if _is_empty_question(exc):
            return _error(400, EMPTY_QUESTION[1])
        message = _validation_message(exc)
        return _error(400 if message.startswith("the request body is not valid JSON") else 422, message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request, exc: StarletteHTTPException):
        return _error(exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _crash(request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)
        return _error(500, "internal error; the server log has the details")

    searches = FairShare()  # at most SEARCH_SLOTS at once, waiting ones served by client in turn

    async def answer(request: Request, question: str, k: int | None, history: list[str], scope: str | None) -> dict:
        async with searches.slot(request.client.host if request.client else ""):
            found = await run_in_threadpool(service.search, question, k, history=tuple(history), scope=scope or None)
        return found.to_json()

    ask_errors = _error_responses(400, 401, 413, 422, 503)

    async def known_parameters(request: Request) -> None:
        """GET /api/ask refuses parameters it does not take, as the POST body refuses unknown
        fields: `?question=...` was answered "no question" (a fresh user, 2026-12-06)."""
        unknown = sorted(set(request.query_params) - set(ASK_PARAMETERS))
        if unknown:
            raise ApiError(422, f"unknown parameter {', '.join(map(repr, unknown))}; /api/ask takes "
                                f"{', '.join(ASK_PARAMETERS)} (the question is q)")

    @app.get("/api/ask", dependencies=[Depends(check_token), Depends(known_parameters)], summary="Ask a question (query string)",
             response_model=AnswerOut,
             responses=_error_responses(400, 401, 422, 503, examples={400: EMPTY_QUESTION}))
    async def ask_get(
        request: Request,
        q: Annotated[str, Query(min_length=1, max_length=4000, description="the question")],
        k: Annotated[int | None, Query(ge=1, le=MAX_TOP_K, description="how many sections (default 5)")] = None,
        history: Annotated[list[str], Query(description="earlier questions, oldest first (repeatable)")] = [],  # noqa: B006
        scope: Annotated[str | None, Query(description="a note or 'note › chapter' (values: /api/scopes)")] = None,
    ) -> dict:
        return await answer(request, q, k, history, scope)

    @app.post("/api/ask", dependencies=[Depends(check_token)], summary="Ask a question (JSON body)",
              response_model=AnswerOut, responses=ask_errors)
    async def ask_post(request: Request, body: AskRequest) -> dict:
        return await answer(request, body.question, body.k, body.history, body.scope)

    @app.get("/api/health", summary="Is the index loaded, and does it follow the notes?", response_model=HealthOut,
             responses=_error_responses(503))
    def health() -> dict:
        """`status` is "ok", "building", "behind" or "degraded"; see SearchService.status.
        The route needs no token, so its messages carry no server path (the log keeps them)."""
        folders = (settings.corpus_dir, settings.index_dir)
        return {k: without_paths(v, folders) if k in ("last_build_error", "refused_reason") else v
                for k, v in service.status().items()}

    # Before the catch-all below, which would otherwise answer /api/scopes with a 404.
    @app.get("/api/scopes", summary="Values the `scope` filter takes", response_model=ScopesOut,
             responses=_error_responses(503))
    def scopes() -> dict:
        scopes, cut = listed_scopes(service.searcher.scopes(), service.searcher.note_titles)
        return {"scopes": scopes, "complete": not cut}

    @app.get("/example/wiki.html", include_in_schema=False)
    def example_wiki_page() -> FileResponse:
        """examples/wiki.html, a wiki page with the assistant in a side panel (same origin)."""
        return FileResponse(PROJECT_ROOT / "examples" / "wiki.html", media_type="text/html")

    # HEAD wherever GET is (RFC 9110 9.3.2; an uptime monitor's `curl -I /api/health` got 405):
    # FastAPI's GET routes take no HEAD, and one route for both repeats its OpenAPI operation
    # id, so each gets a HEAD twin left out of the schema. uvicorn sends no body for HEAD.
    for route in [r for r in app.routes if isinstance(r, APIRoute) and "GET" in r.methods and r.path.startswith("/api/")]:
        app.add_api_route(route.path, route.endpoint, methods=["HEAD"], dependencies=route.dependencies,
                          include_in_schema=False)

    # Last among /api routes: routes match in order, so one defined after it is never reached.
    # Every method, or Gradio's mount at / would answer the rest with its own 404 page.
    @app.api_route("/api/{rest:path}", methods=["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"],
                   include_in_schema=False)
    def not_found(rest: str, request: Request) -> None:
        allowed = _methods_of(app, f"/api/{rest}")
        if allowed:  # the endpoint exists: the method is what is wrong (RFC 9110: 405 with Allow)
            raise ApiError(405, f"/api/{rest} takes {' or '.join(allowed)}, not {request.method}; see /docs",
                           headers={"Allow": ", ".join(allowed)})
        raise ApiError(404, f"no such endpoint /api/{rest}; see /docs")

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
    events: dict[str, set[int]] = {}  # filled by mount_ui with each page's event ids
    sessions: dict = {}  # and with each page's "has this session events?" check
    app.add_middleware(GuardMiddleware, allowed_origins=settings.allowed_origins, events=events, sessions=sessions,
                       max_heartbeats=settings.max_connections_per_client // 2)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.trusted_hosts()), www_redirect=False)
    if with_ui:
        events.update(mount_ui(app, service, settings, sessions))
    return app


def mount_ui(app: FastAPI, service, settings: Settings, sessions: dict | None = None) -> dict[str, set[int]]:
    """Gradio at /embed (compact) and / (full); /embed first, since / matches everything.
    Returns each mount's event ids ("" for /), for the guard; fills `sessions` with each
    mount's check of whether a session hash has events in its queue (also for the guard)."""
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
    events = {}
    for path, embed in (("/embed", True), ("/", False)):
        # A bounded queue and session store: a flood of questions or of new sessions gets
        # "queue full" or evicts the oldest sessions instead of growing memory.
        blocks = build_ui(service, settings, embed=embed).queue(default_concurrency_limit=8, max_size=QUEUE_SIZE)
        blocks.state_session_capacity = SESSIONS_KEPT
        # Gradio's queue looks for waiting events every 1 ms, and for progress to send every
        # 10 ms, even when there are none: 7.8% of a core for an idle server with both pages,
        # taken from answering (docs/performance.md). Every UI_QUEUE_POLL_S and
        # UI_PROGRESS_POLL_S instead (Gradio's own values on Windows are 50 and 100 ms); an
        # event waits at most UI_QUEUE_POLL_S to start. Gradio has no option for them.
        queue = blocks._queue
        queue.sleep_when_free = max(queue.sleep_when_free, UI_QUEUE_POLL_S)
        queue.progress_update_sleep_when_free = max(queue.progress_update_sleep_when_free, UI_PROGRESS_POLL_S)
        gr.mount_gradio_app(app, blocks, path, **options)
        blocks.state_holder.capacity = SESSIONS_KEPT
        # fn_index -> inputs, for events with a Python function (js-only ones run in the page)
        events[path.rstrip("/")] = {i: len(f.inputs) for i, f in blocks.fns.items() if f.fn is not None}
        if sessions is not None:
            # Gradio's own test in its event stream (routes.py, sse_stream); read at request time.
            sessions[path.rstrip("/")] = lambda session, b=blocks: session in b._queue.pending_messages_per_session
        # gr.mount_gradio_app never marks the Blocks launched, and Gradio's path guard
        # (processing_utils._check_allowed) is a no-op until it is: set it, so Gradio itself
        # refuses any file a client names, on top of the guard's text-only rule.
        blocks.has_launched = True
    return events
