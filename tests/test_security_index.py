"""Issue 11, the index side: every attack of ../shared/cases/security on building, watching,
the CLI and settings, as a test of the real entry point (CLI subprocess, app.py, or a real
SearchService over real files). docs/reliability.md maps each case to its test here.

Logic tests use the fake-hash embedder (`--model fake-hash`): these cases are about files,
locks and processes, not ranking.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT, from_env
from assistant.errors import ConfigError


def _env(**extra: str) -> dict:
    base = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    base.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONIOENCODING": "utf-8"})
    base.update(extra)
    return base


def run(*argv: str, env: dict, timeout: float = 120, entry=("-m", "assistant")) -> subprocess.CompletedProcess:
    """The real entry point (`python -m assistant` or app.py); output as bytes."""
    return subprocess.run([sys.executable, *entry, *argv], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          timeout=timeout)


def one_line_error(result: subprocess.CompletedProcess, code: int) -> str:
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == code, (result.stdout[-500:], err[-2000:])
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def fake_env(corpus: Path, index: Path, **extra: str) -> dict:
    return _env(ASSISTANT_CORPUS_DIR=str(corpus), ASSISTANT_INDEX_DIR=str(index), ASSISTANT_MODEL="fake-hash", **extra)


# --- Settings: every value from the command line or the environment is checked ----------------

BAD_ENV = [
    ("ASSISTANT_ANCHOR_STYLE", "mkdocs"),
    ("ASSISTANT_PORT", "abc"),
    ("ASSISTANT_PORT", "-1"),
    ("ASSISTANT_PORT", "70000"),
    ("ASSISTANT_LINK_TARGET", "evil"),
    ("ASSISTANT_WIKI_BASE_URL", "javascript:alert(1)"),
    ("ASSISTANT_ALLOWED_ORIGINS", "https://ok.example, not a url"),
    ("ASSISTANT_ALLOWED_ORIGINS", "https://wiki.example.com/path"),
    # An attack run (2026-12-01): written into CSP frame-ancestors as they were, a wildcard
    # let every subdomain frame the chat and ";script-src" blocked the page's scripts.
    ("ASSISTANT_ALLOWED_ORIGINS", "https://*.example.com"),
    ("ASSISTANT_ALLOWED_ORIGINS", "https://wiki.example.com;script-src"),
    ("ASSISTANT_HOST", "a host"),
    ("ASSISTANT_API_TOKEN", "two words"),
    ("ASSISTANT_MODEL", "e5\x1b[31m"),
]


@pytest.mark.parametrize("var,value", BAD_ENV)
def test_bad_setting_in_the_environment_is_one_line(var, value):
    with pytest.raises(ConfigError, match=var):
        from_env({var: value})


@pytest.mark.parametrize("var,value", [("ASSISTANT_ANCHOR_STYLE", "mkdocs"), ("ASSISTANT_PORT", "abc"),
                                       ("ASSISTANT_LINK_TARGET", "evil")])
@pytest.mark.slow
def test_cli_bad_environment_setting_is_one_line_exit_2(tmp_path, var, value):
    env = fake_env(tmp_path / "corpus", tmp_path / "index", **{var: value})
    for argv in (("index", "--quiet"), ("ask", "question")):
        line = one_line_error(run(*argv, env=env), 2)
        assert var in line and repr(value) in line


@pytest.mark.parametrize("argv,word", [
    (("--port", "-1"), "--port"),
    (("--port", "0"), "--port"),
    (("--host", "bad host"), "--host"),
])
@pytest.mark.slow
def test_app_bad_option_is_one_line_exit_2(tmp_path, argv, word):
    env = fake_env(tmp_path / "corpus", tmp_path / "index")
    line = one_line_error(run(*argv, env=env, entry=("app.py",)), 2)
    assert word in line


@pytest.mark.parametrize("var,value", [("ASSISTANT_PORT", "abc"), ("ASSISTANT_ANCHOR_STYLE", "mkdocs"),
                                       ("ASSISTANT_ALLOWED_ORIGINS", "ftp://x")])
@pytest.mark.slow
def test_app_bad_environment_setting_is_one_line_exit_2(tmp_path, var, value):
    env = fake_env(tmp_path / "corpus", tmp_path / "index", **{var: value})
    assert var in one_line_error(run(env=env, entry=("app.py",)), 2)


def test_good_settings_are_normalized():
    s = from_env({"ASSISTANT_PORT": "8000", "ASSISTANT_ALLOWED_ORIGINS": "https://a.example/, http://b.example:8080",
                  "ASSISTANT_LINK_TARGET": "_blank"})
    assert (s.port, s.allowed_origins, s.link_target) == (8000, ("https://a.example", "http://b.example:8080"), "_blank")
    assert from_env({"ASSISTANT_PORT": ""}).port == 7860  # empty means unset
    assert from_env({"ASSISTANT_PORT": "1"}, port=9000).port == 9000  # the option wins


# --- cli-terminal-escapes: a note's control characters never reach the terminal ----------------

ESCAPES_CORPUS = PROJECT_ROOT / "tests" / "cases" / "cli-terminal-escapes"  # ../shared/cases/security/<case>/corpus
_TERMINAL_CONTROLS = [bytes([c]) for c in range(0x20) if c not in (0x09, 0x0A)] + [b"\x7f"] + [
    chr(c).encode() for c in range(0x80, 0xA0)
]


@pytest.mark.slow
def test_cli_prints_no_terminal_control_characters(tmp_path):
    corpus = ESCAPES_CORPUS
    env = fake_env(corpus, tmp_path / "index")
    assert run("index", "--quiet", env=env).returncode == 0
    text = run("ask", "ESCCANARY deploy", "--top-k", "1", env=env)
    assert text.returncode == 0, text.stderr
    assert b"ESCCANARY" in text.stdout
    for control in _TERMINAL_CONTROLS:
        assert control not in text.stdout + text.stderr, control
    assert "\u241b]52;c;".encode() in text.stdout  # shown, visibly, not dropped

    raw = run("ask", "--json", "ESCCANARY deploy", "--top-k", "1", env=env)
    assert raw.returncode == 0, raw.stderr
    for control in _TERMINAL_CONTROLS:
        assert control not in raw.stdout, control
    import json

    hit = json.loads(raw.stdout)["hits"][0]
    note = (corpus / hit["source"]).read_text(encoding="utf-8").split("\n")
    assert hit["text"] == "\n".join(note[hit["line_start"] - 1 : hit["line_end"]])  # exact, not cleaned
    assert "\x1b]52;c;" in hit["text"] and "\x9b" in hit["text"]


# --- The watcher: hidden-notes, watcher-dir-swap, watch-folder-moved-out ------------------------

import shutil  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

from assistant.embedding import HashEmbedder  # noqa: E402
from assistant.service import SearchService  # noqa: E402
from assistant.watch import start_watching  # noqa: E402


def _sources(service) -> set[str]:
    return {c.source for c in service.searcher.chunks}


def wait_for(condition, within: float = 10.0, step: float = 0.1) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


@pytest.fixture
def watched(tmp_path):
    """Factory: a real SearchService (fake-hash model) over a tmp corpus, with the real
    watcher running; stopped at the end."""
    stops = []

    def start(files: dict[str, str], embedder=None) -> SearchService:
        corpus = tmp_path / "notes"
        for name, text in files.items():
            (corpus / name).parent.mkdir(parents=True, exist_ok=True)
            (corpus / name).write_text(text, encoding="utf-8")
        settings = from_env({}, corpus_dir=corpus, index_dir=tmp_path / "index", model="fake-hash")
        service = SearchService(settings, embedder or HashEmbedder(), progress=False)
        stops.append(start_watching(service))
        return service

    yield start
    for stop in stops:
        stop()


def test_hidden_notes_are_neither_built_nor_watched(watched):
    service = watched({"team.md": "# Team\n\nvisible text\n", ".draft.md": "# Draft\n\nHIDDENCANARY\n",
                       ".obsidian/cfg.md": "# Cfg\n\nHIDDENCANARY\n", "sub/.wip/x.md": "# X\n\nHIDDENCANARY\n"})
    corpus = service.settings.corpus_dir
    assert _sources(service) == {"team.md"}  # the build's rule
    (corpus / ".draft.md").write_text("# Draft\n\nHIDDENCANARY edited\n", encoding="utf-8")
    (corpus / ".new.md").write_text("# New\n\nHIDDENCANARY\n", encoding="utf-8")
    time.sleep(1.5)
    assert service.status()["index_behind_notes"] is False  # hidden changes are not note changes
    (corpus / "team.md").write_text("# Team\n\nvisible text, edited\n", encoding="utf-8")  # a real edit
    assert wait_for(lambda: "edited" in service.searcher.chunks[0].text)
    assert _sources(service) == {"team.md"}  # the watcher's rebuild does not publish them either


def test_watcher_follows_the_folder_through_a_rename_swap(watched):
    service = watched({"team.md": "# Team\n\nold deploy text\n"})
    corpus = service.settings.corpus_dir
    new = corpus.with_name("notes.new")
    shutil.copytree(corpus, new)
    (new / "swap.md").write_text("# Swapped\n\nSWAPCANARY new deploy\n", encoding="utf-8")
    corpus.rename(corpus.with_name("notes.old"))
    new.rename(corpus)
    assert wait_for(lambda: "swap.md" in _sources(service)), "the swapped-in folder was not indexed"
    (corpus / "post.md").write_text("# Post\n\nPOSTSWAPCANARY edit after the swap\n", encoding="utf-8")
    assert wait_for(lambda: "post.md" in _sources(service)), "an edit in the new folder was not seen"
    assert wait_for(lambda: service.status()["status"] == "ok")


def test_watcher_survives_rm_rf_and_recreate_and_health_says_when_the_folder_is_gone(watched):
    service = watched({"team.md": "# Team\n\nteam text\n", "gone.md": "# Gone\n\nto be deleted\n"})
    corpus = service.settings.corpus_dir
    shutil.rmtree(corpus)
    assert wait_for(lambda: service.status()["watching"] is False)
    status = service.status()
    assert status["status"] == "degraded" and status["index_behind_notes"]
    corpus.mkdir()
    (corpus / "team.md").write_text("# Team\n\nrecreated RECREATECANARY\n", encoding="utf-8")
    assert wait_for(lambda: _sources(service) == {"team.md"} and "RECREATECANARY" in service.searcher.chunks[0].text)
    (corpus / "later.md").write_text("# Later\n\nlater edit\n", encoding="utf-8")
    assert wait_for(lambda: "later.md" in _sources(service))
    assert wait_for(lambda: service.status()["status"] == "ok"), service.status()


MOVED_OUT = PROJECT_ROOT / "tests" / "cases" / "watch-folder-moved-out"  # ../shared/cases/retrieval/<case>/notes


def test_subfolder_moved_out_removes_its_notes(watched, tmp_path):
    files = {str(p.relative_to(MOVED_OUT)): p.read_text(encoding="utf-8") for p in MOVED_OUT.rglob("*.md")}
    service = watched(files)
    assert any(s.startswith("archive2025/") for s in _sources(service))
    outside = tmp_path / "outside"
    outside.mkdir()
    (service.settings.corpus_dir / "archive2025").rename(outside / "archive2025")
    assert wait_for(lambda: not any(s.startswith("archive2025/") for s in _sources(service))), _sources(service)
    hits = service.search("旧VPNサーバーの名前は？").hits
    assert hits and not any(h.chunk.source.startswith("archive2025/") for h in hits)
    # ...and moved back in, they return (a folder event, no note event)
    (outside / "archive2025").rename(service.settings.corpus_dir / "archive2025")
    assert wait_for(lambda: any(s.startswith("archive2025/") for s in _sources(service)))


# --- damaged-manifest: a version that fails to load in any way is refused ----------------------


def test_version_whose_manifest_raises_recursion_error_is_refused(watched):
    service = watched({"team.md": "# Team\n\n## Deploy\n\n- deploy with the blue pipeline\n"})
    service.searcher  # loaded
    index_dir = service.settings.index_dir
    good = store.current_version(index_dir)
    bad = index_dir / "v-20991231T000000-damaged"
    shutil.copytree(good, bad)
    (bad / "manifest.json").write_text("[" * 20000 + "]" * 20000)  # json raises RecursionError
    link = index_dir / "current.tmp"
    link.symlink_to(bad.name)
    os.replace(link, index_dir / "current")

    for _ in range(3):  # every question is answered from the previous version
        assert service.search("deploy pipeline").hits[0].chunk.source == "team.md"
    status = service.status()
    assert status["status"] == "degraded"
    assert status["refused_version"] == bad.name and "manifest" in status["refused_reason"]
    assert status["index_version"] == good.name
    # A good build moves `current` on: the refusal is over.
    (service.settings.corpus_dir / "more.md").write_text("# More\n\nmore text\n", encoding="utf-8")
    assert wait_for(lambda: "more.md" in _sources(service))
    assert service.status()["refused_version"] is None


# --- big-note: a long build does not stop answering, and health says it runs --------------------


class GatedEmbedder(HashEmbedder):
    """The hash fake, whose build of the big note stops mid-embedding until the test opens
    the gate: the build is provably running for as long as the test needs, on any machine."""

    def __init__(self):
        super().__init__()
        self.reached = threading.Event()  # the build is embedding the big note
        self.release = threading.Event()

    def _embed_batch(self, texts):
        if any("distinct fact" in t for t in texts) and not self.release.is_set():
            self.reached.set()
            self.release.wait(timeout=300)
        return super()._embed_batch(texts)


def test_answers_from_the_last_index_while_a_long_build_runs(watched):
    from concurrent.futures import ThreadPoolExecutor

    embedder = GatedEmbedder()
    service = watched({"team.md": "# Team\n\n## Deploy\n\n- deploy with the blue pipeline\n"}, embedder)
    big = "# Big\n\n" + "\n".join(f"## Part {s}\n\n" + "\n".join(f"- distinct fact {s}-{i} zq{i * 7919 % 10007}"
                                                             for i in range(50)) for s in range(12)) + "\n"
    pool = ThreadPoolExecutor(1)
    try:
        (service.settings.corpus_dir / "big.md").write_text(big, encoding="utf-8")
        assert embedder.reached.wait(timeout=60), "no build started"
        status = service.status()
        assert status["build_in_progress"] and status["status"] == "building" and status["build_started_at"]
        # The build cannot finish until the gate opens: every answer here is given while it runs
        # (a search waiting for the build would time out instead of hanging the suite).
        for _ in range(5):
            hit = pool.submit(lambda: service.search("deploy pipeline").hits[0]).result(timeout=60)
            assert hit.chunk.source == "team.md"
        assert service.status()["build_in_progress"]
    finally:
        embedder.release.set()  # first: a search stuck behind the build can then end
        pool.shutdown()
    assert wait_for(lambda: "big.md" in _sources(service), within=60)
    assert wait_for(lambda: service.status()["status"] == "ok"), service.status()


# --- cache-corrupt: a damaged cache is set aside and rebuilt, everywhere ------------------------

from assistant import store  # noqa: E402


def _small_corpus(root: Path) -> Path:
    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "a.md").write_text("# Note\n\n## A\n\n- some text about the deploy pipeline\n", encoding="utf-8")
    return corpus


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_damaged_cache_is_set_aside_and_rebuilt_by_every_command(tmp_path, damage):
    corpus, index = _small_corpus(tmp_path), tmp_path / "index"
    env = fake_env(corpus, index)
    assert run("index", "--quiet", env=env).returncode == 0
    cache = index / "cache.sqlite"

    def spoil():
        if damage == "garbage":
            cache.write_bytes(os.urandom(5000))
        else:
            data = cache.read_bytes()
            cache.write_bytes(data[:100] + os.urandom(len(data) - 100))

    for argv in (("index", "--quiet"), ("index", "--rebuild", "--quiet"), ("ask", "deploy pipeline")):
        spoil()
        with open(corpus / "a.md", "a", encoding="utf-8") as f:
            f.write(f"- one more line for {argv[-1]}\n")  # the build must use the cache
        result = run(*argv, env=env)
        err = result.stderr.decode()
        assert result.returncode == 0, err
        assert "Traceback" not in err
        warnings = [line for line in err.splitlines() if line.startswith(("WARNING", "error"))]  # not tqdm's
        assert len(warnings) == 1 and "set it aside" in warnings[0], err
    assert len(list(index.glob("cache.sqlite.damaged-*"))) >= 3
    assert b"a.md" in run("ask", "deploy pipeline", env=env).stdout


@pytest.mark.slow
def test_server_starts_with_a_damaged_cache(tmp_path):
    import httpx

    from conftest import free_port

    corpus, index = _small_corpus(tmp_path), tmp_path / "index"
    env = fake_env(corpus, index)
    assert run("index", "--quiet", env=env).returncode == 0
    (index / "cache.sqlite").write_bytes(os.urandom(5000))
    (corpus / "b.md").write_text("# B\n\nnew note\n", encoding="utf-8")
    port = free_port()
    server = subprocess.Popen([sys.executable, "app.py", "--no-watch", "--port", str(port)], cwd=PROJECT_ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        def healthy():
            try:
                return httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200
            except httpx.HTTPError:
                assert server.poll() is None, server.stderr.read().decode()
                return False

        assert wait_for(healthy, within=90, step=0.5)
        hits = httpx.get(f"http://127.0.0.1:{port}/api/ask", params={"q": "new note"}, timeout=10).json()["hits"]
        assert {h["source"] for h in hits} >= {"b.md"}
    finally:
        server.terminate()
        _, err = server.communicate(timeout=20)
    assert "Traceback" not in err.decode() and "set it aside" in err.decode()


# --- readonly-index, disk-full: reading needs no write; a failed build keeps the old index ------

import contextlib  # noqa: E402
import errno  # noqa: E402


@contextlib.contextmanager
def tmpfs(at: Path, size: str):
    """A small tmpfs at `at` (root and mount(8) needed; else the test is skipped)."""
    at.mkdir(parents=True, exist_ok=True)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(at)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield at
    finally:
        subprocess.run(["umount", "-l", str(at)], capture_output=True)


@pytest.mark.slow
def test_cli_answers_from_a_read_only_index(tmp_path):
    corpus = _small_corpus(tmp_path)
    with tmpfs(tmp_path / "ro", "20m") as mount:
        # A real base URL: `ask` says nothing then ("citation links ... is a placeholder" otherwise).
        env = {**fake_env(corpus, mount / "index"), "ASSISTANT_WIKI_BASE_URL": "https://wiki.example.org"}
        assert run("index", "--quiet", env=env).returncode == 0
        assert subprocess.run(["mount", "-o", "remount,ro", str(mount)]).returncode == 0
        up_to_date = run("ask", "deploy pipeline", env=env)
        assert up_to_date.returncode == 0 and b"a.md" in up_to_date.stdout, up_to_date.stderr
        assert up_to_date.stderr.strip() == b""  # nothing to say: nothing needed writing
        (corpus / "b.md").write_text("# B\n\nnew note\n", encoding="utf-8")  # now the index is behind
        behind = run("ask", "deploy pipeline", env=env)
        err = behind.stderr.decode()
        assert behind.returncode == 0 and b"a.md" in behind.stdout, err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1 and "Read-only file system" in err
        assert "Read-only file system" in one_line_error(run("index", "--quiet", env=env), 1)


@pytest.mark.slow
def test_full_disk_build_fails_in_one_line_and_the_old_index_answers(tmp_path):
    corpus = _small_corpus(tmp_path)
    with tmpfs(tmp_path / "full", "4m") as mount:
        env = fake_env(corpus, mount / "index")
        assert run("index", "--quiet", env=env).returncode == 0
        current = os.readlink(mount / "index" / "current")
        with open(mount / "filler", "wb") as f:  # fill the disk
            with contextlib.suppress(OSError):
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
        (corpus / "a.md").write_text("# Note\n\n## A\n\n- " + " ".join(f"w{i}" for i in range(20000)) + "\n",
                                     encoding="utf-8")
        line = one_line_error(run("index", "--quiet", env=env), 1)
        assert "No space left on device" in line or "full" in line, line
        answer = run("ask", "deploy pipeline", env=env)
        assert answer.returncode == 0 and b"a.md" in answer.stdout, answer.stderr
        assert os.readlink(mount / "index" / "current") == current
        assert not list((mount / "index").glob(".tmp-*"))


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC, errno.EACCES])
def test_service_starts_from_the_old_index_when_the_build_cannot_write(tmp_path, monkeypatch, code):
    """Unit-level, for machines without mount(8): every write a build starts with fails."""
    from assistant import build

    corpus = _small_corpus(tmp_path)
    settings = from_env({}, corpus_dir=corpus, index_dir=tmp_path / "index", model="fake-hash")
    build.build_index(settings, HashEmbedder(), progress=False)
    (corpus / "b.md").write_text("# B\n\nnew note\n", encoding="utf-8")
    real_open = open

    def refusing_open(file, mode="r", *args, **kwargs):
        if any(m in mode for m in "wax+"):
            raise OSError(code, os.strerror(code), str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(build, "open", refusing_open, raising=False)
    service = SearchService(settings, HashEmbedder(), progress=False)
    assert service.search("deploy pipeline").hits[0].chunk.source == "a.md"
    status = service.status()
    assert status["status"] == "degraded" and os.strerror(code) in status["last_build_error"]
    assert status["index_behind_notes"] is True  # b.md is not in the index answering


# --- amplification: text embedded per note is within AMPLIFICATION x its size ------------------

import functools  # noqa: E402

from assistant.build import AMPLIFICATION, MIN_NOTE_CHARS, chunk_token_budget, note_units  # noqa: E402
from assistant.notes import parse_note  # noqa: E402

_NESTED = "\n".join("  " * d + f"- level {d} item" for d in range(40))
AMPLIFYING_NOTES = {
    "long heading": "# Amplify\n\n## " + "longheading " * 850 + "\n\n" + "\n".join(f"- x{i}" for i in range(2000)),
    "long title": '---\ntitle: "' + "word " * 2000 + '"\n---\n# H\n\n' + "\n".join(f"- item {i}" for i in range(300)),
    "long Japanese heading": "# 題\n\n## " + "長い見出し" * 2000 + "\n\n" + "\n".join(f"- 項目{i}" for i in range(1000)),
    "deep headings": "\n\n".join("#" * lvl + " " + f"level{lvl} " * 200 + "\n\n- a b" for lvl in range(1, 7)) * 50,
    "deep nesting": ("# Nest\n\n## " + "n" * 500 + "\n\n" + _NESTED + "\n\n") * 30,
    "one-word bullets": "# Bullets\n\n## Section\n\n" + "\n".join(f"- w{i}" for i in range(5000)),
    "many tiny sections": '---\ntitle: "' + "t" * 5000 + '"\n---\n' + "\n".join(f"## s{i}\nab" for i in range(3000)),
}


@pytest.fixture(scope="module", params=["fake-hash", pytest.param("e5", marks=pytest.mark.slow)])
def token_counter(request):
    from assistant.profiles import load_embedder

    embedder = load_embedder(request.param)
    settings = from_env({}, model=request.param)
    return settings, chunk_token_budget(settings, embedder), embedder.count_tokens


@pytest.mark.parametrize("shape", AMPLIFYING_NOTES)
def test_text_to_embed_is_within_a_constant_factor_of_the_note(token_counter, shape):
    settings, budget, count = token_counter
    text = AMPLIFYING_NOTES[shape] + "\n"
    note = parse_note(text, "n.md")
    units = note_units(note, 0, settings, budget, functools.lru_cache(maxsize=None)(count))
    limit = AMPLIFICATION * max(len(text), MIN_NOTE_CHARS)
    assert units.embedded_chars <= limit, (shape, units.embedded_chars, len(text))
    assert units.chunks and units.lines  # still indexed, not dropped
    assert len(units.chunks) <= len(note.lines) // 10 + 3100  # no chunk per line from an oversized label


def test_ordinary_notes_keep_their_heading_labels(caplog, token_counter):
    settings, budget, count = token_counter
    for path in sorted((PROJECT_ROOT / "tests" / "data").glob("*.md")):
        note = parse_note(path.read_text(encoding="utf-8"), path.name)
        note_units(note, 0, settings, budget, count)
    assert "without heading labels" not in caplog.text


@pytest.mark.slow
def test_amplifying_note_builds_fast_through_the_cli(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = AMPLIFYING_NOTES["long heading"] + "\n"
    (corpus / "heading.md").write_text(text, encoding="utf-8")
    env = fake_env(corpus, tmp_path / "index")
    result = run("index", "--quiet", env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    version = tmp_path / "index" / os.readlink(tmp_path / "index" / "current")
    stored = sum(f.stat().st_size for f in version.glob("*.jsonl"))
    # The texts within the factor, plus each record's JSON keys (~50 bytes a line unit); no
    # 10 KB anchor per chunk. Before the fix this note stored 40.9 MB.
    assert stored < AMPLIFICATION * len(text.encode()) + 64 * text.count("\n"), stored


# --- symlink-race: what is read is checked on the opened descriptor ---------------------------

from assistant.notes import load_notes, read_note  # noqa: E402


def test_note_behind_a_swapped_folder_is_refused_by_its_opened_path(tmp_path):
    """The walk saw `sub/` as a folder; by the time the note is opened `sub` is a symlink to
    an outside folder. O_NOFOLLOW covers only the last name: the descriptor's real path is
    what must be inside the corpus."""
    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    (corpus / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "x.md").write_text("# Secret\n\nCANARY outside\n", encoding="utf-8")
    (corpus / "sub" / "x.md").write_text("# Fine\n\ninside\n", encoding="utf-8")
    assert read_note(corpus / "sub" / "x.md", corpus).lines[-1] == "inside"
    shutil.rmtree(corpus / "sub")
    (corpus / "sub").symlink_to(outside, target_is_directory=True)
    assert read_note(corpus / "sub" / "x.md", corpus) is None


def test_symlinked_note_is_never_read_even_while_swapped(watched, tmp_path):
    service = watched({"note.md": "# Note\n\nordinary text\n", "other.md": "# Other\n\nother text\n"})
    corpus = service.settings.corpus_dir
    secret = tmp_path / "secret.txt"
    secret.write_text("# Secret\n\nSYMLINKCANARY outside the corpus\n", encoding="utf-8")
    stop = threading.Event()

    def swap():  # each state atomic, as in the case's race.py
        regular, link = corpus / ".tmp-regular", corpus / ".tmp-link"
        while not stop.is_set():
            regular.write_text("# Note\n\nordinary text\n", encoding="utf-8")
            os.replace(regular, corpus / "note.md")
            link.symlink_to(secret)
            os.replace(link, corpus / "note.md")

    swapper = threading.Thread(target=swap, daemon=True)
    swapper.start()
    seen = []
    try:
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline:
            seen += [n.lines for n in load_notes(corpus)]  # builds read through the same function
            seen += [c.text for c in service.searcher.chunks]  # what the watcher's builds serve
    finally:
        stop.set()
        swapper.join(5)
    assert seen and not any("SYMLINKCANARY" in str(x) for x in seen)


# --- Long lines: every pattern applied to a note line is linear in its length -----------------

# Lines that made a regex backtrack quadratically (sixth attack run, docs/reliability.md): a
# 20,000-space line cost 9.6 s in lines._TABLE_RULE alone, at every build and every start.
BACKTRACKING_LINES = [
    " " * 50_000 + "xx",                 # lines._TABLE_RULE: ^\s*\|?\s*-{3,}
    "\t" * 50_000 + "xx",
    "{:" * 25_000 + "x",                  # lines._LABEL: ^\W*...\W*$
    "{%" * 25_000 + " xx",                # lines._LINK, wiki.shown._LIQUID_TAG: {%.*?%}
    "{{" * 25_000 + " xx",                # wiki.shown._LIQUID_TAG: {{.*?}}
    "<a " * 16_000 + "xx",                # lines.HTML_TAG, _TAG_WITH_ATTRIBUTES
    "[a](" * 12_000 + "xx",               # lines._LINK
    "x" + " " * 50_000 + "x",            # wiki.shown._TRAILING_ATTRS: \s*\{...\}\s*$
]


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["jekyll", "vitepress", "docusaurus"])
def test_a_note_of_long_backtracking_lines_builds_and_answers_in_seconds(tmp_path, engine):
    corpus, index = tmp_path / "notes", tmp_path / "index"
    corpus.mkdir()
    body = "\n\n".join(BACKTRACKING_LINES)
    heading = "## Deploy " + " " * 50_000 + "{x"  # the heading-id patterns: \s*\{...\}$, \s*\{#...\}$
    (corpus / "long.md").write_text(f"# Deploys\n\n{heading}\n\nDeploys run nightly.\n\n{body}\n", encoding="utf-8")
    env = fake_env(corpus, index, ASSISTANT_WIKI_ENGINE=engine)
    # Before: hours (each line alone took minutes); now a few seconds each on 2 busy cores.
    built = run("index", env=env, timeout=90)
    assert built.returncode == 0, built.stderr[-2000:]
    asked = run("ask", "When do deploys run?", env=env, timeout=90)  # loading the index classifies every line again
    assert asked.returncode == 0, asked.stderr[-2000:]
    assert b"Deploys run nightly" in asked.stdout


@pytest.mark.slow
def test_a_long_table_or_list_builds_and_answers_in_seconds(tmp_path):
    """Each row of a pipe table walked up to the table's first row (lines.table_header), and
    each child of a block was found by a scan of all its children (chunking._pieces): both
    quadratic, a 20,000-row table (250 KB) took 111 s to build; 25,000 rows, minutes. Now
    each table is walked once a note (lines.TableHeaders) and children are found by a dict."""
    corpus, index = tmp_path / "notes", tmp_path / "index"
    corpus.mkdir()
    rows = "".join(f"| r{i} | value {i} |\n" for i in range(25_000))
    items = "".join(f"- item {i}\n" for i in range(10_000))
    (corpus / "big.md").write_text(f"# Big\n\n## Table\n\n| Key | Value |\n|---|---|\n{rows}\n## List\n\n{items}\n"
                                   "## Deploys\n\nDeploys run nightly.\n", encoding="utf-8")
    env = fake_env(corpus, index)
    built = run("index", env=env, timeout=90)  # before: > 3 min (killed); now ~20 s on 2 busy cores
    assert built.returncode == 0, built.stderr[-2000:]
    asked = run("ask", "When do deploys run?", env=env, timeout=90)
    assert asked.returncode == 0, asked.stderr[-2000:]
    assert b"Deploys run nightly" in asked.stdout
