"""Opening a ready Searcher: build or update the index first when the notes changed.

Shared by the CLI, the API and the UI so that every surface answers from an index that
matches the notes on disk (an update re-embeds only changed sections, see build.py).
"""
from __future__ import annotations

import logging

from .build import build_index
from .config import Settings
from .embedding import Embedder, load_embedder
from .retrieve import Searcher

log = logging.getLogger(__name__)


def open_searcher(settings: Settings, embedder: Embedder | None = None, progress: bool = True) -> Searcher:
    """Update the index if the corpus or settings changed, then load it."""
    embedder = embedder or load_embedder(settings.model, settings.query_prefix, settings.passage_prefix)
    report = build_index(settings, embedder, progress=progress)
    if report.status == "built":
        log.info("index updated: %d chunks, %d embedded", report.n_chunks, report.n_embedded)
    return Searcher(settings, embedder)
