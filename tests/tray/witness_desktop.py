"""A virtual desktop with a window manager and helper processes whose output a test waits on.

``start_openbox`` runs openbox on a test's Xvfb (a real desktop has a window manager: focus then
works as people meet it, DESKTOP-TESTING.md); ``child`` starts ``tests.tray.hotkey_witness`` in a
role and ``Lines`` reads what it prints, with a deadline.
"""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.virtual_desktop import VirtualDesktop

REPO = Path(__file__).resolve().parents[2]
WAIT = 10.0


class Lines:
    """A child's stdout, line by line, read on a thread so a test can wait for a line with a deadline."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.strip())

    def next(self) -> str:
        return self._lines.get(timeout=WAIT)

    def until(self, wanted: str) -> list[str]:
        """Every line before ``wanted``; fails if it does not come within WAIT seconds."""
        seen: list[str] = []
        deadline = time.monotonic() + WAIT
        while True:
            line = self._lines.get(timeout=max(0.01, deadline - time.monotonic()))
            if line == wanted:
                return seen
            seen.append(line)


def start_openbox(desk: VirtualDesktop) -> None:
    """openbox on ``desk``, ended with the desktop's other processes."""
    wm = subprocess.Popen(["openbox"], env=desk.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    desk.processes.append(wm)
    # The sign that openbox manages windows: it has set _NET_SUPPORTING_WM_CHECK on the root.
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if "window id" in desk.run("xprop", "-root", "_NET_SUPPORTING_WM_CHECK", check=False).stdout.decode():
            return
        time.sleep(0.05)
    raise AssertionError("openbox did not start")


def child(desk: VirtualDesktop, *args: str) -> Lines:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.tray.hotkey_witness", *args],
        cwd=REPO,
        env=desk.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    return Lines(process)


def end(lines: Lines) -> None:
    """Close its stdin (a holder lets go), then end it by its PID."""
    process = lines.process
    if process.stdin is not None:
        process.stdin.close()
    process.terminate()
    process.wait(timeout=5)
