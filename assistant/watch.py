"""Watch the notes folder and re-index in the background, so an edit is answerable at once.

    stop = start_watching(service)   # two daemon threads; returns once watching
    ...
    stop()                           # ends them (waits up to a few seconds)

A burst of saves is debounced into one refresh. SearchService.refresh() re-embeds only the
changed sections (build.py) and swaps the index atomically; the new version is loaded right
away so the next question neither waits for it nor sees half an index. A failed refresh
(e.g. a note saved half-way) is logged and the previous index keeps answering.

The folder is followed by its path, not by the inode first watched: when the path names
another folder (a deploy that renames a new folder into place, `rm -rf` and recreate, a
re-pointed symlink) the watch moves to it and everything is re-indexed; while the path names
nothing, service.watching is False (health says so). Events on folders count too: a sub-folder
moved out of the notes removes its notes. Which paths are notes is notes.is_note_path, the
rule builds use (hidden files and folders are not notes).

Watching (watchfiles) and re-indexing run in separate threads: changes seen during a long
build are recorded at once (service.notes_changed, so health says the index is behind) and
stop that build (BuildProgress: what it embedded stays cached), so the next one starts from
the notes as they are; a long build logs how far it is.
What this leaves out: deciding what changed inside a note (build.py's content hashes).
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .errors import AssistantError, BuildCancelled, CorpusError
from .notes import is_hidden, is_note_path

log = logging.getLogger(__name__)

DEBOUNCE_MS = 400  # editors write a file in several steps; wait for the burst to end
POLL_MS = 500  # how often the folder's identity is checked (and stop() is noticed)


def _identity(folder: Path) -> tuple[int, int] | None:
    """(device, inode) of the folder the path names now, following symlinks; None if none."""
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if os.path.isdir(folder) else None


def note_event_filter(corpus: Path) -> Callable[[object, str], bool]:
    """A watchfiles filter: events on notes, and on anything that is not a plain file now
    (a folder, or a path that is gone: a moved-out folder is gone, not a folder); never on
    hidden paths (editor swap files, .git, drafts), other files (images, backups), paths
    through a symlinked folder or outside the notes folder: notify follows links, which
    builds do not (notes.note_paths), so a link to another tree re-indexed on its changes."""
    roots = [corpus.absolute(), corpus.resolve()]

    def relevant(change, path: str) -> bool:
        for root in roots:
            try:
                relative = Path(path).relative_to(root)
                break
            except ValueError:
                continue
        else:
            # The notes folder's own parents (it was moved or removed) still count.
            return any(root.is_relative_to(path) for root in roots)
        if any(is_hidden(part) for part in relative.parts):
            return False
        if any(os.path.islink(root.joinpath(*relative.parts[:i])) for i in range(1, len(relative.parts) + 1)):
            return False
        return is_note_path(relative) or not os.path.isfile(path)

    return relevant


# A long re-index says how far it is, this often: a 2 MB note took over 25 minutes with no
# word in the log (a wiki owner, 2026-12-06).
PROGRESS_LOG_SECONDS = 30
# How often the site's configuration file (wiki/site.py) is read again while watching.
SITE_CHECK_SECONDS = 2.0


class SiteFileCheck:
    """Notices that the site's configuration file (`_config.yml`, `mkdocs.yml`, ...) now says
    something else than at start. Its settings (base URL, permalinks, `exclude`, heading ids)
    are read once, when the server starts: a wiki owner added `permalink: pretty` and an
    `exclude:` while it served, and links and answers went on as before, with no word (a
    fresh user, 2026-12-06). Now the log says to restart, once per change, and /api/health
    shows it until the file says again what it said at start (an attack on the forty-fifth
    pass: restoring the file left health "behind" for good).

    `started`: the SiteConfig the server's settings came from (server.serve passes the file's
    first reading in the process, wiki.site.site_config_at_start: an edit during start-up or a
    first build, minutes on a new wiki, is a change too); None reads it now."""

    def __init__(self, corpus: Path, service, clock: Callable[[], float] = time.monotonic, started=None):
        from .wiki.site import read_site_config

        self.read = lambda: read_site_config(corpus)
        self.service, self.clock = service, clock
        self.started, self.checked = started if started is not None else self.read(), clock()
        self.seen = False  # what the last check found

    def __call__(self) -> None:
        if self.clock() - self.checked < SITE_CHECK_SECONDS:
            return
        self.checked = self.clock()
        now = self.read()
        changed = now != self.started
        # Said only when two checks in a row agree: a check that read the file half-saved
        # (an editor truncates, then writes) warned of a change that was not one.
        seen_before, self.seen = self.seen, changed
        if changed == self.service.site_config_changed or seen_before != changed:
            return
        if changed:
            log.warning("the site's configuration (%s) changed: its settings are read at start, so restart the "
                        "assistant to apply them", now.source or self.started.source)
        else:
            log.info("the site's configuration (%s) is as at start again: no restart needed",
                     now.source or self.started.source)
        self.service.site_config_changed = changed


class BuildProgress:
    """build_index's `on_progress` for a re-index in the background: stops it (BuildCancelled)
    as soon as the notes change again or watching stops, so the next build starts from the
    notes as they are (a note deleted mid-build was embedded to its end, a wiki owner), and
    logs how far it is every PROGRESS_LOG_SECONDS. `dirty`, `stop`: threading.Event."""

    def __init__(self, dirty: threading.Event, stop: threading.Event, clock: Callable[[], float] = time.monotonic):
        self.dirty, self.stop, self.clock = dirty, stop, clock
        self.logged = clock()

    def __call__(self, done: int, total: int) -> None:
        if self.dirty.is_set() or self.stop.is_set():
            raise BuildCancelled("the notes changed again during the re-index")
        if self.clock() - self.logged >= PROGRESS_LOG_SECONDS:
            self.logged = self.clock()
            log.info("re-indexing: %d%% embedded (%s of %s characters)", 100 * done // max(total, 1), f"{done:,}", f"{total:,}")


def start_watching(service, debounce_ms: int = DEBOUNCE_MS, poll_ms: int = POLL_MS,
                   site_at_start=None) -> Callable[[], None]:
    """Re-index whenever a note under service.settings.corpus_dir changes; returns stop().
    `site_at_start`: the wiki.site.SiteConfig the settings came from (SiteFileCheck).

    Raises CorpusError when the folder does not exist at start."""
    from watchfiles import watch  # imported here: only the server needs it

    corpus = Path(service.settings.corpus_dir)
    if _identity(corpus) is None:
        raise CorpusError(f"cannot watch {corpus}: not a folder; check --corpus")
    stop_event = threading.Event()
    dirty = threading.Event()  # the notes changed since the last refresh began
    ready = threading.Event()
    accept = note_event_filter(corpus)
    site_check = SiteFileCheck(corpus, service, started=site_at_start)

    def changed() -> None:
        service.notes_changed()
        dirty.set()

    def watch_loop() -> None:
        resync = False  # after a swap: re-index once the new folder is watched
        while not stop_event.is_set():
            identity = _identity(corpus)
            if identity is None:
                if service.watching is not False:
                    log.warning("the notes folder %s is gone; still answering from the last index", corpus)
                    service.watching = False
                    service.notes_changed()
                ready.set()
                stop_event.wait(poll_ms / 1000)
                resync = True
                continue
            try:
                for batch in watch(corpus, watch_filter=accept, debounce=debounce_ms, step=50, stop_event=stop_event,
                                   yield_on_timeout=True, rust_timeout=poll_ms, raise_interrupt=False):
                    if service.watching is not True:
                        service.watching = True
                    ready.set()  # the first batch (or empty timeout tick) means it is watching
                    site_check()
                    if resync or batch:
                        resync = False
                        changed()
                    if _identity(corpus) != identity:  # the path names another folder now
                        log.warning("the notes folder %s was replaced; watching the new one", corpus)
                        resync = True
                        break
            except Exception as exc:  # noqa: BLE001 - e.g. the folder vanished under notify
                log.warning("watching %s failed (%s); retrying", corpus, exc)
                resync = True
                stop_event.wait(poll_ms / 1000)

    def build_loop() -> None:
        while not stop_event.is_set():
            if not dirty.wait(poll_ms / 1000):
                continue
            dirty.clear()
            try:
                report = service.refresh(on_progress=BuildProgress(dirty, stop_event))
                service.searcher  # load the new version now, not on the next question
                # A normal re-index is news, not a problem: INFO, which app.py shows for this logger.
                log.info("notes changed: index %s (%d chunks, %d embedded, %.1f s)",
                         report.status, report.n_chunks, report.n_embedded, report.seconds)
            except BuildCancelled:
                if stop_event.is_set():  # the server is stopping: nothing starts over
                    log.info("re-indexing stopped with the server (what was embedded is kept)")
                    continue
                # dirty is set: the loop starts over with the notes as they are now.
                log.info("notes changed again while re-indexing: starting over with them (what was embedded is kept)")
            except AssistantError as exc:
                log.warning("re-indexing failed, still answering from the previous index: %s", exc)
            except Exception:  # the watcher must outlive any one bad refresh
                log.exception("re-indexing crashed; still answering from the previous index")

    threads = [threading.Thread(target=watch_loop, name="corpus-watch", daemon=True),
               threading.Thread(target=build_loop, name="corpus-reindex", daemon=True)]
    for thread in threads:
        thread.start()
    ready.wait(5)

    def stop() -> None:
        stop_event.set()
        for thread in threads:
            thread.join(5)
        service.watching = None

    return stop
