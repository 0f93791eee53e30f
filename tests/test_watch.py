"""The corpus watcher: an edited note becomes answerable without a restart. How long the
rebuild of an edit takes is measured by `python -m assistant bench` (edit_s), not asserted here."""
from __future__ import annotations

import logging
import threading
import time

import pytest

from assistant.config import from_env
from assistant.errors import CorpusError
from assistant.service import SearchService
from assistant.watch import start_watching

pytestmark = pytest.mark.slow  # the real e5 model and the real file watcher

NOTE = """# チームメモ

## ネットワーク

- VPC のサブネットはアベイラビリティーゾーンごとに作る
- セキュリティグループはステートフル

## ストレージ

- S3 のオブジェクトは最大 5 TB
"""


@pytest.fixture
def service(tmp_path):
    corpus = tmp_path / "notes"
    corpus.mkdir()
    (corpus / "team.md").write_text(NOTE, encoding="utf-8")
    settings = from_env({}, corpus_dir=corpus, index_dir=tmp_path / "index")
    return SearchService(settings, progress=False)


class Refreshes:
    """Every rebuild the watcher runs (service.refresh, wrapped), with a condition the test
    waits on: event-driven, so nothing depends on how fast this machine is. The timeouts
    below only stop a hang; how fast an edit becomes answerable is the benchmark's job."""

    def __init__(self, service):
        self.reports = []
        self.changed = threading.Condition()
        original = service.refresh

        def refresh(**options):
            report = original(**options)
            with self.changed:
                self.reports.append(report)
                self.changed.notify_all()
            return report

        service.refresh = refresh

    def wait_for(self, predicate, timeout: float = 120) -> bool:
        with self.changed:
            return self.changed.wait_for(predicate, timeout)


def test_edited_section_is_answerable_after_the_watcher_rebuilds(service, caplog):
    caplog.set_level(logging.INFO, logger="assistant.watch")
    refreshes = Refreshes(service)

    def answerable() -> bool:
        hits = service.search("Zephyr クラスタのノード上限は何台？").hits
        return bool(hits) and "4711" in hits[0].chunk.text

    assert not answerable()
    stop = start_watching(service)
    try:
        path = service.settings.corpus_dir / "team.md"
        path.write_text(NOTE + "\n## 社内クラスタ\n\n- 社内クラスタ Zephyr のノード上限は 4711 台\n", encoding="utf-8")
        # Checked after each rebuild (an editor's write may be seen in more than one event).
        assert refreshes.wait_for(lambda: bool(refreshes.reports) and answerable()), "no rebuild made the edit answerable"
        # The rebuild is reported once the new version is loaded, as news (INFO), not as a
        # warning (a new user read the WARNING as a fault).
        deadline = time.monotonic() + 60
        while not [r for r in caplog.records if "notes changed" in r.getMessage()] and time.monotonic() < deadline:
            time.sleep(0.1)
        news = [r for r in caplog.records if "notes changed" in r.getMessage()]
        assert news and all(r.levelno == logging.INFO for r in news), [(r.levelname, r.getMessage()) for r in news]
    finally:
        stop()


def test_only_the_edited_section_is_embedded(service):
    refreshes = Refreshes(service)
    stop = start_watching(service)
    try:
        path = service.settings.corpus_dir / "team.md"
        path.write_text(NOTE.replace("最大 5 TB", "最大 5 TB (1 回の PUT は 5 GB まで)"), encoding="utf-8")
        assert refreshes.wait_for(lambda: bool(refreshes.reports)), "the watcher never rebuilt"
    finally:
        stop()
    report = refreshes.reports[0]
    assert report.status == "built"
    # Model inputs: the section's chunk and its one changed line, whose vector and latent-term
    # code come from one pass (encode._run_lines); an engine without that runs the line twice.
    one_pass = getattr(service.searcher.embedder, "can_embed_late", False)
    assert report.n_embedded == (2 if one_pass else 3)


def test_stop_ends_the_thread(service):
    stop = start_watching(service)
    stop()
    assert not any(t.name == "corpus-watch" and t.is_alive() for t in threading.enumerate())


def test_missing_folder_is_a_named_error(tmp_path, service):
    service.settings = from_env({}, corpus_dir=tmp_path / "nope", index_dir=tmp_path / "index")
    with pytest.raises(CorpusError, match="cannot watch"):
        start_watching(service)


def test_events_through_a_symlinked_folder_or_outside_the_notes_are_ignored(tmp_path):
    # A fresh attacker (2026-12-01): notify follows links, so `notes/ext -> outside/` re-indexed
    # on every write under outside/, which builds (note_paths) never read.
    from assistant.watch import note_event_filter

    notes, outside = tmp_path / "notes", tmp_path / "outside"
    (notes / "sub").mkdir(parents=True)
    (outside / "deep").mkdir(parents=True)
    (notes / "ext").symlink_to(outside, target_is_directory=True)
    for path in (notes / "a.md", notes / "sub" / "b.md", outside / "x.md", outside / "deep" / "z.md"):
        path.write_text("# t\n", encoding="utf-8")
    relevant = note_event_filter(notes)
    assert relevant(None, str(notes / "a.md")) and relevant(None, str(notes / "sub" / "b.md"))
    assert relevant(None, str(notes / "sub"))  # a folder of the notes
    assert relevant(None, str(tmp_path))  # the notes folder's parent: it may have been moved
    assert not relevant(None, str(notes / "ext" / "x.md"))
    assert not relevant(None, str(notes / "ext" / "deep" / "z.md"))
    assert not relevant(None, str(notes / "ext"))
    assert not relevant(None, str(outside / "x.md"))  # as notify may spell it, resolved


def test_a_re_index_stops_when_the_notes_change_again_and_says_how_far_it_is(caplog):
    # The logic of BuildProgress (the real build it stops: test_store.py). A 2 MB note deleted
    # mid-build was embedded to its end, with no word in the log for 25 minutes (a wiki owner).
    from assistant.errors import BuildCancelled
    from assistant.watch import PROGRESS_LOG_SECONDS, BuildProgress

    now = [0.0]
    dirty, stop = threading.Event(), threading.Event()
    progress = BuildProgress(dirty, stop, clock=lambda: now[0])
    with caplog.at_level(logging.INFO, logger="assistant.watch"):
        progress(10, 1000)
        now[0] = PROGRESS_LOG_SECONDS
        progress(250, 1000)
    assert [r.getMessage() for r in caplog.records] == ["re-indexing: 25% embedded (250 of 1,000 characters)"]
    dirty.set()
    with pytest.raises(BuildCancelled):
        progress(300, 1000)
    dirty.clear()
    stop.set()
    with pytest.raises(BuildCancelled):
        progress(300, 1000)


def test_stopping_the_server_mid_re_index_says_so_not_that_notes_changed(service, tmp_path, caplog):
    # A re-index the server's stop() cancels logged "notes changed again ... starting over",
    # while nothing starts over (my own read, 2026-12-06). A build that only ever reports
    # progress stands in for a long one: it runs until BuildProgress stops it.
    entered = threading.Event()

    def endless_refresh(on_progress=None, **options):
        entered.set()
        while True:
            on_progress(1, 100)
            time.sleep(0.01)

    service.refresh = endless_refresh
    with caplog.at_level(logging.INFO, logger="assistant.watch"):
        stop = start_watching(service)
        (tmp_path / "notes" / "team.md").write_text(NOTE + "\n- 追記\n", encoding="utf-8")
        assert entered.wait(60)
        stop()
    messages = [r.getMessage() for r in caplog.records]
    assert any("stopped with the server" in m for m in messages)
    assert not any("starting over" in m for m in messages)


def test_an_edit_of_the_site_file_while_serving_says_to_restart(service, caplog, monkeypatch):
    """The site's file is read at start (base URL, permalinks, exclude): `permalink: pretty`
    added while serving changed nothing, with no word (a fresh user, 2026-12-06). Now the log
    says to restart, once, and /api/health shows it; an edit that changes no setting does not."""
    import assistant.watch as watch

    monkeypatch.setattr(watch, "SITE_CHECK_SECONDS", 0.0)
    site_file = service.settings.corpus_dir / "_config.yml"
    site_file.write_text("url: https://team.example.org\n", encoding="utf-8")
    service.searcher  # built and loaded before watching
    with caplog.at_level(logging.WARNING, logger="assistant.watch"):
        stop = start_watching(service)
        try:
            site_file.write_text("url: https://team.example.org\n# a comment\n", encoding="utf-8")
            time.sleep(1.5)  # several checks: the same settings, nothing said
            assert service.site_config_changed is False and "restart" not in caplog.text
            site_file.write_text("url: https://team.example.org\npermalink: pretty\n", encoding="utf-8")
            deadline = time.monotonic() + 30
            while not service.site_config_changed and time.monotonic() < deadline:
                time.sleep(0.1)
            assert service.site_config_changed and service.status()["site_config_changed"] is True
            assert service.status()["status"] == "behind"
            # Put back as it was at start: no restart is needed any more (it stayed "behind" for good).
            site_file.write_text("url: https://team.example.org\n", encoding="utf-8")
            deadline = time.monotonic() + 30
            while service.site_config_changed and time.monotonic() < deadline:
                time.sleep(0.1)
            assert service.site_config_changed is False and service.status()["status"] != "behind"
        finally:
            stop()
    assert caplog.text.count("restart the assistant to apply them") == 1 and "_config.yml" in caplog.text


def test_the_site_file_is_compared_with_what_the_settings_came_from(tmp_path):
    """The reference is the file as the server's settings were read from it, not as it is
    when watching starts after a first build (minutes): an edit made meanwhile is a change."""
    import itertools
    from types import SimpleNamespace

    from assistant.watch import SiteFileCheck
    from assistant.wiki.site import read_site_config

    (tmp_path / "_config.yml").write_text("url: https://team.example.org\n", encoding="utf-8")
    at_start = read_site_config(tmp_path)
    (tmp_path / "_config.yml").write_text("url: https://team.example.org\npermalink: pretty\n", encoding="utf-8")
    service = SimpleNamespace(site_config_changed=False)
    ticks = itertools.count(0.0, 100.0)  # every check is due
    check = SiteFileCheck(tmp_path, service, clock=lambda: next(ticks), started=at_start)
    check()
    assert service.site_config_changed is False  # one check could have read the file half-saved
    check()
    assert service.site_config_changed is True
    service.site_config_changed = False
    ticks = itertools.count(0.0, 100.0)  # every check is due
    check = SiteFileCheck(tmp_path, service, clock=lambda: next(ticks))  # read when watching starts
    check(), check()  # no change seen
    assert service.site_config_changed is False


def test_the_server_compares_with_the_first_reading_of_the_site_file(tmp_path):
    # An attack: an edit 0.6 s into start-up (after the settings were made, before serving)
    # became the reference, so links kept the old base and health said nothing, for good.
    from assistant.config import from_env
    from assistant.wiki.site import read_site_config, site_config_at_start

    (tmp_path / "_config.yml").write_text("url: https://team.example.org\nbaseurl: /wiki\n", encoding="utf-8")
    settings = from_env({}, corpus_dir=tmp_path)
    (tmp_path / "_config.yml").write_text("url: https://team.example.org\nbaseurl: /docs\n", encoding="utf-8")
    assert read_site_config(tmp_path).base_url.endswith("/docs")
    assert site_config_at_start(tmp_path).base_url.endswith("/wiki") and settings.wiki_base_url.endswith("/wiki")
