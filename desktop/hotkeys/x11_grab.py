"""X11 hotkeys by passive grabs on the root window (XGrabKey): the focused window never gets the key.

An XRecord listener (pynput) only watches, so the focused application received the hotkey too
(issue 17: Ctrl+Shift+E typed ^E into a terminal). A passive grab makes the server deliver the
key to us alone (docs/adr/016-hotkeys-by-x11-grab.md). The server matches a grab's modifiers
exactly, so each hotkey is grabbed once for every combination of CapsLock, NumLock and
ScrollLock, or it would stop working while NumLock is on.

One Display connection of our own; ``start`` grabs on the caller's thread (so refusals come back
at once), then a reader thread owns the connection until ``stop``. It waits in ``select`` on the
connection and a wake-up pipe, so ``stop`` ends it in milliseconds. A keyboard-layout change
(MappingNotify) moves keys to other keycodes: the reader then grabs everything again.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import select
import sys
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from core.hotkeys import Hotkey
from desktop.hotkeys.base import PressSink, Refusal, safe_call
from desktop.hotkeys.keysyms import keysym_for

if TYPE_CHECKING:
    from Xlib.display import Display
    from Xlib.protocol.rq import Event

log = logging.getLogger(__name__)

SHIFT, LOCK, CONTROL = 1, 2, 4
MOD_BITS = (8, 16, 32, 64, 128)  # Mod1..Mod5
KEY_PRESS, KEY_RELEASE, MAPPING_NOTIFY, MAPPING_KEYBOARD = 2, 3, 34, 1
ANY_MODIFIER = 1 << 15
# keysymdef.h: which keys the modifier map names for each modifier we need.
ALT_KEYSYMS = frozenset({0xFFE9, 0xFFEA, 0xFFE7, 0xFFE8})  # Alt_L/R, Meta_L/R
SUPER_KEYSYMS = frozenset({0xFFEB, 0xFFEC})
ALT_GR_KEYSYMS = frozenset({0xFE03, 0xFF7E})  # ISO_Level3_Shift, Mode_switch
NUM_LOCK, SCROLL_LOCK = 0xFF7F, 0xFF14
JOIN_TIMEOUT = 0.5
FIXED_MODIFIERS = 3  # Shift, Lock and Control have fixed bits; Mod1..Mod5 vary by keyboard


class X11KeyGrab:
    """Hotkeys through XGrabKey; fits an X11 session (not XWayland, where X grabs see only X windows)."""

    name = "x11-grab"
    install_hint = "X11 hotkeys need python-xlib (pip install python-xlib)."
    consumes = True

    def __init__(self, env: Mapping[str, str], platform: str = sys.platform) -> None:
        self._env = dict(env)
        self._platform = platform
        self._display: Display | None = None
        self._thread: threading.Thread | None = None
        self._wake: tuple[int, int] | None = None
        self._hotkeys: tuple[Hotkey, ...] = ()
        self._on_press: PressSink = lambda _index: None
        self._grabbed: dict[tuple[int, int], int] = {}
        self._ignored = LOCK
        self._released: dict[int, int] = {}

    def fits_this_system(self) -> bool:
        wayland = bool(self._env.get("WAYLAND_DISPLAY")) or self._env.get("XDG_SESSION_TYPE") == "wayland"
        unix = self._platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))
        return unix and bool(self._env.get("DISPLAY")) and not wayland

    def is_installed(self) -> bool:
        try:
            import Xlib.display  # noqa: F401
        except ImportError:
            return False
        return True

    def start(self, hotkeys: Sequence[Hotkey], on_press: PressSink) -> list[Refusal]:
        """Grab ``hotkeys``; the refused ones come back. Raises ``OSError`` if X cannot be reached."""
        self.stop()
        from Xlib import display, error

        try:
            connection = display.Display(self._env.get("DISPLAY"))
        except (error.DisplayError, error.ConnectionClosedError) as failure:
            raise OSError(f"the X display {self._env.get('DISPLAY')} cannot be reached ({failure})") from None
        self._display = connection
        self._hotkeys = tuple(hotkeys)
        self._on_press = on_press
        refusals = self._grab_all(connection)
        self._wake = os.pipe()
        self._thread = threading.Thread(
            target=self._read, args=(connection, self._wake[0]), name="x11-hotkeys", daemon=True
        )
        self._thread.start()
        return refusals

    def stop(self) -> None:
        thread, wake, self._thread, self._wake = self._thread, self._wake, None, None
        if thread is not None and wake is not None:
            os.write(wake[1], b"!")
            thread.join(JOIN_TIMEOUT)
            if thread.is_alive():
                log.warning("the X11 hotkey thread did not end within %.1f s", JOIN_TIMEOUT)
        if wake is not None:
            for fd in wake:
                os.close(fd)
        connection, self._display = self._display, None
        if connection is not None:
            # Closing the connection releases every grab it holds (the server does it).
            with contextlib.suppress(Exception):
                connection.close()
        self._grabbed = {}

    def _grab_all(self, connection: Display) -> list[Refusal]:
        from Xlib import X, error

        root = connection.screen().root
        # AnyModifier: the old grabs' lock variants go too (the lock bits may have moved as well).
        for keycode in {keycode for keycode, _mask in self._grabbed}:
            root.ungrab_key(keycode, ANY_MODIFIER)
        self._grabbed = {}
        bits = _modifier_bits(connection)
        self._ignored = LOCK | bits.get("num_lock", 0) | bits.get("scroll_lock", 0)
        variants = _lock_variants(self._ignored)
        refusals: list[Refusal] = []
        for index, hotkey in enumerate(self._hotkeys):
            target = _keycode_and_mask(connection, hotkey, bits)
            if target is None:
                refusals.append(Refusal(index, "no-key", "this keyboard layout has no such key"))
                continue
            keycode, mask = target
            if (keycode, mask) in self._grabbed:
                refusals.append(Refusal(index, "taken", "", "another hotkey of this app"))
                continue
            catch = error.CatchError(error.BadAccess)
            for variant in variants:
                root.grab_key(keycode, mask | variant, False, X.GrabModeAsync, X.GrabModeAsync, onerror=catch)
            # Errors arrive asynchronously: sync once per hotkey so each refusal is its own.
            connection.sync()
            if catch.get_error() is not None:
                for variant in variants:
                    root.ungrab_key(keycode, mask | variant)
                refusals.append(Refusal(index, "taken", "", ""))
                continue
            self._grabbed[(keycode, mask)] = index
        connection.sync()
        log.info("grabbed %d of %d hotkey(s) on the X root window", len(self._grabbed), len(self._hotkeys))
        return refusals

    def _read(self, connection: Display, wake: int) -> None:
        from Xlib import error

        try:
            while True:
                remap = False
                while connection.pending_events():
                    remap |= self._handle(connection, connection.next_event())
                if remap:
                    self._regrab(connection)
                readable, _, _ = select.select([connection.fileno(), wake], [], [])
                if wake in readable:
                    return
        except (error.ConnectionClosedError, OSError) as failure:
            log.warning("the X11 hotkey connection ended: %s", failure)

    def _handle(self, connection: Display, event: Event) -> bool:
        """Fire a pressed hotkey; True when the keyboard mapping changed."""
        if event.type == KEY_RELEASE:
            self._released[event.detail] = event.time
            return False
        if event.type == KEY_PRESS:
            # Held down, the key auto-repeats as release+press pairs with one timestamp: one press
            # is one capture, as MOD_NOREPEAT gives on Windows.
            if self._released.get(event.detail) == event.time:
                return False
            relevant = event.state & ~self._ignored & (SHIFT | CONTROL | sum(MOD_BITS))
            index = self._grabbed.get((event.detail, relevant))
            if index is not None:
                log.debug("hotkey %s pressed", self._hotkeys[index])
                safe_call(self._on_press, index)
            return False
        if event.type == MAPPING_NOTIFY:
            if event.request == MAPPING_KEYBOARD:
                connection.refresh_keyboard_mapping(event)
            return True
        return False

    def _regrab(self, connection: Display) -> None:
        refusals = self._grab_all(connection)
        log.info(
            "keyboard mapping changed: grabbed the hotkeys again (%d of %d)", len(self._grabbed), len(self._hotkeys)
        )
        for refusal in refusals:
            log.warning(
                "hotkey %s could not be grabbed after the change (%s)", self._hotkeys[refusal.index], refusal.reason
            )


def _modifier_bits(connection: Display) -> dict[str, int]:
    """Which ModN bit each modifier sits on in this keyboard's modifier map (Alt is usually Mod1)."""
    found: dict[str, int] = {}
    for index, keycodes in enumerate(connection.get_modifier_mapping()):
        if index < FIXED_MODIFIERS:
            continue
        bit = 1 << index
        syms = {connection.keycode_to_keysym(code, column) for code in keycodes if code for column in range(4)}
        for name, wanted in (("alt", ALT_KEYSYMS), ("cmd", SUPER_KEYSYMS), ("alt_gr", ALT_GR_KEYSYMS)):
            if syms & wanted:
                found.setdefault(name, bit)
        if NUM_LOCK in syms:
            found.setdefault("num_lock", bit)
        if SCROLL_LOCK in syms:
            found.setdefault("scroll_lock", bit)
    return found


def _lock_variants(ignored: int) -> tuple[int, ...]:
    """Every combination of the lock bits in ``ignored``, 0 included."""
    bits = [1 << n for n in range(8) if ignored & (1 << n)]
    combos = itertools.chain.from_iterable(itertools.combinations(bits, size) for size in range(len(bits) + 1))
    return tuple(sum(combo) for combo in combos)


def _keycode_and_mask(connection: Display, hotkey: Hotkey, bits: Mapping[str, int]) -> tuple[int, int] | None:
    defaults = {"ctrl": CONTROL, "shift": SHIFT, "alt": MOD_BITS[0], "cmd": MOD_BITS[3], "alt_gr": MOD_BITS[4]}
    mask = 0
    for modifier in hotkey.modifiers:
        mask |= bits.get(modifier, defaults[modifier])
    keysym = keysym_for(hotkey.key)
    keycode = connection.keysym_to_keycode(keysym)
    if not keycode:
        return None
    # A symbol on the shifted level of its key (``!`` on 1) is typed with Shift held.
    if connection.keycode_to_keysym(keycode, 0) != keysym and connection.keycode_to_keysym(keycode, 1) == keysym:
        mask |= SHIFT
    return keycode, mask
