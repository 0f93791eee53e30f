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
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
    finally:
        stop_watching()
    return 0
