#!/usr/bin/env bash
# Installs what the tests need, then runs lint, type checks and every test (desktop tests start
# their own Xvfb, D-Bus and keyring; provider tests their own loopback servers).
set -euo pipefail
cd "$(dirname "$0")/.."
# Line coverage of the app code measured in the pytest process (pyproject.toml: tool.coverage): 80% on
# 2026-12-01 when the floor was set; one point below it, for branches that depend on timing.
COVERAGE_FLOOR=79
bash scripts/install.sh --dev
.venv/bin/ruff format --check .
.venv/bin/ruff check .
.venv/bin/mypy
# The app's code must at least type-check for the other OSes it ships to (tests and bench are Linux-only).
# Reachability is judged by the Linux run: a platform branch is unreachable by design on the others.
app_code=(main.py core cli desktop providers overlay tray)
.venv/bin/mypy --platform win32 --no-warn-unreachable "${app_code[@]}"
.venv/bin/mypy --platform darwin --no-warn-unreachable "${app_code[@]}"
rm -f .coverage
.venv/bin/coverage run -m pytest "$@"
# The floor is the figure the whole suite reached when it was set (issue 12); a run of a few tests
# (arguments given) reports without it.
if [ "$#" -eq 0 ]; then
  .venv/bin/coverage report --fail-under="$COVERAGE_FLOOR" | tail -n 3
else
  .venv/bin/coverage report | tail -n 3
fi
