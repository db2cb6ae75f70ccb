"""The app's own source files, for the tests that read code rather than run it (layers, state, errors)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "providers", "desktop", "overlay", "tray", "cli")


def app_files(*, with_main: bool = True) -> list[Path]:
    """``main.py`` (unless left out) and every module of the app's packages, in a stable order."""
    files = [REPO / "main.py"] if with_main else []
    return files + [path for package in PACKAGES for path in sorted((REPO / package).rglob("*.py"))]
