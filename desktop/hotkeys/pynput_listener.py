"""Hotkeys heard through pynput's listener: macOS today, and X11 only when pinned (it does not consume).

pynput watches the keyboard (XRecord on X11, an event tap on macOS) but does not take the key
away from the focused application, so on X11 the grab (``x11_grab``) is preferred.

pynput is imported only in ``start``: it raises at import time without a display. Stopping
(DESKTOP-TESTING.md, pitfalls): its X listener blocks inside XRecord and ``listener.stop()`` only
takes effect at the next key event, so ``stop`` sends one harmless XTest press of a keycode that
no key symbol is mapped to, then joins with a timeout. The thread is a daemon either way.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from core.hotkeys import Hotkey
from desktop.hotkeys.base import PressSink, Refusal, safe_call

if TYPE_CHECKING:
    from Xlib.display import Display

log = logging.getLogger(__name__)

STOP_TIMEOUT = 0.5
READY_TIMEOUT = 3.0


class PynputListener:
    """One pynput ``GlobalHotKeys`` listener for all hotkeys."""

    name = "pynput"
    install_hint = "Global hotkeys need the Python package pynput (pip install -r requirements.txt)."
    consumes = False

    def __init__(self, env: Mapping[str, str], platform: str = sys.platform) -> None:
        self._env = dict(env)
        self._platform = platform
        self._listener: Any = None

    def fits_this_system(self) -> bool:
        # On X11 it is the fallback after the grab; on Wayland it would hear only XWayland windows.
        wayland = bool(self._env.get("WAYLAND_DISPLAY")) or self._env.get("XDG_SESSION_TYPE") == "wayland"
        return self._platform == "darwin" or (bool(self._env.get("DISPLAY")) and not wayland)

    def is_installed(self) -> bool:
        try:
            import pynput  # noqa: F401
        except Exception:  # pynput raises plain Exceptions when no backend fits
            return False
        return True

    def start(self, hotkeys: Sequence[Hotkey], on_press: PressSink) -> list[Refusal]:
        """Raises ``OSError`` with the reason when pynput cannot listen on this desktop at all."""
        self.stop()
        try:
            from pynput import keyboard
        except Exception as error:
            raise OSError(str(error)) from None
        refusals: list[Refusal] = []
        callbacks: dict[str, Any] = {}
        for index, hotkey in enumerate(hotkeys):
            text = str(self._for_this_system(hotkey))
            try:
                keyboard.HotKey.parse(text)
            except ValueError as error:
                refusals.append(Refusal(index, "no-key", str(error)))
                continue
            callbacks[text] = _callback(on_press, index)
        if not callbacks:
            return refusals
        missing = _missing_x_extension(self._env)
        if missing:
            raise OSError(missing)
        listener = keyboard.GlobalHotKeys(callbacks)
        listener.start()
        if not _wait_ready(listener):
            listener.stop()
            raise OSError("the listener did not start")
        self._listener = listener
        return refusals

    def _for_this_system(self, hotkey: Hotkey) -> Hotkey:
        # Macs have no Print Screen key: a PC keyboard's sends F13 there, and Apple's extended
        # keyboards have F13 in its place, so the default hotkeys still mean one key on a Mac.
        if self._platform == "darwin" and hotkey.key == "print_screen":
            return Hotkey(hotkey.modifiers, "f13")
        return hotkey

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is None:
            return
        listener.stop()
        # Measured on Xvfb: without the wake-up an idle listener is still alive after a 2 s join;
        # with it the thread ends in about 15 ms.
        _wake_x_listener(self._env)
        listener.join(STOP_TIMEOUT)
        if listener.is_alive():
            log.info("hotkey listener still waiting for a key event; it is a daemon thread and ends with the app")


def _callback(on_press: PressSink, index: int) -> Callable[[], None]:
    return lambda: safe_call(on_press, index)


def _wait_ready(listener: threading.Thread, timeout: float = READY_TIMEOUT) -> bool:
    """Ready or not within ``timeout``: pynput's ``wait()`` blocks forever if its thread died starting."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # ``_ready`` is what pynput's own wait() waits for; there is no public way to poll it.
        if getattr(listener, "_ready", False):
            return True
        if not listener.is_alive():
            return False
        time.sleep(0.01)
    return False


def _open_x(env: Mapping[str, str]) -> Display | None:
    try:
        from Xlib import display
    except ImportError:
        return None
    try:
        return display.Display(env.get("DISPLAY"))
    except Exception:  # not on X: pynput uses another backend
        return None


def _missing_x_extension(env: Mapping[str, str]) -> str:
    """On X11, what pynput needs and the server lacks (it needs RECORD and XTEST); "" elsewhere."""
    connection = _open_x(env)
    if connection is None:
        return ""
    try:
        for extension in ("RECORD", "XTEST"):
            if not connection.has_extension(extension):
                return f"the X server lacks the {extension} extension"
    finally:
        connection.close()
    return ""


def _wake_x_listener(env: Mapping[str, str]) -> None:
    """Send one key event nobody can see as a key (a keycode with no symbol) to end XRecord's wait."""
    connection = _open_x(env)
    if connection is None:
        return
    from Xlib import X
    from Xlib.ext import xtest

    try:
        first = connection.display.info.min_keycode
        last = connection.display.info.max_keycode
        mapping = connection.get_keyboard_mapping(first, last - first + 1)
        unmapped = [first + index for index, syms in enumerate(mapping) if not any(syms)]
        if not unmapped:
            return
        keycode = unmapped[-1]
        xtest.fake_input(connection, X.KeyPress, keycode)
        xtest.fake_input(connection, X.KeyRelease, keycode)
        connection.sync()
    finally:
        connection.close()
