"""What the tray's resident memory is made of: RSS after each import stage, in one fresh process.

Run ``python -m bench.tray_memory`` inside a desktop session (DISPLAY, and a session bus for the
SNI stage). Each stage adds to the one before, in the order the app starts: Python, Pillow, Tk,
then pystray's GTK backend, our StatusNotifierItem code or our XEmbed icon with its Tk menu
(``--tray gtk|sni|xembed``), then the keyring as the tray opens it (``desktop.secrets.system``, and a
read, as the menu's key marks do), and the rest of the app's modules: that is the idle tray. The last
stage, ``first-job``, is what the first job adds (asyncio with ssl, httpx and its client), which an idle
tray does not load (issue 14).
RSS is ``Rss`` from ``/proc/self/smaps_rollup``, in MiB; ``--python-heap`` shows instead what
tracemalloc saw Python itself allocate by each stage (module code and objects) (issue 14).
"""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tkinter

STAGES_GTK = ("python", "pillow", "tk", "pystray-gtk", "keyring", "app-modules", "first-job")
STAGES_SNI = ("python", "pillow", "tk", "sni", "keyring", "app-modules", "first-job")
STAGES_XEMBED = ("python", "pillow", "tk", "xembed", "keyring", "app-modules", "first-job")
# What main.py imports for the tray beyond the stages above (overlay, capture, hotkeys, providers).
APP_MODULES = (
    "cli.app",
    "tray.tray_choice",
    "tray.app",
    "overlay.selector",
    "desktop.capture.system",
    "desktop.clipboard.system",
    "desktop.notify.system",
    "tray.hotkeys",
    "providers.registry",
    "core.jobs",
)


def rss_mib() -> float:
    for line in Path("/proc/self/smaps_rollup").read_text(encoding="ascii").splitlines():
        if line.startswith("Rss:"):
            return int(line.split()[1]) / 1024.0
    return 0.0


def _pillow() -> object:
    from PIL import Image, ImageDraw

    return Image, ImageDraw


def _tk() -> object:
    import tkinter as tk

    root = tk.Tk()
    root.withdraw()
    root.update()
    return root


def _pystray_gtk() -> object:
    os.environ.setdefault("GDK_GL", "disable")
    os.environ.setdefault("PYSTRAY_BACKEND", "gtk")
    pystray = importlib.import_module("pystray")
    from gi.repository import Gtk

    Gtk.Menu()  # the menu GTK builds when the icon appears
    return pystray


def _sni() -> object:
    # What SniIcon.start imports on top of the module: jeepney's threaded router.
    return importlib.import_module("tray.sni_icon"), importlib.import_module("jeepney.io.threading")


def _xembed() -> object:
    # What XEmbedIcon.start maps on top of the module: python-xlib and one connection of its own,
    # and the Tk popup menu built once (the hotkeys import python-xlib anyway).
    from Xlib import display

    from tray.menu import MenuItem
    from tray.tk_menu import TrayPopup

    connection = display.Display()
    connection.screen()
    root = tk_root()
    return connection, TrayPopup(root, lambda _event: None).build((MenuItem("Quit", "quit"),))


def tk_root() -> tkinter.Misc:
    import tkinter  # here: importing it maps Tcl and Tk, which is the tk stage's cost

    return tkinter._default_root or tkinter.Tk()  # type: ignore[attr-defined]


def _keyring() -> object:
    from desktop.secrets.system import system_backend

    backend = system_backend()
    if backend is not None:
        backend.get_password("ai-image-studio", "openai")  # what the menu's key marks ask at start
    return backend


def _first_job() -> object:
    from core.jobs import JobRunner
    from providers.http import build_http_client

    runner = JobRunner()
    runner.start()
    client = build_http_client()
    return runner, client


def _stage(name: str) -> object:
    """Import (and, where it maps more, build) what the stage adds; returns it so it stays alive."""
    build: dict[str, Callable[[], object]] = {
        "python": lambda: None,
        "pillow": _pillow,
        "tk": _tk,
        "pystray-gtk": _pystray_gtk,
        "sni": _sni,
        "xembed": _xembed,
        "keyring": _keyring,
        "app-modules": lambda: [importlib.import_module(module) for module in APP_MODULES],
        "first-job": _first_job,
    }
    return build[name]()


def measure(stages: tuple[str, ...], python_heap: bool = False) -> list[tuple[str, float]]:
    """RSS after each stage, or with ``python_heap`` what tracemalloc saw Python allocate (its own cost excluded)."""
    if python_heap:
        tracemalloc.start()
    kept = []
    rows = []
    for name in stages:
        kept.append(_stage(name))
        rows.append((name, tracemalloc.get_traced_memory()[0] / 2**20 if python_heap else rss_mib()))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tray", choices=("gtk", "sni", "xembed"), default="gtk")
    parser.add_argument("--python-heap", action="store_true", help="tracemalloc's Python allocations, not RSS")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    stages = {"gtk": STAGES_GTK, "sni": STAGES_SNI, "xembed": STAGES_XEMBED}[args.tray]
    if not args.child:
        # A fresh interpreter, so nothing this script imported itself is counted.
        command = [sys.executable, "-m", "bench.tray_memory", "--tray", args.tray, "--child"]
        command += ["--python-heap"] if args.python_heap else []
        return subprocess.run(command, check=False, timeout=60).returncode
    before = 0.0
    for name, rss in measure(stages, args.python_heap):
        print(f"{name:12s} {rss:6.1f} MiB  (+{rss - before:5.1f})")
        before = rss
    return 0


if __name__ == "__main__":
    sys.exit(main())
