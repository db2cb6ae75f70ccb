"""A witness for leaked keys: a small focused Tk window, in its own process, that logs every key it gets.

Issue 17: under a window manager the keys typed "into" the selector went to the window below.
The witness plays that window. Run as ``python -m tests.witness LOG``; each line of LOG is
``focus-in``, ``focus-out``, or ``press KEYSYM`` / ``release KEYSYM``, flushed at once. A test
focuses it the way a person would (``Witness.focus``), marks the log's length before it acts
(``mark``) and reads what came after (``keys_since``).
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import tkinter as tk
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.virtual_desktop import VirtualDesktop, _stop

TITLE = "aiis-witness"
DEADLINE = 15.0
MODIFIERS = frozenset(
    {
        "Shift_L",
        "Shift_R",
        "Control_L",
        "Control_R",
        "Alt_L",
        "Alt_R",
        "Meta_L",
        "Meta_R",
        "Super_L",
        "Super_R",
        "ISO_Level3_Shift",
        "Caps_Lock",
        "Num_Lock",
    }
)
"""What may reach the window below: X11 never consumes bare modifier presses (DESKTOP-TESTING.md)."""


def main(log_path: str) -> None:
    sink = Path(log_path).open("a", encoding="utf-8")  # noqa: SIM115 - open for the process's life
    root = tk.Tk(className="aiis-witness")
    root.title(TITLE)
    root.geometry("240x120+40+60")
    tk.Label(root, text="witness: logs every key").pack(expand=True, fill="both")

    def write(line: str) -> None:
        sink.write(line + "\n")
        sink.flush()

    root.bind_all("<KeyPress>", lambda event: write(f"press {event.keysym}"))
    root.bind_all("<KeyRelease>", lambda event: write(f"release {event.keysym}"))
    root.bind("<FocusIn>", lambda event: write("focus-in") if event.widget is root else None)
    root.bind("<FocusOut>", lambda event: write("focus-out") if event.widget is root else None)
    root.after_idle(lambda: write("ready"))
    root.mainloop()


@dataclass
class Witness:
    desktop: VirtualDesktop
    log: Path
    window: str

    def lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines()

    def mark(self) -> int:
        """The log's length now: ``keys_since`` reads only what comes after it."""
        return len(self.lines())

    def keys_since(self, mark: int = 0, until: int | None = None) -> list[str]:
        return [line for line in self.lines()[mark:until] if line.startswith(("press ", "release "))]

    def leaked_since(self, mark: int = 0, until: int | None = None) -> list[str]:
        """Every key after ``mark`` (before ``until``) that is not a bare modifier: each reached the app below."""
        return [line for line in self.keys_since(mark, until) if line.split(" ", 1)[1] not in MODIFIERS]

    def has_focus(self) -> bool:
        events = [line for line in self.lines() if line in {"focus-in", "focus-out"}]
        return bool(events) and events[-1] == "focus-in"

    def focus(self) -> None:
        """Focus it as a person would: a click under a WM (which then activates it), else XSetInputFocus.

        A bare Xvfb has no one who turns a click into focus, so there it is set directly: the state
        a desktop is in once any client has set the focus, where the keys leaked too (issue 17).
        """
        if self.desktop.wm is not None:
            self.desktop.xdotool("windowactivate", "--sync", self.window)
        else:
            self.desktop.xdotool("windowfocus", "--sync", self.window)
        wait(self.has_focus, "the witness to report focus")


def keyboard_held(display: str) -> bool:
    """Does another client hold the keyboard? Tried as slop would: grab it, and let go at once.

    The sign a test waits for before typing into the selector: painted is not enough, the grab
    follows the map by a few round trips.
    """
    from Xlib import X
    from Xlib import display as xdisplay

    connection = xdisplay.Display(display)
    try:
        root = connection.screen().root
        status = root.grab_keyboard(False, X.GrabModeAsync, X.GrabModeAsync, X.CurrentTime)
        if status == X.GrabSuccess:
            connection.ungrab_keyboard(X.CurrentTime)
            connection.sync()
        return bool(status == X.AlreadyGrabbed)
    finally:
        connection.close()


@contextlib.contextmanager
def keyboard_taken(display: str) -> Iterator[None]:
    """Another client (the test) holding the keyboard, as a screen locker or another tool would."""
    from Xlib import X
    from Xlib import display as xdisplay

    connection = xdisplay.Display(display)
    try:
        status = connection.screen().root.grab_keyboard(False, X.GrabModeAsync, X.GrabModeAsync, X.CurrentTime)
        assert status == X.GrabSuccess, f"the test could not take the keyboard (X status {status})"
        connection.sync()
        yield
    finally:
        connection.ungrab_keyboard(X.CurrentTime)
        connection.close()


def wait(predicate: Callable[[], bool], what: str, timeout: float = DEADLINE) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}"
        time.sleep(0.05)


@contextlib.contextmanager
def witness(desktop: VirtualDesktop, log: Path) -> Iterator[Witness]:
    """The witness window running on ``desktop``, ended by its PID when the block ends."""
    log.write_text("", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.witness", str(log)],
        env=desktop.env,
        cwd=str(Path(__file__).resolve().parents[1]),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait(lambda: "ready" in log.read_text(encoding="utf-8"), "the witness window")
        found = desktop.run("xdotool", "search", "--sync", "--onlyvisible", "--name", f"^{TITLE}$", timeout=DEADLINE)
        shown = Witness(desktop, log, found.stdout.decode().split()[0])
        shown.focus()
        yield shown
    finally:
        _stop(process)


if __name__ == "__main__":
    main(sys.argv[1])
