"""Running ``main.py capture`` against a virtual desktop and waiting, without sleeps, for its overlay.

The barrier is a probe pixel that no longer shows the pattern (the overlay dims the frozen
screen, or shows its own background around a fitted image), and then the keyboard held by the
selector (issue 17), each polled with a deadline.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from tests.virtual_desktop import VirtualDesktop
from tests.witness import keyboard_held

MAIN = Path(__file__).resolve().parents[2] / "main.py"
DEADLINE = 30.0


@dataclass
class Finished:
    returncode: int
    stdout: str
    stderr: str


def screen_pixel(display: str, x: int, y: int) -> tuple[int, int, int]:
    from Xlib import X
    from Xlib import display as xdisplay

    connection = xdisplay.Display(display)
    try:
        raw = connection.screen().root.get_image(x, y, 1, 1, X.ZPixmap, 0xFFFFFFFF)
        blue, green, red = bytes(raw.data)[:3]
        return (red, green, blue)
    finally:
        connection.close()


def grab_screen(display: str, width: int, height: int) -> Image.Image:
    """The root window as the X server shows it now (what ``import -window root`` gives)."""
    from Xlib import X
    from Xlib import display as xdisplay

    connection = xdisplay.Display(display)
    try:
        raw = connection.screen().root.get_image(0, 0, width, height, X.ZPixmap, 0xFFFFFFFF)
        return Image.frombytes("RGB", (width, height), bytes(raw.data), "raw", "BGRX")
    finally:
        connection.close()


class CaptureProcess:
    def __init__(self, desktop: VirtualDesktop, process: subprocess.Popen[str]) -> None:
        self.desktop = desktop
        self.process = process

    def wait_painted(self, probe: tuple[int, int], unpainted: tuple[int, int, int]) -> None:
        deadline = time.monotonic() + DEADLINE
        while screen_pixel(self.desktop.display, *probe) == unpainted:
            if self.process.poll() is not None:
                raise AssertionError(f"capture exited before its overlay showed: {self.process.communicate()}")
            assert time.monotonic() < deadline, "the overlay never painted"
            time.sleep(0.02)
        # Then the grab: keys typed between the paint and the grab would go to the window below.
        while not keyboard_held(self.desktop.display):
            assert self.process.poll() is None, self.process.communicate()
            assert time.monotonic() < deadline, "the selector never took the keyboard"
            time.sleep(0.01)

    def wait_pixel(self, probe: tuple[int, int], wanted: tuple[int, int, int]) -> None:
        """Until the screen shows ``wanted`` at ``probe`` (an overlay change has been drawn)."""
        deadline = time.monotonic() + DEADLINE
        while screen_pixel(self.desktop.display, *probe) != wanted:
            assert self.process.poll() is None, self.process.communicate()
            assert time.monotonic() < deadline, f"{probe} never became {wanted}"
            time.sleep(0.02)

    def xdotool(self, *args: str) -> None:
        self.desktop.xdotool(*args)

    def drag(self, start: tuple[int, int], end: tuple[int, int]) -> None:
        self.xdotool("mousemove", str(start[0]), str(start[1]), "mousedown", "1")
        # Two steps: a real drag passes through points between, and Tk sees each as a Motion.
        middle = ((start[0] + end[0]) // 2, (start[1] + end[1]) // 2)
        self.xdotool("mousemove", str(middle[0]), str(middle[1]))
        self.xdotool("mousemove", str(end[0]), str(end[1]), "mouseup", "1")

    def finish(self) -> Finished:
        out, err = self.process.communicate(timeout=DEADLINE)
        return Finished(self.process.returncode, out, err)


@contextmanager
def capture(
    desktop: VirtualDesktop,
    home: Path,
    args: Sequence[str],
    *,
    config: Path | None = None,
    extra_env: dict[str, str] | None = None,
    verbose: bool = False,
) -> Iterator[CaptureProcess]:
    """``main.py capture ARGS`` with its own settings folder; killed if the test leaves it running."""
    before = ["--config", str(config)] if config is not None else []
    if verbose:
        before.append("-v")
    process = subprocess.Popen(
        [sys.executable, str(MAIN), *before, "capture", *args],
        env={
            **desktop.env,
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_RUNTIME_DIR": str(home),
            **(extra_env or {}),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield CaptureProcess(desktop, process)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
