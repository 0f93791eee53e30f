#!/usr/bin/env bash
# Set up (first time, with the test packages of requirements-dev.txt), install Chromium (and CJK fonts for its screenshots) for the browser tests, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
if ! dpkg -s chromium fonts-noto-cjk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
exec .venv/bin/python -m pytest "$@"
