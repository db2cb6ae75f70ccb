"""X11: ``XGrabKeyboard`` while the selector is up, and ``XSetInputFocus`` for our windows.

A keyboard-only grab, made on Tk's own X connection (``tk_display``): pointer drags still reach
the overlay window of whichever monitor the pointer is on, and no other client sees a key; every
key goes to the grab window, whoever has the X focus. The grab window is the focused overlay
window itself: a grab elsewhere (the root, as slop does) sends our window a FocusOut with mode
NotifyGrab, and in our runs Tk then lost keys. The selector closes on a key *press*, and X ends a
grab when its window is unmapped, so ``hold`` moves the grab to the root just before the windows
close, kept until that key is up (``keys_down``): its release must not reach the window below
either. Like slop we retry while another client holds the keyboard, e.g. a hotkey's passive
grab, active until the hotkey is released.

The focus is set with python-xlib, a client of its own (the focus is the server's, whoever sets
it): Tk's ``focus_force`` does not call ``XSetInputFocus`` for an override-redirect window, and
a window manager's focus-stealing prevention may ignore a managed window's own request. Errors
(a window already gone) are caught on that connection instead of reaching Tk's error handler.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
import time
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from core.errors import CaptureError
from desktop.keyboard.tk_display import TkDisplay

if TYPE_CHECKING:
    from Xlib.display import Display
    from Xlib.xobject.drawable import Window

log = logging.getLogger(__name__)

GRAB_WAIT = 1.0
"""Seconds to keep asking while another client holds the keyboard (slop: 5 x 100 ms)."""
RETRY_EVERY = 0.005
"""Short: right after the hotkey its own passive grab is still on until the key is up, and the
server-drawn overlay (ADR 034) is ready within that; 50 ms here was most of hotkey -> painted."""
# X.AlreadyGrabbed and X.GrabFrozen are worth another try; X.GrabInvalidTime is not.
RETRYABLE = frozenset({1, 4})
REASONS = MappingProxyType(
    {
        1: "another program is holding the keyboard",
        2: "the X server refused the grab (invalid time)",
        3: "the selector window was not on screen",
        4: "the keyboard is frozen by another program's grab",
    }
)


class X11Keyboard:
    name = "x11"
    install_hint = "Install python-xlib (pip install python-xlib)."

    def __init__(self, env: Mapping[str, str], tcl_interp: int) -> None:
        self._display_name = env.get("DISPLAY", "")
        self._tcl_interp = tcl_interp
        self._tk: TkDisplay | None = None
        self._connection: Display | None = None
        self._grabbed = False
        self._previous: Window | None = None
        self._ours: set[int] = set()
        self._modifiers: frozenset[int] = frozenset()

    def fits_this_system(self) -> bool:
        return bool(self._display_name) and sys.platform not in {"win32", "darwin"}

    def is_installed(self) -> bool:
        return importlib.util.find_spec("Xlib") is not None

    def _display(self) -> Display:
        if self._connection is None:
            from Xlib import display as xdisplay
            from Xlib import error as xerror

            try:
                self._connection = xdisplay.Display(self._display_name)
            except (xerror.DisplayError, OSError) as error:
                raise CaptureError(f"The selector cannot reach the X display {self._display_name} ({error}).") from None
        return self._connection

    def _tk_display(self) -> TkDisplay:
        if self._tk is None:
            try:
                self._tk = TkDisplay(self._tcl_interp)
            except (OSError, AttributeError) as error:
                raise CaptureError(f"The selector cannot take the keyboard here ({error}).") from None
        return self._tk

    def warm_up(self) -> None:
        """Both connections and one round trip on each, before the first hotkey (issue 14).

        The first ``take`` opened python-xlib's connection (its setup and extension queries) and
        loaded libX11 for Tk's: 10-50 ms of the first 4K hotkey, which the bench counted against
        the first-hotkey target (within 1.5x of the later ones). python-xlib is already imported
        by the hotkey listener, so this costs a socket, not memory.
        """
        conn = self._display()
        self._tk_display()
        conn.get_input_focus()

    def take(self, window: int) -> None:
        conn = self._display()
        grabber = self._tk_display()
        if not self._grabbed:
            focus = conn.get_input_focus().focus
            # PointerRoot and None come back as plain ints: nothing to hand back to then.
            self._previous = None if isinstance(focus, int) or focus.id in self._ours else focus
        self._modifiers = frozenset(code for codes in conn.get_modifier_mapping() for code in codes if code)
        # The focus first: Tk takes it from a plain FocusIn, not one sent while a grab is active.
        self.focus(window)
        deadline = time.monotonic() + GRAB_WAIT
        attempts = 0
        while True:
            attempts += 1
            status = grabber.grab_keyboard(window)
            if status == 0:
                break
            if status not in RETRYABLE or time.monotonic() >= deadline:
                reason = REASONS.get(status, f"X status {status}")
                log.warning("keyboard grab failed after %d attempts: %s", attempts, reason)
                self._hand_back()
                raise CaptureError(
                    f"The selector could not take the keyboard: {reason}. Close the program that holds it "
                    "(another screenshot tool, a menu left open) and try again."
                )
            time.sleep(RETRY_EVERY)
        self._grabbed = True
        log.debug("keyboard grabbed after %d attempt(s)", attempts)

    def focus(self, window: int) -> None:
        from Xlib import X
        from Xlib.error import CatchError

        conn = self._display()
        self._ours.add(window)
        caught = CatchError()
        conn.create_resource_object("window", window).set_input_focus(X.RevertToParent, X.CurrentTime, onerror=caught)
        conn.sync()
        if caught.get_error() is not None:
            log.debug("focus on window %#x refused: %s", window, caught.get_error())

    def hold(self) -> None:
        if self._grabbed and self._tk is not None and self._connection is not None:
            self._tk.grab_keyboard(self._connection.screen().root.id)

    def keys_down(self) -> bool:
        """Is any key other than a modifier held now (the one that closed the selector, say)?"""
        if not self._grabbed or self._connection is None:
            return False
        pressed = self._connection.query_keymap()
        return any(
            byte >> bit & 1 and index * 8 + bit not in self._modifiers
            for index, byte in enumerate(pressed)
            for bit in range(8)
        )

    def release(self) -> None:
        if not self._grabbed:
            return
        self._grabbed = False
        if self._tk is not None:
            self._tk.ungrab_keyboard()
        self._hand_back()

    def _hand_back(self) -> None:
        """The focus back to the window the person was in.

        Unless one of our windows took it since (the prompt bar); if that window is gone, X's own
        revert stands.
        """
        previous, self._previous = self._previous, None
        if previous is None or self._connection is None:
            return
        from Xlib import X
        from Xlib.error import CatchError

        now = self._connection.get_input_focus().focus
        if not isinstance(now, int) and now.id not in self._ours and now.id != self._connection.screen().root.id:
            return
        caught = CatchError()
        previous.set_input_focus(X.RevertToParent, X.CurrentTime, onerror=caught)
        self._connection.sync()

    def close(self) -> None:
        self.release()
        if self._connection is not None:
            self._connection.close()
            self._connection = None
