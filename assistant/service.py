"""Opening a ready Searcher: build or update the index first when the notes changed.

Shared by the CLI, the API and the UI so that every surface answers from an index that
matches the notes on disk (an update re-embeds only changed sections, see build.py).
When the index cannot be brought up to date (read-only folder, full disk, another build
still running) but a complete previous index exists, that one answers and the reason is
one warning line: reading never needs write access.

SearchService.status() is what /api/health shows: whether a build is running, whether
the notes changed after the index being served, the last failed build, and a refused
index version.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from . import store
from .build import BuildReport, build_index
from .config import Settings
from .embedding import Embedder
from .profiles import load_embedder
from .errors import AssistantError, BuildCancelled, BuildInProgressError, IndexCorruptError, IndexWriteError
from .retrieve import Answer, Searcher

log = logging.getLogger(__name__)


def _open(settings: Settings, embedder: Embedder, progress: bool, wait: bool,
          replace_other: bool = True) -> tuple[Searcher, str | None]:
    """(searcher, why the index could not be updated or None)."""
    try:
        report = build_index(settings, embedder, progress=progress, wait=wait, replace_other=replace_other)
    except (IndexWriteError, BuildInProgressError) as exc:
        try:
            searcher = Searcher(settings, embedder)
        except AssistantError:
            if isinstance(exc, BuildInProgressError):  # no index to fall back on: wait for that build
                return _open(settings, embedder, progress, wait=True, replace_other=replace_other)
            raise exc from None
        problem = f"{exc}; answering from the index built {searcher.index.manifest.built_at}"
        log.warning("%s", problem)
        return searcher, problem
    if report.status == "built":
        log.info("index updated: %d chunks, %d embedded", report.n_chunks, report.n_embedded)
    return Searcher(settings, embedder), None


def open_searcher(settings: Settings, embedder: Embedder | None = None, progress: bool = True,
                  wait: bool = True, replace_other: bool = True) -> Searcher:
    """Update the index if the corpus or settings changed, then load it. With `wait` False,
    a build already running elsewhere is not waited for when a previous index can answer;
    with `replace_other` False, an index of other notes or settings raises IndexInUseError
    instead of being rebuilt (build_index)."""
    embedder = embedder or load_embedder(settings.model, settings.query_prefix, settings.passage_prefix)
    return _open(settings, embedder, progress, wait, replace_other)[0]


def _iso(epoch: float | None) -> str | None:
    return None if epoch is None else time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(epoch))


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__


class SearchService:
    """A Searcher that follows the index on disk: when a build swaps in a new version,
    the next query loads it; in-flight queries finish on the old one (never a mix).
    A version that fails to load, for any reason, is refused and the previous one keeps
    answering (status() reports it)."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, progress: bool = True):
        self.settings = settings
        embedder = embedder or load_embedder(settings.model, settings.query_prefix, settings.passage_prefix)
        started = time.time()
        self._searcher, problem = _open(settings, embedder, progress, wait=True)
        self._lock = threading.Lock()
        self._refused = None  # a version that failed to load; not retried until `current` moves
        self._refused_reason: str | None = None
        self._build_lock = threading.Lock()  # one refresh at a time in this process
        self._building_since: float | None = None
        self._indexed_as_of = started  # notes changed before this time are in the index
        # Latest change the watcher saw. A start-up build that could not write (read-only
        # index, full disk) leaves the old index answering for notes that changed: behind
        # (health said "index_behind_notes": false there, a helper's re-run of the cases).
        self._changed_at: float | None = started if problem else None
        self._last_error = problem
        self.watching: bool | None = None  # set by watch.py: None = no watcher, False = folder lost
        self.site_config_changed = False  # set by watch.py: the site's file changed; a restart applies it

    @property
    def searcher(self) -> Searcher:
        """The Searcher of the index answering now: the newest version on disk, loaded on
        the first question after a build published it (the watcher loads it right after its
        build). While one thread loads a version, the others answer from the previous one
        rather than wait: a first load builds the version's lexicon and calibration (seconds;
        ~10 s under load for a small corpus, ~40 s for 5 MB of dictionary words), and every
        question, the UI's and the API's, stalled that long after each edit of the notes.
        A version that fails to load is refused once (logged, reported by status()) and the
        previous Searcher kept."""
        version = store.current_version(self.settings.index_dir)
        if version is not None and version not in (self._searcher.index.path, self._refused):
            if self._lock.acquire(blocking=False):  # else: another thread is loading it
                try:
                    if version not in (self._searcher.index.path, self._refused):
                        try:
                            self._searcher = Searcher(self.settings, self._searcher.embedder)
                            self._refused = self._refused_reason = None
                        except Exception as exc:  # noqa: BLE001 - any failure: keep answering from the old index
                            # Once per bad version: retrying on every question would re-hash it each time.
                            self._refused, self._refused_reason = version, _one_line(exc)
                            log.warning("kept the previous index; refused version %s: %s",
                                        version.name, self._refused_reason)
                finally:
                    self._lock.release()
        return self._searcher

    def search(self, question: str, top_k: int | None = None, history=(), scope: str | None = None) -> Answer:
        """Searcher.search on the index answering now (same arguments, same QueryError)."""
        return self.searcher.search(question, top_k, history, scope)

    def notes_changed(self, at: float | None = None) -> None:
        """Record that the notes changed (the watcher calls this before re-indexing)."""
        at = time.time() if at is None else at
        self._changed_at = at if self._changed_at is None else max(self._changed_at, at)

    def refresh(self, on_progress: Callable[[int, int], None] | None = None) -> BuildReport:
        """Re-index after the notes changed (only changed sections are embedded); the
        outcome is recorded for status(). A damaged current version is replaced by a fresh
        build. `on_progress`: build_index's (what it raises, BuildCancelled, stops the build,
        which is no failure). Raises what build_index raises."""
        with self._build_lock:
            began = time.time()
            self._building_since = began
            try:
                try:
                    report = build_index(self.settings, self._searcher.embedder, progress=False, on_progress=on_progress)
                except IndexCorruptError as exc:
                    # The CLI reports a damaged `current` and leaves it to `index --rebuild`; a
                    # running server heals itself instead: the notes, not that version, are the
                    # truth, the cache makes it cheap, and health shows the refused version.
                    log.warning("%s; building a new version from the notes", _one_line(exc))
                    report = build_index(self.settings, self._searcher.embedder, rebuild=True, progress=False,
                                         on_progress=on_progress)
            except BuildCancelled:
                raise
            except Exception as exc:
                self._last_error = _one_line(exc)
                raise
            finally:
                self._building_since = None
            self._last_error = None
            self._indexed_as_of = max(self._indexed_as_of, began)
            return report

    def status(self) -> dict:
        """What /api/health shows, JSON-ready:

            status              "ok" | "building" | "behind" | "degraded"
                                degraded: a version was refused, the last build failed, or the
                                watcher lost the notes folder; building: a re-index is running;
                                behind: the notes changed after the index being served, or the
                                site's configuration file changed (a restart applies it)
            chunks              int, chunks of the index answering now
            index_built_at      str, that index's manifest time
            index_version       str, its version folder name
            build_in_progress   bool
            build_started_at    str | None (ISO 8601, local time)
            index_behind_notes  bool, the watcher saw a change the served index does not hold
            notes_changed_at    str | None, the latest change the watcher saw
            watching            bool | None (None: no watcher; False: the notes folder is gone)
            site_config_changed bool, the site's file (_config.yml, mkdocs.yml, ...) changed after start
            last_build_error    str | None, one line
            refused_version     str | None, a version folder that failed to load
            refused_reason      str | None, one line
        """
        searcher = self.searcher
        building = self._building_since
        behind = (self._changed_at is not None and self._changed_at >= self._indexed_as_of) or self.site_config_changed
        degraded = self._refused is not None or self._last_error is not None or self.watching is False
        status = "degraded" if degraded else "building" if building else "behind" if behind else "ok"
        return {
            "status": status,
            "chunks": len(searcher.chunks),
            "index_built_at": searcher.index.manifest.built_at,
            "index_version": searcher.index.path.name,
            "build_in_progress": building is not None,
            "build_started_at": _iso(building),
            "index_behind_notes": behind,
            "notes_changed_at": _iso(self._changed_at),
            "watching": self.watching,
            "site_config_changed": self.site_config_changed,
            "last_build_error": self._last_error,
            "refused_version": None if self._refused is None else self._refused.name,
            "refused_reason": self._refused_reason,
        }
