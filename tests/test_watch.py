"""The corpus watcher: an edited note is answerable within seconds, without a restart."""
from __future__ import annotations

import threading
import time

import pytest

from assistant.config import from_env
from assistant.errors import CorpusError
from assistant.service import SearchService
from assistant.watch import start_watching

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


def _answerable(service, question: str, needle: str, within: float) -> float | None:
    """Seconds until the top hit for `question` contains `needle`, or None."""
    started = time.perf_counter()
    while time.perf_counter() - started < within:
        hits = service.search(question).hits
        if hits and needle in hits[0].chunk.text:
            return time.perf_counter() - started
        time.sleep(0.1)
    return None


def test_edited_section_is_answerable_within_5_seconds(service):
    stop = start_watching(service)
    try:
        path = service.settings.corpus_dir / "team.md"
        path.write_text(NOTE + "\n## 社内クラスタ\n\n- 社内クラスタ Zephyr のノード上限は 4711 台\n", encoding="utf-8")
        took = _answerable(service, "Zephyr クラスタのノード上限は何台？", "4711", within=5)
        assert took is not None, "the edited note was not answerable within 5 s"
    finally:
        stop()


def test_only_the_edited_section_is_embedded(service):
    reports = []
    original = service.refresh

    def spy():
        reports.append(original())
        return reports[-1]

    service.refresh = spy
    stop = start_watching(service)
    try:
        path = service.settings.corpus_dir / "team.md"
        path.write_text(NOTE.replace("最大 5 TB", "最大 5 TB (1 回の PUT は 5 GB まで)"), encoding="utf-8")
        deadline = time.perf_counter() + 5
        while not reports and time.perf_counter() < deadline:
            time.sleep(0.05)
    finally:
        stop()
    assert reports and reports[0].status == "built"
    # Model inputs: the section's chunk and its one changed line, whose vector and latent-term
    # code come from one pass (build._run_lines); an engine without that runs the line twice.
    one_pass = getattr(service.searcher.embedder, "can_embed_late", False)
    assert reports[0].n_embedded == (2 if one_pass else 3)


def test_stop_ends_the_thread(service):
    stop = start_watching(service)
    stop()
    assert not any(t.name == "corpus-watch" and t.is_alive() for t in threading.enumerate())


def test_missing_folder_is_a_named_error(tmp_path, service):
    service.settings = from_env({}, corpus_dir=tmp_path / "nope", index_dir=tmp_path / "index")
    with pytest.raises(CorpusError, match="cannot watch"):
        start_watching(service)
