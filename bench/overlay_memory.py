"""``python -m bench.overlay_memory [--captures 200] [--size 3840x2160]``: RSS over many captures.

One ``SelectorHost`` in this process, as the tray keeps it, on a fresh Xvfb (openbox): each
capture freezes the screen, waits for the first paint, accepts the whole screen with Enter (real
xdotool input, so the crop is read) and closes; RSS is read after 1, 10 and the last capture once
the close's memory release has run. Both overlay paths (ADR 034): ``server`` and ``tk``; the
server path also prints the pixmaps it has not freed (its own count) after the run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
import tkinter as tk
from collections.abc import Sequence

from bench import pattern, xprobe
from bench.xserver import bench_desktop
from core.models import Selection
from desktop.capture.overlay_method import screen_freezer
from desktop.capture.system import system_capture
from overlay.memory import release_memory, resident_mb
from overlay.selector import RELEASE_DELAY_MS, SelectorHost

CHECKPOINTS = (1, 10)


def _pump(root: tk.Tk, until: Sequence[object], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not until:
        root.update()
        if time.monotonic() > deadline:
            raise RuntimeError("the selector did not answer in time")
        time.sleep(0.002)


def run(overlay: str, captures: int, width: int, height: int) -> list[tuple[int, float]]:
    readings: list[tuple[int, float]] = []
    with bench_desktop(width, height, keyring=False, wm="openbox") as desktop:
        conn = xprobe.connect(desktop.display)
        xprobe.set_root_picture(conn, pattern.desktop_picture(width, height))
        conn.close()
        env = {**desktop.env, "AIIS_OVERLAY": overlay}
        os.environ["DISPLAY"] = desktop.display
        root = tk.Tk()
        root.withdraw()
        freezer = screen_freezer(env)
        host = SelectorHost(root, freezer=freezer)
        capture = system_capture(env)
        host.prepare(capture.monitors())
        readings.append((0, resident_mb()))
        for number in range(1, captures + 1):
            painted: list[float] = []
            done: list[Selection | None] = []
            host.select_screen(capture, done.append, painted.append)
            _pump(root, painted)
            subprocess.run(["xdotool", "key", "Return"], env=desktop.env, check=True, timeout=10)
            _pump(root, done)
            done.clear()
            deadline = time.monotonic() + RELEASE_DELAY_MS / 1000 + 0.05
            while time.monotonic() < deadline:
                root.update()
            if number in CHECKPOINTS or number == captures:
                release_memory()
                readings.append((number, resident_mb()))
        if freezer is not None:
            print(f"  {overlay}: pixmaps not freed after {captures} captures: {freezer.live_pixmaps}")
        host.close()
        capture.close()
        root.destroy()
    return readings


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.overlay_memory")
    parser.add_argument("--captures", type=int, default=200)
    parser.add_argument("--size", default="3840x2160")
    parser.add_argument("--overlay", default="server,tk")
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))
    for overlay in args.overlay.split(","):
        readings = run(overlay, args.captures, width, height)
        text = ", ".join(f"{'prepared' if n == 0 else f'after {n}'} {mb:.1f} MB" for n, mb in readings)
        print(f"{args.size} {overlay}: RSS {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
