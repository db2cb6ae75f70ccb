"""The one-file build, made once per test session (or reused when nothing it is built from changed)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BINARY = REPO / "dist" / ("ai-image-studio.exe" if sys.platform == "win32" else "ai-image-studio")
SOURCES = ("main.py", "pyinstaller.spec", "core", "cli", "desktop", "providers", "overlay", "tray", "assets")


def _newest_source_mtime() -> float:
    newest = 0.0
    for name in SOURCES:
        path = REPO / name
        files = (
            [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        )
        newest = max([newest, *(p.stat().st_mtime for p in files)])
    return newest


@pytest.fixture(scope="session")
def frozen_binary() -> Path:
    """dist/ai-image-studio, built by scripts/build.sh unless it is newer than every file it is built from."""
    if not (BINARY.is_file() and BINARY.stat().st_mtime > _newest_source_mtime()):
        started = time.monotonic()
        # DISPLAY is dropped so the build never depends on a screen (the spec lists the backends).
        env = {key: value for key, value in os.environ.items() if key != "DISPLAY"}
        result = subprocess.run(
            ["bash", str(REPO / "scripts" / "build.sh")],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert result.returncode == 0, f"the build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        print(f"built {BINARY} in {time.monotonic() - started:.0f} s", file=sys.stderr)  # noqa: T201
    return BINARY
