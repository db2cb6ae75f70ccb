"""What the tray's resident memory is made of: RSS after each import stage, in one fresh process.

Run ``python -m bench.tray_memory`` inside a desktop session (DISPLAY, and a session bus for the
SNI stage). Each stage adds to the one before, in the order the app starts: Python, Pillow, Tk,
httpx, then either pystray's GTK backend or our StatusNotifierItem code (``--tray gtk|sni``).
RSS is ``Rss`` from ``/proc/self/smaps_rollup``, in MiB (issue 14).
"""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
from pathlib import Path

STAGES_GTK = ("python", "pillow", "tk", "httpx", "pystray-gtk")
STAGES_SNI = ("python", "pillow", "tk", "httpx", "sni")


def rss_mib() -> float:
    for line in Path("/proc/self/smaps_rollup").read_text(encoding="ascii").splitlines():
        if line.startswith("Rss:"):
            return int(line.split()[1]) / 1024.0
    return 0.0


def _stage(name: str) -> object:
    """Import (and, where it maps more, build) what the stage adds; returns it so it stays alive."""
    if name == "pillow":
        from PIL import Image, ImageDraw

        return Image, ImageDraw
    if name == "tk":
        import tkinter as tk

        root = tk.Tk()
        root.withdraw()
        root.update()
        return root
    if name == "httpx":
        return importlib.import_module("httpx")
    if name == "pystray-gtk":
        os.environ.setdefault("GDK_GL", "disable")
        os.environ.setdefault("PYSTRAY_BACKEND", "gtk")
        pystray = importlib.import_module("pystray")
        from gi.repository import Gtk

        Gtk.Menu()  # the menu GTK builds when the icon appears
        return pystray
    if name == "sni":
        return importlib.import_module("tray.sni_icon")
    return None


def measure(stages: tuple[str, ...]) -> list[tuple[str, float]]:
    kept = []
    rows = []
    for name in stages:
        kept.append(_stage(name))
        rows.append((name, rss_mib()))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tray", choices=("gtk", "sni"), default="gtk")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    stages = STAGES_GTK if args.tray == "gtk" else STAGES_SNI
    if not args.child:
        # A fresh interpreter, so nothing this script imported itself is counted.
        command = [sys.executable, "-m", "bench.tray_memory", "--tray", args.tray, "--child"]
        return subprocess.run(command, check=False, timeout=60).returncode
    before = 0.0
    for name, rss in measure(stages):
        print(f"{name:12s} {rss:6.1f} MiB  (+{rss - before:5.1f})")
        before = rss
    return 0


if __name__ == "__main__":
    sys.exit(main())
