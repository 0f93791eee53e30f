"""Serving: build or update the index, then run the UI + API with uvicorn.

Kept apart from app.py so tests can start the same server in a thread. With `watch` on,
a background thread re-indexes when a note changes (only changed sections are embedded)
and the SearchService picks the new index up on the next question.
What this leaves out: routes and pages (api.py, ui.py).
"""
from __future__ import annotations

import logging
import sys
import threading

from .config import Settings
from .errors import AssistantError

log = logging.getLogger(__name__)


def make_app(settings: Settings, progress: bool = True):
    """SearchService (building the index when needed) plus the FastAPI app around it."""
    from .api import create_app
    from .service import SearchService

    service = SearchService(settings, progress=progress)
    return create_app(service, settings), service


def watch_corpus(service, stop: threading.Event) -> threading.Thread:
    """Re-index in the background whenever a file in the corpus folder changes."""

    def loop() -> None:
        from watchfiles import watch

        for _changes in watch(service.settings.corpus_dir, stop_event=stop, debounce=1000):
            try:
                report = service.refresh()
                log.warning("notes changed: index %s (%d chunks)", report.status, report.n_chunks)
            except AssistantError as exc:
                log.warning("re-indexing failed, still answering from the previous index: %s", exc)

    thread = threading.Thread(target=loop, name="corpus-watch", daemon=True)
    thread.start()
    return thread


def serve(settings: Settings) -> int:
    """Blocking: build if needed, print the URL, serve until Ctrl-C."""
    import uvicorn

    try:
        app, service = make_app(settings)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()
    if settings.watch:
        watch_corpus(service, stop)
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    print(f"Notes assistant: http://{host}:{settings.port}/  (API: /api/ask, docs: /docs, embed: /embed)", flush=True)
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
    finally:
        stop.set()
    return 0
