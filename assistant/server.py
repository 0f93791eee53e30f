"""Serving: build or update the index, then run the UI + API with uvicorn.

Kept apart from app.py so tests can start the same server in a thread. With `watch` on,
watch.py re-indexes when a note changes (only changed sections are embedded) and the
SearchService answers from the new index right away.
What this leaves out: routes and pages (api.py, ui.py).
"""
from __future__ import annotations

import errno
import logging
import socket
import sys

from .config import Settings
from .errors import AssistantError
from .watch import start_watching
from .wiki.site import site_config_at_start



def make_app(settings: Settings, progress: bool = True):
    """SearchService (building the index when needed) plus the FastAPI app around it."""
    from .api import create_app
    from .service import SearchService

    service = SearchService(settings, progress=progress)
    return create_app(service, settings), service


# Slow clients (case slowloris): a request must arrive whole, head and body, within this time;
# a response the client does not read for this long is dropped; one client address holds at
# most this many connections (so idle or never-ending streams from one client cannot take the
# server's whole connection budget), and the server at most MAX_CONNECTIONS (more get a 503).
REQUEST_DEADLINE_S = 10.0
WRITE_STALL_S = 30.0
MAX_CONNECTIONS_PER_CLIENT = Settings.max_connections_per_client  # ASSISTANT_MAX_CONNECTIONS_PER_CLIENT
MAX_CONNECTIONS = 1000
SHUTDOWN_GRACE_S = 5.0


def deadline_protocol(deadline_s: float = REQUEST_DEADLINE_S, write_stall_s: float = WRITE_STALL_S,
                      per_client: int = MAX_CONNECTIONS_PER_CLIENT):
    """uvicorn's h11 protocol with the limits above (a class; uvicorn makes one per connection).

    uvicorn has none of them (its issue #157: "timeout-request-start" is still open):
    `timeout_keep_alive` only covers idle time between requests and is reset by every byte,
    so a client trickling a header or a body holds its connection forever. The request
    deadline starts when a connection opens and again after each response; once a request is
    fully received it no longer applies, so long streaming responses (Gradio's SSE) are
    unaffected - but a stream whose reader stops reading (the transport pauses writing) is
    closed after `write_stall_s`. Behind a reverse proxy every user shares the proxy's
    address: raise `per_client` there (the proxy should limit clients itself).
    """
    import collections

    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    open_per_client: collections.Counter = collections.Counter()

    class DeadlineH11Protocol(H11Protocol):
        _deadline = _stall = None
        _counted = False  # whether this connection holds one of its client's places

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._address = self.client[0] if self.client else None
            if open_per_client[self._address] >= per_client:
                transport.close()  # refused before any request: nothing is parsed or answered
                return
            open_per_client[self._address] += 1
            self._counted = True
            self._arm_deadline()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm_deadline()

        def connection_lost(self, exc) -> None:
            self._cancel("_deadline")
            self._cancel("_stall")
            if self._counted:
                self._counted = False
                open_per_client[self._address] -= 1
                if open_per_client[self._address] <= 0:
                    del open_per_client[self._address]
            super().connection_lost(exc)

        def pause_writing(self) -> None:
            super().pause_writing()
            if self._stall is None:
                self._stall = self.loop.call_later(write_stall_s, self._close)

        def resume_writing(self) -> None:
            super().resume_writing()
            self._cancel("_stall")

        def _arm_deadline(self) -> None:
            self._cancel("_deadline")
            self._deadline = self.loop.call_later(deadline_s, self._deadline_passed)

        def _cancel(self, name: str) -> None:
            handle = getattr(self, name)
            if handle is not None:
                handle.cancel()
                setattr(self, name, None)

        def _deadline_passed(self) -> None:
            self._deadline = None
            # A request still arriving (nothing yet, part of the head, or part of the body).
            if self.conn.their_state in (h11.IDLE, h11.SEND_BODY):
                self._close()

        def _close(self) -> None:
            self._stall = None
            if self.transport.is_closing():
                return
            if self.cycle is not None and not self.cycle.response_complete:
                self.cycle.disconnected = True
                self.cycle.message_event.set()
            self.transport.close()

    return DeadlineH11Protocol


def uvicorn_config(app, settings: Settings, **overrides):
    """The one uvicorn configuration for serving (app.py and the tests' real servers)."""
    import uvicorn

    options = dict(
        host=settings.host, port=settings.port, log_level="warning",
        http=deadline_protocol(per_client=settings.max_connections_per_client),
        limit_concurrency=MAX_CONNECTIONS, timeout_keep_alive=5, h11_max_incomplete_event_size=16 * 1024,
        # Never-ending streams (a page's heartbeat) held a stopping server up for as long as
        # their clients kept them open (an attack run, 2026-12-05): they get this long.
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
        server_header=False, use_colors=False,  # no ANSI colours: every log line is control-free (safe_output)
    )
    return uvicorn.Config(app, **{**options, **overrides})


def safe_output() -> None:
    """While serving, everything written to stdout and stderr (Gradio print()s a client's event
    inputs and tracebacks; uvicorn's log handlers, made after this, write to sys.stderr) shows
    control characters as stand-ins (termsafe.SafeStream), as do the root logger's handlers."""
    from .termsafe import SafeFormatter, SafeStream

    if not isinstance(sys.stdout, SafeStream):
        sys.stdout, sys.stderr = SafeStream(sys.stdout), SafeStream(sys.stderr)
    for handler in logging.getLogger().handlers:
        if not isinstance(handler.formatter, SafeFormatter):
            handler.setFormatter(SafeFormatter(handler.formatter._fmt if handler.formatter else None))


def embedding_line(settings: Settings) -> str:
    """One start-up line: which other sites' pages may show the chat in a frame (CSP
    frame-ancestors, guard.py), and how to allow a wiki's when none may: a first-time embedder
    saw only the browser's broken-page icon in the wiki's frame, and nothing at start-up said
    why (a fresh user, heldout23, 2026-12-06)."""
    if settings.allowed_origins:
        return f"embedding: pages of {', '.join(settings.allowed_origins)} may show the chat in a frame"
    return ("embedding: no other site's pages may show the chat in a frame; set ASSISTANT_ALLOWED_ORIGINS="
            "https://your-wiki.example (comma-separated) to embed it in your wiki (docs/embedding.md)")


def serve(settings: Settings) -> int:
    """Blocking: build if needed, print the URL, serve until Ctrl-C."""
    import uvicorn

    # Bound first, before the index is loaded or built (minutes for a new wiki) and before the
    # address is printed: with the port taken, the address came first and then uvicorn's
    # "[Errno 98] ... address already in use" (a fresh user, 2026-12-04), and a bad host was
    # said only once the index was loaded (a helper's attack). Not listening until uvicorn
    # serves: a browser meanwhile is refused, not left waiting.
    try:
        listening = bound_socket(settings.host, settings.port)
    except OSError as exc:
        print(f"error: cannot listen on {settings.host} port {settings.port}: {exc.strerror or exc}"
              + ("; another server uses it: pass --port (or set ASSISTANT_PORT)" if exc.errno == errno.EADDRINUSE else ""),
              file=sys.stderr)
        return 1
    # The site file as the settings were made from it (its first reading), not as it is once
    # a first build (minutes) is done: an edit meanwhile is a change (watch.SiteFileCheck).
    site_at_start = site_config_at_start(settings.corpus_dir)
    try:
        app, service = make_app(settings)
    except AssistantError as exc:
        listening.close()
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BaseException:
        listening.close()
        raise
    stop_watching = start_watching(service, site_at_start=site_at_start) if settings.watch else (lambda: None)
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    print(f"Notes assistant: http://{host}:{settings.port}/  (API: /api/ask, docs: /docs, embed: /embed)", flush=True)
    safe_output()
    try:
        uvicorn.Server(uvicorn_config(app, settings)).run(sockets=[listening])
    finally:
        stop_watching()
        listening.close()
    return 0


def bound_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port), as uvicorn binds its own (SO_REUSEADDR; IPv6 only
    for a host with ':', so "--host ::" stays off IPv4, as asyncio's create_server makes it);
    raises OSError (EADDRINUSE: the port is taken)."""
    ipv6 = ":" in host
    listening = socket.socket(socket.AF_INET6 if ipv6 else socket.AF_INET, socket.SOCK_STREAM)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if ipv6:  # a helper's attack: without it "--host ::" also answered on every IPv4 address
            listening.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        listening.bind((host, port))
    except OSError:
        listening.close()
        raise
    listening.set_inheritable(True)
    return listening
