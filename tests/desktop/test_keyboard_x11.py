"""The X11 keyboard method opens its connections at ``warm_up``, so the first capture opens none.

GIVEN the session's Xvfb and a Tk root, WHEN ``X11Keyboard.warm_up`` runs and then ``take`` grabs
the keyboard on a mapped window, THEN ``take`` opened no new socket (the first hotkey pays no X
connection setup: issue 14), the grab holds (another client's grab is refused) and ``release``
lets it go.
"""

from __future__ import annotations

import os
import tkinter as tk
from pathlib import Path

import pytest
from Xlib import X
from Xlib import display as xdisplay

from desktop.keyboard.x11 import X11Keyboard
from tests.overlay.tk_helpers import pump, root

__all__ = ["root"]

pytestmark = pytest.mark.desktop


def open_sockets() -> int:
    count = 0
    for fd in Path("/proc/self/fd").iterdir():
        try:
            count += str(fd.readlink()).startswith("socket:")
        except FileNotFoundError:  # the directory's own fd, closed by the time it is read
            continue
    return count


def grab_status(display_name: str) -> int:
    """What another client gets when it asks for the keyboard now."""
    other = xdisplay.Display(display_name)
    try:
        status = int(other.screen().root.grab_keyboard(True, X.GrabModeAsync, X.GrabModeAsync, X.CurrentTime))
        other.ungrab_keyboard(X.CurrentTime)
        other.sync()
        return status
    finally:
        other.close()


def test_warm_up_opens_the_connections_so_take_opens_none(root: tk.Tk) -> None:
    window = tk.Toplevel(root)
    window.geometry("200x100+10+10")
    pump(root, window.winfo_viewable)
    keyboard = X11Keyboard(os.environ, root.tk.interpaddr())
    before_warm_up = open_sockets()
    keyboard.warm_up()
    warmed = open_sockets()
    keyboard.take(window.winfo_id())
    after_take = open_sockets()
    held = grab_status(os.environ["DISPLAY"])
    keyboard.release()
    free = grab_status(os.environ["DISPLAY"])
    keyboard.close()
    window.destroy()
    assert warmed == before_warm_up + 1
    assert after_take == warmed
    assert held == X.AlreadyGrabbed
    assert free == X.GrabSuccess
