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
def test_app_bad_option_is_one_line_exit_2(tmp_path, argv, word):
    env = fake_env(tmp_path / "corpus", tmp_path / "index")
    line = one_line_error(run(*argv, env=env, entry=("app.py",)), 2)
    assert word in line


@pytest.mark.parametrize("var,value", [("ASSISTANT_PORT", "abc"), ("ASSISTANT_ANCHOR_STYLE", "mkdocs"),
                                       ("ASSISTANT_ALLOWED_ORIGINS", "ftp://x")])
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

CASES = PROJECT_ROOT.parent / "shared" / "cases"
ESCAPES_CORPUS = CASES / "security" / "cli-terminal-escapes" / "corpus"
_TERMINAL_CONTROLS = [bytes([c]) for c in range(0x20) if c not in (0x09, 0x0A)] + [b"\x7f"] + [
    chr(c).encode() for c in range(0x80, 0xA0)
]


def _escapes_corpus(tmp_path: Path) -> Path:
    """The case's corpus when present, else the same note written here (CI has no ../shared)."""
    if ESCAPES_CORPUS.is_dir():
        return ESCAPES_CORPUS
    corpus = tmp_path / "esc"
    corpus.mkdir()
    (corpus / "escapes.md").write_text(
        "# Escapes\n\n## Copy helper\n\nESCCANARY run the deploy \x1b]52;c;Y3VybA==\x07 then "
        "\x1b]8;;https://evil.example/\x07click here\x1b]8;;\x07 and \x1b[8mhidden text\x1b[0m, "
        "title \x1b]0;owned\x07, C1 \x9b31mred\n", encoding="utf-8")
    return corpus


def test_cli_prints_no_terminal_control_characters(tmp_path):
    corpus = _escapes_corpus(tmp_path)
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
