"""Windows hotkeys through RegisterHotKey: Windows then delivers the key to us alone (it is consumed).

A hotkey registered without a window belongs to the thread that registered it, and its WM_HOTKEY
messages arrive in that thread's queue. So one thread of ours registers every hotkey, runs a
GetMessage loop and unregisters them before it ends; ``stop`` posts WM_QUIT to it. Windows cannot
say who holds a hotkey that is already registered (ERROR_HOTKEY_ALREADY_REGISTERED), so the
refusal names no holder.

The translation from a hotkey to (MOD_* flags, virtual key) is pure and tested on every OS.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Sequence
from types import MappingProxyType

from core.hotkeys import Hotkey
from desktop.hotkeys.base import PressSink, Refusal, safe_call

log = logging.getLogger(__name__)

MOD_ALT, MOD_CONTROL, MOD_SHIFT, MOD_WIN, MOD_NOREPEAT = 0x1, 0x2, 0x4, 0x8, 0x4000
# AltGr is reported by Windows as Ctrl+Alt.
MODIFIER_FLAGS = MappingProxyType(
    {"alt": MOD_ALT, "ctrl": MOD_CONTROL, "shift": MOD_SHIFT, "cmd": MOD_WIN, "alt_gr": MOD_CONTROL | MOD_ALT}
)
# winuser.h virtual-key codes for pynput's key names.
NAMED_VKS = MappingProxyType(
    {
        "backspace": 0x08,
        "tab": 0x09,
        "enter": 0x0D,
        "pause": 0x13,
        "caps_lock": 0x14,
        "esc": 0x1B,
        "space": 0x20,
        "page_up": 0x21,
        "page_down": 0x22,
        "end": 0x23,
        "home": 0x24,
        "left": 0x25,
        "up": 0x26,
        "right": 0x27,
        "down": 0x28,
        "print_screen": 0x2C,
        "insert": 0x2D,
        "delete": 0x2E,
        "menu": 0x5D,
        "num_lock": 0x90,
        "scroll_lock": 0x91,
        "media_volume_mute": 0xAD,
        "media_volume_down": 0xAE,
        "media_volume_up": 0xAF,
        "media_next": 0xB0,
        "media_previous": 0xB1,
        "media_play_pause": 0xB3,
    }
    | {f"f{number}": 0x70 + number - 1 for number in range(1, 21)}
)
WM_HOTKEY, WM_QUIT = 0x0312, 0x0012
ERROR_HOTKEY_ALREADY_REGISTERED = 1409
READY_TIMEOUT = 3.0
JOIN_TIMEOUT = 0.5
VkForChar = Callable[[str], int | None]


def translate(hotkey: Hotkey, vk_for_char: VkForChar) -> tuple[int, int] | None:
    """(MOD_* flags, virtual key) for RegisterHotKey; None when this keyboard layout has no such key.

    Letters and digits have fixed codes (their upper-case ASCII); other characters depend on the
    layout, so ``vk_for_char`` asks it (VkKeyScanW on Windows). Shift in its answer becomes a flag.
    """
    flags = MOD_NOREPEAT
    for modifier in hotkey.modifiers:
        flags |= MODIFIER_FLAGS[modifier]
    key = hotkey.key
    if key in NAMED_VKS:
        return flags, NAMED_VKS[key]
    if len(key) > 1 and key.isdigit():
        return flags, int(key)
    if key.isascii() and key.isalnum():
        return flags, ord(key.upper())
    scan = vk_for_char(key)
    if scan is None:
        return None
    shift_state = scan >> 8
    if shift_state & 1:
        flags |= MOD_SHIFT
    if shift_state & 2:
        flags |= MOD_CONTROL
    if shift_state & 4:
        flags |= MOD_ALT
    return flags, scan & 0xFF


class WindowsHotkeys:
    """RegisterHotKey on a thread of its own with its own message loop."""

    name = "windows-registerhotkey"
    install_hint = "Windows hotkeys need no extra software; this message means user32.dll could not be loaded."
    consumes = True

    def __init__(self, platform: str = sys.platform) -> None:
        self._platform = platform
        self._thread: threading.Thread | None = None
        self._thread_id = 0

    def fits_this_system(self) -> bool:
        return self._platform == "win32"

    def is_installed(self) -> bool:
        return self.fits_this_system()

    def start(self, hotkeys: Sequence[Hotkey], on_press: PressSink) -> list[Refusal]:
        """Raises ``OSError`` when the hotkey thread cannot run at all (user32 missing, not Windows)."""
        self.stop()
        ready = threading.Event()
        refusals: list[Refusal] = []
        failures: list[str] = []
        thread = threading.Thread(
            target=self._loop,
            args=(tuple(hotkeys), on_press, refusals, ready, failures),
            name="windows-hotkeys",
            daemon=True,
        )
        thread.start()
        if not ready.wait(READY_TIMEOUT):
            log.warning("the Windows hotkey thread did not start within %.0f s", READY_TIMEOUT)
            return [Refusal(index, "unavailable", "the hotkey thread did not start") for index in range(len(hotkeys))]
        if failures:
            thread.join(JOIN_TIMEOUT)
            raise OSError(failures[0])
        self._thread = thread
        return refusals

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        _post_quit(self._thread_id)
        thread.join(JOIN_TIMEOUT)
        if thread.is_alive():
            log.warning("the Windows hotkey thread did not end within %.1f s", JOIN_TIMEOUT)

    def _loop(
        self,
        hotkeys: tuple[Hotkey, ...],
        on_press: PressSink,
        refusals: list[Refusal],
        ready: threading.Event,
        failures: list[str],
    ) -> None:
        # On Windows the native id is GetCurrentThreadId(), what PostThreadMessageW needs.
        self._thread_id = threading.get_native_id()
        try:
            _run_message_loop(hotkeys, on_press, refusals, ready)
        except OSError as error:
            failures.append(str(error))
        finally:
            ready.set()


if sys.platform == "win32":
    import ctypes
    from ctypes import wintypes

    def _user32() -> ctypes.WinDLL:
        user32 = ctypes.WinDLL("user32", use_last_error=True)
        user32.RegisterHotKey.argtypes = [wintypes.HWND, ctypes.c_int, wintypes.UINT, wintypes.UINT]
        user32.RegisterHotKey.restype = wintypes.BOOL
        user32.UnregisterHotKey.argtypes = [wintypes.HWND, ctypes.c_int]
        user32.UnregisterHotKey.restype = wintypes.BOOL
        user32.GetMessageW.argtypes = [ctypes.POINTER(wintypes.MSG), wintypes.HWND, wintypes.UINT, wintypes.UINT]
        user32.GetMessageW.restype = wintypes.BOOL
        user32.PeekMessageW.argtypes = [
            ctypes.POINTER(wintypes.MSG),
            wintypes.HWND,
            wintypes.UINT,
            wintypes.UINT,
            wintypes.UINT,
        ]
        user32.PeekMessageW.restype = wintypes.BOOL
        user32.PostThreadMessageW.argtypes = [wintypes.DWORD, wintypes.UINT, wintypes.WPARAM, wintypes.LPARAM]
        user32.PostThreadMessageW.restype = wintypes.BOOL
        user32.VkKeyScanW.argtypes = [wintypes.WCHAR]
        user32.VkKeyScanW.restype = ctypes.c_short
        return user32

    def _vk_for_char(char: str) -> int | None:
        scan = int(_user32().VkKeyScanW(char))
        return None if scan == -1 else scan & 0xFFFF

    def _run_message_loop(
        hotkeys: tuple[Hotkey, ...], on_press: PressSink, refusals: list[Refusal], ready: threading.Event
    ) -> None:
        user32 = _user32()
        message = wintypes.MSG()
        # PeekMessage creates this thread's message queue, so a WM_QUIT posted from stop() is never lost.
        user32.PeekMessageW(ctypes.byref(message), None, 0, 0, 0)
        registered: list[int] = []
        for index, hotkey in enumerate(hotkeys):
            translated = translate(hotkey, _vk_for_char)
            if translated is None:
                refusals.append(Refusal(index, "no-key", "this keyboard layout has no such key"))
                continue
            flags, vk = translated
            if user32.RegisterHotKey(None, index + 1, flags, vk):
                registered.append(index + 1)
                continue
            code = ctypes.get_last_error()
            if code == ERROR_HOTKEY_ALREADY_REGISTERED:
                refusals.append(Refusal(index, "taken"))
            else:
                refusals.append(Refusal(index, "unavailable", f"Windows error {code}"))
        ready.set()
        try:
            while user32.GetMessageW(ctypes.byref(message), None, 0, 0) > 0:
                if message.message == WM_HOTKEY and 1 <= message.wParam <= len(hotkeys):
                    safe_call(on_press, int(message.wParam) - 1)
        finally:
            for hotkey_id in registered:
                user32.UnregisterHotKey(None, hotkey_id)

    def _post_quit(thread_id: int) -> None:
        if thread_id:
            _user32().PostThreadMessageW(thread_id, WM_QUIT, 0, 0)

else:

    def _run_message_loop(
        hotkeys: tuple[Hotkey, ...], on_press: PressSink, refusals: list[Refusal], ready: threading.Event
    ) -> None:
        raise OSError("RegisterHotKey exists only on Windows")

    def _post_quit(thread_id: int) -> None:
        return None
