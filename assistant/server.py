"""Serving: build or update the index, then run the UI + API with uvicorn.

Kept apart from app.py so tests can start the same server in a thread. With `watch` on,
watch.py re-indexes when a note changes (only changed sections are embedded) and the
SearchService answers from the new index right away.
What this leaves out: routes and pages (api.py, ui.py).
"""
from __future__ import annotations

import sys

from .config import Settings
from .errors import AssistantError
from .watch import start_watching



def make_app(settings: Settings, progress: bool = True):
    """SearchService (building the index when needed) plus the FastAPI app around it."""
    from .api import create_app
    from .service import SearchService

    service = SearchService(settings, progress=progress)
    return create_app(service, settings), service


# Slow clients (case slowloris): a request must arrive whole, head and body, within this time,
# and at most this many connections are open at once (more get a 503 from uvicorn).
REQUEST_DEADLINE_S = 10.0
MAX_CONNECTIONS = 1000


def deadline_protocol(deadline_s: float = REQUEST_DEADLINE_S):
    """uvicorn's h11 protocol with an absolute deadline for receiving each request.

    uvicorn has no such timeout of its own (its issue #157: "timeout-request-start" is still
    open): `timeout_keep_alive` only covers idle time between requests and is reset by every
    byte, so a client trickling a header or a body holds its connection forever. The deadline
    starts when a connection opens and again after each response; once a request is fully
    received it no longer applies, so long streaming responses (Gradio's SSE) are unaffected.
    """
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class DeadlineH11Protocol(H11Protocol):
        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._arm_deadline()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm_deadline()

        def connection_lost(self, exc) -> None:
            self._disarm_deadline()
            super().connection_lost(exc)

        def _arm_deadline(self) -> None:
            self._disarm_deadline()
            self._deadline = self.loop.call_later(deadline_s, self._deadline_passed)

        def _disarm_deadline(self) -> None:
            handle = getattr(self, "_deadline", None)
            if handle is not None:
                handle.cancel()
                self._deadline = None

        def _deadline_passed(self) -> None:
            self._deadline = None
            # A request still arriving (nothing yet, part of the head, or part of the body).
            if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not self.transport.is_closing():
                if self.cycle is not None and not self.cycle.response_complete:
                    self.cycle.disconnected = True
                    self.cycle.message_event.set()
                self.transport.close()

    return DeadlineH11Protocol


def uvicorn_config(app, settings: Settings, **overrides):
    """The one uvicorn configuration for serving (app.py and the tests' real servers)."""
    import uvicorn

    options = dict(
        host=settings.host, port=settings.port, log_level="warning", http=deadline_protocol(),
        limit_concurrency=MAX_CONNECTIONS, timeout_keep_alive=5, h11_max_incomplete_event_size=16 * 1024,
        server_header=False,
    )
    return uvicorn.Config(app, **{**options, **overrides})


def serve(settings: Settings) -> int:
    """Blocking: build if needed, print the URL, serve until Ctrl-C."""
    import uvicorn

    try:
        app, service = make_app(settings)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    stop_watching = start_watching(service) if settings.watch else (lambda: None)
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    print(f"Notes assistant: http://{host}:{settings.port}/  (API: /api/ask, docs: /docs, embed: /embed)", flush=True)
    try:
        uvicorn.Server(uvicorn_config(app, settings)).run()
    finally:
        stop_watching()
    return 0
