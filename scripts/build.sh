#!/usr/bin/env bash
# Builds the one-file app into dist/ with the PyInstaller pinned in requirements-dev.txt.
#   bash scripts/build.sh       ->  dist/ai-image-studio (dist/ai-image-studio.exe on Windows)
# Run it on the OS you build for (Linux, Windows under Git Bash, or macOS); the venv comes from
# scripts/install.sh --dev.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -x .venv/bin/python ]; then
  python=.venv/bin/python
elif [ -x .venv/Scripts/python.exe ]; then
  python=.venv/Scripts/python.exe
else
  echo "No .venv here: run 'bash scripts/install.sh --dev' first." >&2
  exit 2
fi

pin=$(grep -E '^pyinstaller==' requirements-dev.txt || true)
if [ -z "$pin" ]; then
  echo "requirements-dev.txt pins no pyinstaller version." >&2
  exit 2
fi
"$python" -m pip install --quiet --disable-pip-version-check "$pin"

start=$(date +%s)
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --workpath build/pyinstaller --distpath dist pyinstaller.spec
binary=dist/ai-image-studio
[ -f "$binary.exe" ] && binary="$binary.exe"
echo "Built $binary ($(du -h "$binary" | cut -f1)) in $(( $(date +%s) - start )) s."
