"""Give one of our windows the keyboard focus as soon as it is on screen, whatever the window manager says.

Issue 17: a window manager's focus-stealing prevention may refuse ``focus_force`` from an app in
the background (the tray is one, always), and the prompt bar must take typing at once. The X
focus is set explicitly (``desktop.keyboard``, python-xlib's ``XSetInputFocus``) once the window
is mapped, then Tk's own focus; on Windows and macOS only Tk's, which works there.
"""

from __future__ import annotations

import logging
import os
import time
import tkinter as tk
from collections.abc import Callable

from core.errors import AppError
from desktop.keyboard.base import KeyboardMethod, system_keyboard

log = logging.getLogger(__name__)

KEY_UP_WAIT_MS = 1000
"""The longest a closing window keeps the keyboard for its closing key or the window it lends it to."""
KEY_UP_POLL_MS = 10


def focus_when_mapped(window: tk.Toplevel, target: tk.Misc) -> None:
    """Focus ``target`` (a widget in ``window``) each time ``window`` is mapped."""

    def mapped(event: tk.Event[tk.Misc]) -> None:
        if event.widget is window:
            take_focus(window, target)

    window.bind("<Map>", mapped, add="+")


def take_focus(window: tk.Toplevel, target: tk.Misc) -> None:
    """The X focus to ``window``'s toplevel now (it must be mapped), then Tk's to ``target``."""
    try:
        keyboard = system_keyboard(os.environ, window.tk.interpaddr())
        try:
            # The toplevel's own window: under a window manager ``wm_frame`` is the WM's frame.
            keyboard.focus(window.winfo_id())
        finally:
            keyboard.close()
    except (AppError, tk.TclError) as error:
        # Tk's focus below may still do; the window stays usable with a click.
        log.info("could not set the X focus explicitly: %s", error)
    target.focus_force()


def has_focus(window: tk.Toplevel) -> bool:
    """``window`` is on screen and Tk's focus is in it: keys typed now go there (a gone window: False)."""
    try:
        if not window.winfo_exists() or not window.winfo_viewable():
            return False
        focus = str(window.tk.call("focus"))
    except tk.TclError:
        return False
    return focus == str(window) or focus.startswith(f"{window}.")


def let_keyboard_go(
    root: tk.Misc,
    keyboard: KeyboardMethod,
    borrower: tk.Toplevel | None = None,
    still_ours: Callable[[], bool] = lambda: True,
) -> None:
    """Release ``keyboard`` once no key is down and ``borrower`` (if any) has the focus, at most 1 s on.

    The selector and the viewer close on a key press: its release must not reach the window below.
    And a window opened next (the prompt bar) is lent the keyboard: released before it has the
    focus, the focus went back below for the 20-100 ms until it took it, and typed keys went there
    (docs/adr/013, addendum). With the focus already on the borrower, nothing is handed back.
    ``still_ours`` False (a new capture took the keyboard since) stops the wait without a release.
    """
    deadline = time.monotonic() + KEY_UP_WAIT_MS / 1000

    def poll() -> None:
        if not still_ours():
            return
        lent_out = borrower is not None and bool(borrower.winfo_exists()) and not has_focus(borrower)
        if (keyboard.keys_down() or lent_out) and time.monotonic() < deadline:
            root.after(KEY_UP_POLL_MS, poll)
            return
        keyboard.release()

    poll()
