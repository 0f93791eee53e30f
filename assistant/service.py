"""Opening a ready Searcher: build or update the index first when the notes changed.

Shared by the CLI, the API and the UI so that every surface answers from an index that
matches the notes on disk (an update re-embeds only changed sections, see build.py).
"""
from __future__ import annotations

import logging
import threading

from . import store
from .build import BuildReport, build_index
from .config import Settings
from .embedding import Embedder, load_embedder
from .errors import AssistantError
from .retrieve import Answer, Searcher

log = logging.getLogger(__name__)


def open_searcher(settings: Settings, embedder: Embedder | None = None, progress: bool = True) -> Searcher:
    """Update the index if the corpus or settings changed, then load it."""
    embedder = embedder or load_embedder(settings.model, settings.query_prefix, settings.passage_prefix)
    report = build_index(settings, embedder, progress=progress)
    if report.status == "built":
        log.info("index updated: %d chunks, %d embedded", report.n_chunks, report.n_embedded)
    return Searcher(settings, embedder)


class SearchService:
    """A Searcher that follows the index on disk: when a build swaps in a new version,
    the next query loads it; in-flight queries finish on the old one (never a mix)."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, progress: bool = True):
        self.settings = settings
        self._searcher = open_searcher(settings, embedder, progress)
        self._lock = threading.Lock()
        self._refused = None  # a version that failed to load; not retried until `current` moves

    @property
    def searcher(self) -> Searcher:
        version = store.current_version(self.settings.index_dir)
        if version is not None and version not in (self._searcher.index.path, self._refused):
            with self._lock:
                if version not in (self._searcher.index.path, self._refused):
                    try:
                        self._searcher = Searcher(self.settings, self._searcher.embedder)
                    except AssistantError as exc:  # keep answering from the old index
                        # Once per bad version: retrying on every question would re-hash it each time.
                        self._refused = version
                        log.warning("kept the previous index: %s", exc)
        return self._searcher

    def search(self, question: str, top_k: int | None = None, history=(), scope: str | None = None) -> Answer:
        return self.searcher.search(question, top_k, history, scope)

    def refresh(self) -> BuildReport:
        """Re-index after the notes changed (only changed sections are embedded)."""
        return build_index(self.settings, self._searcher.embedder, progress=False)
