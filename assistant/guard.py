"""The HTTP guard in front of every route: which requests reach the app at all.

One pure-ASGI middleware (safe for Gradio's streaming responses), applied before routing:
- Routes: an allowlist of (method, path pattern) - the JSON API, its docs and the routes the
  Gradio page itself uses. Everything else, Gradio's upload, file, proxy, run/call and
  component routes included, is a 404 before it reaches Gradio (case upload-newline: a
  blocklist matched on strings was bypassed with `/gradio_api/upload%0A`).
- Bodies: one size limit for every route, counted while reading, before anything parses them
  (case gradio-body-size); invalid UTF-8 is refused, and so are NaN, Infinity, 1e309 and lone
  surrogates in a Gradio field outside an event's `data` (Gradio answered a 500 and logged a
  traceback; `data` values reach the page's handlers, which check them).
- Gradio events: the page's events take text and numbers only, so a body whose `data` holds
  anything else (a FileData dict naming a local path, a list) is refused before Gradio's
  preprocessing can copy a file into its cache (case gradio-filedata-read); an event must be
  one of the page's Python events with as many values as it takes (a page-side js event or a
  short payload only made Gradio log a traceback: a log flood).
- Origins: a cross-origin POST is refused unless its Origin is in the allowlist (the same
  list drives CORS on /api and frame-ancestors); so is a browser's cross-site GET of /api/ask
  (`Sec-Fetch-Site: cross-site`, e.g. an <img> on any intranet page).
- Headers: `X-Forwarded-Host` is dropped (Gradio builds URLs from it); security headers
  (CSP frame-ancestors, nosniff, referrer policy) go on every response, and `no-store` on the
  API's answers (they quote the notes).
- Framing: a request with both Content-Length and Transfer-Encoding is refused and its
  connection closed (h11 read the chunked body and kept the connection open: a proxy in front
  reading Content-Length would take the rest for another request, RFC 9112 section 6.1).
- Streams: Gradio's never-ending heartbeat streams take at most half the connections of a
  client address and of the server (MAX_HEARTBEATS_PER_CLIENT, MAX_HEARTBEATS).
Host checking is Starlette's TrustedHostMiddleware (api.py); read timeouts and the connection
cap are the server's (server.py).
"""
from __future__ import annotations

import collections
from collections.abc import Callable, Mapping

import json
import math
import re
from urllib.parse import parse_qs, unquote_to_bytes

from starlette.responses import JSONResponse

MAX_BODY_BYTES = 64 * 1024
# Heartbeat streams one client address may hold open: half of what it may hold in all
# (server.MAX_CONNECTIONS_PER_CLIENT), so never-ending streams leave it room to ask. A browser
# holds one per open page, and at most 6 connections to one server. All addresses together
# hold at most half the server's connections (server.MAX_CONNECTIONS): 32 addresses of 31
# heartbeats each took all 1,000, and every request of anyone got 503 (an attack run).
MAX_HEARTBEATS_PER_CLIENT = 32
MAX_HEARTBEATS = 500
GRADIO_MOUNTS = ("", "/embed")

_SAFE_TAIL = r"[A-Za-z0-9_.\-/]*"  # assets and the like: no "..", checked separately
# What the page loads and calls, seen in a real browser session (tests/test_security_http.py
# checks the page still works with only these): the page, its config (for <gradio-app>
# embeds), theme, assets and fonts, and the queue's join / data / heartbeat / cancel.
_GRADIO_GET = (
    r"/?", r"/config/?", r"/theme\.css", r"/gradio_api/theme\.css", r"/favicon\.ico",
    r"/gradio_api/startup-events", r"/gradio_api/queue/data", r"/gradio_api/heartbeat/[A-Za-z0-9_\-]+",
    rf"/assets/{_SAFE_TAIL}", rf"/static/{_SAFE_TAIL}", rf"/svelte/{_SAFE_TAIL}",
)
_GRADIO_POST = (r"/gradio_api/queue/join", r"/gradio_api/cancel")
GRADIO_EVENT_PATHS = {m + "/gradio_api/queue/join": m for m in GRADIO_MOUNTS}
GRADIO_CANCEL_PATHS = {m + "/gradio_api/cancel" for m in GRADIO_MOUNTS}
GRADIO_STREAM_PATHS = {m + "/gradio_api/queue/data": m for m in GRADIO_MOUNTS}
# Everything under /api/ reaches the API, whose own catch-all answers unknown paths with a
# JSON 404 (api.py). /docs/static: Swagger UI's files from the fastapi-offline package.
_API = {
    "GET": (r"/api/.*", r"/docs", r"/openapi\.json",
            r"/docs/static/(?:swagger-ui-bundle\.js|swagger-ui\.css|favicon\.png)",
            r"/example/wiki\.html"),  # examples/wiki.html, served as a preview of an embed
    "POST": (r"/api/.*",),
}


def _compile(patterns) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


_ALLOWED = {
    "GET": _compile([*_API["GET"], *(re.escape(m) + p for m in GRADIO_MOUNTS for p in _GRADIO_GET)]),
    "POST": _compile([*_API["POST"], *(re.escape(m) + p for m in GRADIO_MOUNTS for p in _GRADIO_POST)]),
}
_ALLOWED["HEAD"] = _ALLOWED["GET"]
_ALLOWED["OPTIONS"] = _compile([r"/api/.*"])  # CORS preflight, answered by CORSMiddleware
# Another method on an endpoint reaches the API, which answers 405 with the methods it takes
# (api.py), not a 404 that says the endpoint is not there (a wiki owner, 2026-12-06).
for _method in ("PUT", "DELETE", "PATCH"):
    _ALLOWED[_method] = _compile([r"/api/(?:ask|health|scopes)"])
_BAD_PATH = re.compile(r"\.\.|\\|[\x00-\x1f\x7f]|//")


# Routes a page element (<img>, <iframe>, ...) has no business loading: which Sec-Fetch-Dest
# values each answers ("" is a client without Fetch Metadata: curl, scripts).
_FETCH_DESTS = {"api": ("", "empty", "document"), "stream": ("", "empty")}


def _is_heartbeat(path: str) -> bool:
    return any(path.startswith(mount + "/gradio_api/heartbeat/") for mount in GRADIO_MOUNTS)


def _fetch_only_route(path: str) -> str | None:
    if path.startswith("/api/ask"):
        return "api"
    if _is_heartbeat(path) or path in GRADIO_STREAM_PATHS:
        return "stream"
    return None


_CLIENT_CHOSEN_ROOT = {b"x-forwarded-host", b"x-forwarded-proto", b"x-gradio-server"}


def route_allowed(method: str, path: str) -> bool:
    """True when `method path` is a route the product serves (full match, decoded path)."""
    pattern = _ALLOWED.get(method)
    return bool(pattern and not _BAD_PATH.search(path) and pattern.fullmatch(path))


UNTAKEABLE = "the request body holds a value this server cannot take (NaN, Infinity or invalid Unicode)"


def untakeable(value) -> bool:
    """Whether a parsed JSON value holds what Gradio cannot echo back in a validation error:
    a non-finite number (NaN, Infinity, or 1e309, which Python's json reads as infinity) or a
    string or key with a lone surrogate ("\\ud800" is valid JSON). Its error reply failed to
    encode: a 500 and a ~15 KB traceback in the log per request (two fresh attackers,
    2026-12-01)."""
    stack = [value]
    while stack:  # iterative: the body is at most MAX_BODY_BYTES, but may nest deeply
        item = stack.pop()
        if isinstance(item, float):
            if not math.isfinite(item):
                return True
        elif isinstance(item, str):
            if not item.isascii() and any("\ud800" <= ch <= "\udfff" for ch in item):
                return True
        elif isinstance(item, dict):
            stack += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            stack += item
    return False


def event_payload_problem(body: bytes, events: Mapping[int, int] | None = None) -> str | None:
    """None when a Gradio event body names one of the page's `events` (fn_index -> how many
    inputs its Python function takes; any event when None) with that many values, text and
    numbers only; else why not. An event with no Python function (a page-side js event) or
    the wrong number of values would reach Gradio only to print a traceback in the log."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return "the request body is not valid JSON"
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(data, list):
        return "an event needs a 'data' list"
    # The values in `data` reach the page's handlers, which check them (ui._plain,
    # _result_count: a ⚠ line in the chat); every other field is Gradio's.
    if untakeable({k: v for k, v in payload.items() if k != "data"}):
        return UNTAKEABLE
    if any(not (value is None or isinstance(value, (str, int, float, bool))) for value in data):
        return "this form takes text and numbers only"
    if payload.get("event_data") is not None and not isinstance(payload.get("event_data"), (str, int, float, bool)):
        return "this form takes text and numbers only"
    fn_index = payload.get("fn_index")
    if events is not None and (type(fn_index) is not int or fn_index not in events):
        return "no such event"  # Gradio would answer a 500 and log a traceback
    if events is not None and len(data) != events[fn_index]:
        return "this event takes a different number of values"
    return None


def _error(status: int, message: str, close: bool = False) -> JSONResponse:
    # `Connection: close` in a response makes h11 (uvicorn) close the connection after it.
    return JSONResponse({"error": message}, status_code=status, headers={"Connection": "close"} if close else None)


# The API's answers quote the notes (and may be private, behind the token): no browser or
# shared cache keeps them. Gradio sets its own headers on the page's routes.
_NO_STORE = (b"cache-control", b"no-store")


def _same_origin(origin: str, headers: dict) -> bool:
    host = headers.get(b"host", b"").decode("latin-1")
    return origin in (f"http://{host}", f"https://{host}")


class GuardMiddleware:
    """See the module docstring. `allowed_origins`: exact origins (scheme://host[:port])
    that may embed the page and call the API cross-origin; `max_body`: bytes per request."""

    def __init__(self, app, allowed_origins: tuple[str, ...] = (), max_body: int = MAX_BODY_BYTES,
                 events: dict[str, dict[int, int]] | None = None,
                 sessions: dict[str, Callable[[str], bool]] | None = None,
                 max_heartbeats: int = MAX_HEARTBEATS_PER_CLIENT):
        self.app, self.max_body, self.allowed_origins = app, max_body, set(allowed_origins)
        # Gradio's heartbeat answers any made-up session, forever, before the page has sent an
        # event (so no queue knows it): 64 of them took every connection an address may hold,
        # and each later request of that address was reset (an attack run, 2026-12-05). Open
        # heartbeats per client address stay under `max_heartbeats`; its other requests are served.
        self.max_heartbeats = max_heartbeats
        self.open_heartbeats: collections.Counter[str] = collections.Counter()
        self.heartbeats = 0  # open on every address together, at most MAX_HEARTBEATS
        # mount ("" or "/embed") -> the fn_index values of its page's events, and -> whether a
        # session hash has events in its queue; filled in when the pages are mounted
        # (api.mount_ui), after this middleware is created.
        self.events = events if events is not None else {}
        self.sessions = sessions if sessions is not None else {}
        frame_ancestors = " ".join(("'self'", *allowed_origins))
        self.headers = [
            (b"content-security-policy", f"frame-ancestors {frame_ancestors}".encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
        ]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":  # websockets are not served; lifespan passes through
            if scope["type"] == "websocket":
                return await send({"type": "websocket.close", "code": 1008})
            return await self.app(scope, receive, send)

        method, path = scope["method"], scope["path"]
        added = self.headers + [_NO_STORE] if path.startswith("/api/") else self.headers

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {h[0] for h in added}
                # Drop any X-Frame-Options: frame-ancestors is the one embedding policy.
                kept = [h for h in message.get("headers", []) if h[0].lower() not in names | {b"x-frame-options"}]
                message = {**message, "headers": kept + added}
            await send(message)

        def refuse(status: int, message: str, close: bool = False):
            return _error(status, message, close)(scope, receive, send_with_headers)

        headers = dict(scope.get("headers", []))
        if b"transfer-encoding" in headers and b"content-length" in headers:  # on every path
            return await refuse(400, "a request cannot have both Content-Length and Transfer-Encoding", close=True)
        if not route_allowed(method, path):
            return await refuse(404, "not found")
        if _query_problem(scope):
            return await refuse(400, "the query string is not valid UTF-8")
        if path in GRADIO_STREAM_PATHS and not self._session_known(scope, GRADIO_STREAM_PATHS[path]):
            # Gradio answers an unknown session by raising inside a response already started:
            # two tracebacks (~8 KB) in the log per request, for any client.
            return await refuse(404, "no such session")
        origin = headers.get(b"origin", b"").decode("latin-1")
        if method == "POST" and origin and origin not in self.allowed_origins and not _same_origin(origin, headers):
            return await refuse(403, "requests from this origin are not allowed")
        # A GET of /api/ask costs a search (~0.05-2.7 CPU-s): a cross-site page (<img src=...>, a
        # script's no-cors fetch) must not make every visitor's browser ask. Browsers say so in
        # Sec-Fetch-Site (Fetch Metadata); clients without it (curl, scripts) and same-origin,
        # same-site, typed ("none") and allowed-origin requests are served.
        fetch_site = headers.get(b"sec-fetch-site", b"").decode("latin-1").lower()
        if (method == "GET" and path.startswith("/api/ask") and fetch_site == "cross-site"
                and origin not in self.allowed_origins):
            return await refuse(403, "cross-site requests are not allowed; ask from the assistant's page or an allowed origin")
        # The same through the page itself: a note's image is a same-origin request that every
        # reader's browser makes for each reply showing it (an attack run, 2026-12-01): one
        # pointing at /api/ask ran a search per image per view, and 8 pointing at the heartbeat
        # stream held the browser's 6 connections to this server, so each later reply took
        # 13-15 s instead of 0.2 s. These routes answer scripts (Sec-Fetch-Dest: empty; the
        # API also the address bar), never an image, frame, style or script element.
        fetch_dest = headers.get(b"sec-fetch-dest", b"").decode("latin-1").lower()
        allowed_dests = _FETCH_DESTS.get(_fetch_only_route(path))
        if method == "GET" and allowed_dests is not None and fetch_dest not in allowed_dests:
            return await refuse(403, "this route answers scripts, not images or frames")
        # Gradio builds the page's root URL from these; a client must not choose it (uvicorn has
        # already applied X-Forwarded-Proto from trusted proxies to the scope itself).
        scope = {**scope, "headers": [h for h in scope.get("headers", []) if h[0].lower() not in _CLIENT_CHOSEN_ROOT]}
        if _is_heartbeat(path):
            return await self._heartbeat(scope, receive, send_with_headers, refuse)
        too_large = f"request body too large; the limit is {self.max_body // 1024} KB"
        length = headers.get(b"content-length")
        over = length is not None and (not length.isdigit() or int(length) > self.max_body)
        if method not in ("POST", "PUT", "PATCH"):
            # No route reads these methods' bodies, but the server drained one to reuse the
            # connection: a GET with "Content-Length: 209715200" was read whole (an attack
            # run, 2026-12-06). Over the limit, or of unknown length, the connection closes.
            if over:
                return await refuse(413, too_large, close=True)
            if b"transfer-encoding" in headers:
                return await refuse(413, f"a {method} request takes no chunked body", close=True)
            return await self.app(scope, receive, send_with_headers)
        if over:
            return await refuse(413, too_large)
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_body:
                return await refuse(413, too_large)
        try:
            bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            return await refuse(400, "the request body is not valid UTF-8")
        if path in GRADIO_EVENT_PATHS:
            problem = event_payload_problem(bytes(body), self.events.get(GRADIO_EVENT_PATHS[path]))
            if problem:
                return await refuse(400, problem)
        elif path in GRADIO_CANCEL_PATHS:
            try:
                if untakeable(json.loads(bytes(body))):
                    return await refuse(400, UNTAKEABLE)
            except (ValueError, RecursionError):
                return await refuse(400, "the request body is not valid JSON")
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send_with_headers)

    async def _heartbeat(self, scope, receive, send, refuse):
        """Serves a heartbeat stream unless its client address already holds max_heartbeats,
        or all addresses MAX_HEARTBEATS."""
        address = (scope.get("client") or ("",))[0]
        if self.open_heartbeats[address] >= self.max_heartbeats:
            return await refuse(429, "too many open streams from this address", close=True)
        if self.heartbeats >= MAX_HEARTBEATS:
            return await refuse(503, "too many open streams; try again later", close=True)
        self.open_heartbeats[address] += 1
        self.heartbeats += 1
        try:
            return await self.app(scope, receive, send)
        finally:
            self.heartbeats -= 1
            self.open_heartbeats[address] -= 1
            if self.open_heartbeats[address] <= 0:
                del self.open_heartbeats[address]

    def _session_known(self, scope, mount: str) -> bool:
        """Whether the event stream asked for (?session_hash=) has events waiting or running
        on that page (True when the page's queue is not known, e.g. without the UI)."""
        known = self.sessions.get(mount)
        if known is None:
            return True
        query = parse_qs(scope.get("query_string", b"").decode("utf-8"))
        return known(query.get("session_hash", [""])[0])


def _query_problem(scope) -> bool:
    """Starlette decodes bad percent-escapes leniently; refuse them instead of guessing."""
    raw = scope.get("query_string", b"")
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False
