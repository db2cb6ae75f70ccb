"""Global hotkeys from the settings: capture, edit clipboard image, and one per preset that names one.

pynput is imported only in ``start``: it raises at import time without a display. A hotkey that
is invalid or that pynput refuses is reported in plain words and left out; the others still work.
The listener thread only calls ``on_hotkey``, which posts to the Tk queue.

Stopping (DESKTOP-TESTING.md, pitfalls): pynput's X listener blocks inside XRecord and
``listener.stop()`` only takes effect when the next key event arrives. So ``stop`` asks it to
stop, then sends one harmless synthetic event (an XTest press and release of a keycode that no
key symbol is mapped to) to wake it, and joins with a timeout. The listener thread is a daemon,
so even if the wake-up fails it can never keep the app from exiting.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal

from core.hotkeys import parse_hotkey

if TYPE_CHECKING:
    from core.config import Config

log = logging.getLogger(__name__)

HotkeyAction = Literal["capture", "clipboard", "preset"]
STOP_TIMEOUT = 0.5
READY_TIMEOUT = 3.0


@dataclass(frozen=True)
class HotkeyBinding:
    """One hotkey and what it does. ``source`` names the setting, for messages."""

    hotkey: str
    action: HotkeyAction
    preset: str | None = None
    source: str = ""


HotkeySink = Callable[[HotkeyBinding], None]


def bindings_from_config(config: Config) -> tuple[HotkeyBinding, ...]:
    """Every hotkey the settings name, in menu order; unset ones are left out."""
    bindings: list[HotkeyBinding] = []
    if config.hotkeys.capture:
        bindings.append(HotkeyBinding(config.hotkeys.capture, "capture", None, "hotkeys.capture"))
    if config.hotkeys.clipboard:
        bindings.append(HotkeyBinding(config.hotkeys.clipboard, "clipboard", None, "hotkeys.clipboard"))
    for index, preset in enumerate(config.presets):
        if preset.hotkey:
            bindings.append(HotkeyBinding(preset.hotkey, "preset", preset.name, f"presets[{index}].hotkey"))
    return tuple(bindings)


def _describe(binding: HotkeyBinding) -> str:
    what = f"preset '{binding.preset}'" if binding.action == "preset" else binding.action
    where = f" ({binding.source})" if binding.source else ""
    return f"The hotkey '{binding.hotkey}' for {what}{where}"


class GlobalHotkeys:
    """One pynput listener for all bindings; ``start`` again to apply new settings."""

    def __init__(self, on_hotkey: HotkeySink) -> None:
        self._on_hotkey = on_hotkey
        self._listener: Any = None
        self._active: tuple[HotkeyBinding, ...] = ()
        self._lock = threading.Lock()

    @property
    def active(self) -> tuple[HotkeyBinding, ...]:
        return self._active

    def start(self, bindings: Sequence[HotkeyBinding]) -> list[str]:
        """Listen for ``bindings``; returns the problems (one sentence each), empty if all work."""
        self.stop()
        problems: list[str] = []
        usable: dict[str, HotkeyBinding] = {}
        try:
            from pynput import keyboard
        except Exception as error:  # pynput raises plain Exceptions when no backend fits
            return [f"Global hotkeys are not available on this desktop ({error}); use the tray menu instead."]
        for binding in bindings:
            problem = self._check(binding, usable, keyboard)
            if problem:
                problems.append(problem)
            else:
                usable[str(parse_hotkey(binding.hotkey))] = binding
        if not usable:
            return problems
        missing = _missing_x_extension()
        if missing:
            problems.append(f"Global hotkeys cannot work on this desktop: {missing}. Use the tray menu instead.")
            return problems
        callbacks = {hotkey: self._callback(binding) for hotkey, binding in usable.items()}
        try:
            listener = keyboard.GlobalHotKeys(callbacks)
            listener.start()
        except Exception as error:
            log.warning("hotkey listener failed to start: %s", error)
            problems.append(f"Global hotkeys could not be set up on this desktop ({error}); use the tray menu.")
            return problems
        if not _wait_ready(listener):
            listener.stop()
            problems.append("Global hotkeys could not be set up on this desktop (the listener did not start).")
            return problems
        with self._lock:
            self._listener = listener
            self._active = tuple(usable.values())
        log.info("listening for %d hotkey(s)", len(usable))
        for problem in problems:
            log.warning("%s", problem)
        return problems

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Stop listening; returns within about ``timeout`` seconds whatever the X server does."""
        with self._lock:
            listener, self._listener, self._active = self._listener, None, ()
        if listener is None:
            return
        listener.stop()
        # Measured on Xvfb: without the wake-up an idle listener is still alive after a 2 s join;
        # with it the thread ends in about 15 ms.
        _wake_x_listener()
        listener.join(timeout)
        if listener.is_alive():
            log.info("hotkey listener still waiting for a key event; it is a daemon thread and ends with the app")

    def _check(self, binding: HotkeyBinding, usable: dict[str, HotkeyBinding], keyboard: ModuleType) -> str | None:
        try:
            canonical = str(parse_hotkey(binding.hotkey))
            keyboard.HotKey.parse(canonical)
        except ValueError as error:
            detail = str(error).removeprefix(f"'{binding.hotkey}' ")
            return f"{_describe(binding)} does not work: {detail}."
        if canonical in usable:
            return f"{_describe(binding)} is already used by {_describe(usable[canonical]).lower()}; it was left out."
        return None

    def _callback(self, binding: HotkeyBinding) -> Callable[[], None]:
        def fire() -> None:
            log.debug("hotkey %s pressed", binding.hotkey)
            try:
                self._on_hotkey(binding)
            except Exception:
                # A failing sink must not kill the listener thread: the other hotkeys keep working.
                log.exception("hotkey handler failed")

        return fire


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


def _missing_x_extension() -> str:
    """On X11, what pynput needs and the server lacks (it needs RECORD and XTEST); "" elsewhere."""
    try:
        from Xlib import display
    except ImportError:
        return ""
    try:
        connection = display.Display()
    except Exception:  # not on X: pynput uses another backend
        return ""
    try:
        for extension in ("RECORD", "XTEST"):
            if not connection.has_extension(extension):
                return f"the X server lacks the {extension} extension"
    finally:
        connection.close()
    return ""


def _wake_x_listener() -> None:
    """Send one key event nobody can see as a key (a keycode with no symbol) to end XRecord's wait."""
    try:
        from Xlib import X, display
        from Xlib.ext import xtest
    except ImportError:
        return
    try:
        connection = display.Display()
    except Exception:  # not on X (Windows, macOS, Wayland without XWayland): nothing to wake
        return
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
