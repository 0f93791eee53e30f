"""Watch the notes folder and re-index in the background, so an edit is answerable at once.

    stop = start_watching(service)   # a daemon thread; returns at once
    ...
    stop()                           # ends the thread (waits up to a few seconds)

A burst of saves is debounced into one refresh. SearchService.refresh() re-embeds only the
changed sections (build.py) and swaps the index atomically; the new version is loaded right
away so the next question neither waits for it nor sees half an index. A failed refresh
(e.g. a note saved half-way) is logged and the previous index keeps answering.
What this leaves out: deciding what changed inside a note (build.py's content hashes).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from .errors import AssistantError, CorpusError
from .notes import NOTE_SUFFIXES

log = logging.getLogger(__name__)

DEBOUNCE_MS = 400  # editors write a file in several steps; wait for the burst to end


def _is_note(change, path: str) -> bool:
    name = Path(path).name
    hidden = name.startswith((".", "~"))  # editor swap and backup files
    return (name.lower().endswith(NOTE_SUFFIXES) and not hidden) or Path(path).is_dir()


def start_watching(service, debounce_ms: int = DEBOUNCE_MS) -> Callable[[], None]:
    """Re-index whenever a note under service.settings.corpus_dir changes; returns stop()."""
    from watchfiles import watch  # imported here: only the server needs it

    corpus = Path(service.settings.corpus_dir)
    if not corpus.is_dir():
        raise CorpusError(f"cannot watch {corpus}: not a folder; check --corpus")
    stop_event = threading.Event()
    ready = threading.Event()

    def loop() -> None:
        changes = watch(corpus, watch_filter=_is_note, debounce=debounce_ms, step=50, stop_event=stop_event,
                        yield_on_timeout=True, rust_timeout=500)
        for batch in changes:  # the first batch (or empty timeout tick) means it is watching
            ready.set()
            if not batch:  # timeout tick: lets stop() end the loop promptly
                continue
            try:
                report = service.refresh()
                service.searcher  # load the new version now, not on the next question
                log.warning("notes changed: index %s (%d chunks, %d embedded, %.1f s)",
                            report.status, report.n_chunks, report.n_embedded, report.seconds)
            except AssistantError as exc:
                log.warning("re-indexing failed, still answering from the previous index: %s", exc)
            except Exception:  # the watcher must outlive any one bad refresh
                log.exception("re-indexing crashed; still answering from the previous index")

    thread = threading.Thread(target=loop, name="corpus-watch", daemon=True)
    thread.start()
    ready.wait(5)

    def stop() -> None:
        stop_event.set()
        thread.join(5)

    return stop
