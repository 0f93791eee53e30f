#!/usr/bin/env bash
# Set up (first time), build or update the index, and serve the chat UI + JSON API.
# Extra arguments go to app.py (e.g. --port 8000, --host 0.0.0.0, --no-watch).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python app.py "$@"
