"""A person at a live selector: xdotool input, with Tk pumped in this process until it was seen."""

from __future__ import annotations

import subprocess
import tkinter as tk
from collections.abc import Callable

from tests.overlay.tk_helpers import pump


class Person:
    """xdotool on the display ``env`` names, with Tk pumped until what it did has been seen."""

    def __init__(self, env: dict[str, str], root: tk.Tk) -> None:
        self.env, self.root = env, root

    def do(self, *args: str, until: Callable[[], bool] | None = None) -> None:
        subprocess.run(["xdotool", *args], env=self.env, check=True, timeout=10)
        if until is not None:
            pump(self.root, until, timeout=10)

    def drag(self, start: tuple[int, int], end: tuple[int, int], until: Callable[[], bool]) -> None:
        self.do("mousemove", str(start[0]), str(start[1]))
        self.do("mousedown", "1")
        for step in (0.25, 0.5, 0.75, 1.0):
            x = round(start[0] + (end[0] - start[0]) * step)
            y = round(start[1] + (end[1] - start[1]) * step)
            self.do("mousemove", str(x), str(y))
        self.do("mouseup", "1", until=until)
