#!/usr/bin/env bash
# Installs what the tests need, then runs lint, type checks and every test (desktop tests start
# their own Xvfb, D-Bus and keyring; provider tests their own loopback servers).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --dev
.venv/bin/ruff format --check .
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
