"""One benchmark display and everything that watches and drives it, plus where results go."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from Xlib import display

from bench import ourapp, pattern, xprobe
from bench.clipwatch import ClipboardSighting, ClipboardWatch
from bench.keywatch import KeyWatch
from bench.stats import Series
from bench.xserver import BenchDesktop

Results = dict[tuple[str, str], Series]


@dataclass
class Session:
    desktop: BenchDesktop
    runs: int
    results: Results
    app: Path = ourapp.REPO
    conns: list[display.Display] = field(default_factory=list)

    def __post_init__(self) -> None:
        width, height = self.desktop.width, self.desktop.height
        # One connection per watcher: each waits on its own event stream.
        probe, drive, clip = (xprobe.connect(self.desktop.display) for _ in range(3))
        self.conns += [probe, drive, clip]
        xprobe.set_root_picture(probe, pattern.desktop_picture(width, height))
        self.watch = xprobe.OverlayWatch(probe, pattern.probe_points(width, height))
        self.pointer = xprobe.Pointer(drive)
        self.clip = ClipboardWatch(clip)
        self.keys = KeyWatch(self.desktop.display)
        self.park()

    @property
    def size_tag(self) -> str:
        return "4k" if self.desktop.width >= 3840 else "1080"

    def series(self, row: str, tool: str, unit: str = "ms") -> Series:
        return self.results.setdefault((row, tool), Series(unit))

    def park(self) -> None:
        self.pointer.move(*pattern.park_point(self.desktop.width, self.desktop.height))

    def xdotool(self, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(["xdotool", *args], env=self.desktop.env)

    def overlay_run(self, trigger: Callable[[], object], timeout: float = 10) -> xprobe.Sighting:
        """Time one selector's arrival from just before ``trigger()``."""
        self.park()
        self.watch.drain()
        start = time.perf_counter()
        trigger()
        seen = self.watch.watch(start, timeout)
        seen.start = start
        return seen

    def cancel(self, *, hold: float = 0.0) -> bool:
        """Esc, then wait until the dimmed markers are gone."""
        self.pointer.key("Escape", hold=hold)
        return self.watch.wait_clear()

    def accept_timed(self, accept: Callable[[], object], timeout: float = 15) -> tuple[float, ClipboardSighting]:
        """Time from just before ``accept()`` to a PNG on the clipboard; also the start, for breakdowns."""
        self.clip.drain()
        start = time.perf_counter()
        accept()
        return start, self.clip.wait_png(start, timeout)

    def close(self) -> None:
        self.keys.close()
        for conn in self.conns:
            conn.close()


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def settle(seconds: float = 0.3) -> None:
    """Let the app under test finish what follows a run (GC, withdraw) before the next one."""
    time.sleep(seconds)
