"""Hotkey -> (MOD_* flags, virtual key) for RegisterHotKey, checked against winuser.h values on any OS."""

from __future__ import annotations

import pytest

from core.hotkeys import parse_hotkey
from desktop.hotkeys.system import known_methods
from desktop.hotkeys.windows import MOD_ALT, MOD_CONTROL, MOD_NOREPEAT, MOD_SHIFT, MOD_WIN, translate


def no_layout(_char: str) -> int | None:
    raise AssertionError("letters, digits and named keys need no keyboard layout")


@pytest.mark.parametrize(
    ("text", "flags", "vk"),
    [
        ("<ctrl>+<print_screen>", MOD_CONTROL, 0x2C),
        ("<ctrl>+<shift>+<print_screen>", MOD_CONTROL | MOD_SHIFT, 0x2C),
        ("<ctrl>+<shift>+e", MOD_CONTROL | MOD_SHIFT, 0x45),
        ("<alt>+<f9>", MOD_ALT, 0x78),
        ("<cmd>+<shift>+4", MOD_WIN | MOD_SHIFT, 0x34),
        ("<alt_gr>+q", MOD_CONTROL | MOD_ALT, 0x51),
        ("<f20>", 0, 0x83),
        ("<ctrl>+<65>", MOD_CONTROL, 65),
        ("<shift>+<media_play_pause>", MOD_SHIFT, 0xB3),
    ],
)
def test_hotkeys_translate_to_register_hotkey_flags_and_virtual_keys(text: str, flags: int, vk: int) -> None:
    # MOD_NOREPEAT: holding the keys down must not open one overlay per auto-repeat.
    assert translate(parse_hotkey(text), no_layout) == (flags | MOD_NOREPEAT, vk)


def test_a_punctuation_key_asks_the_layout_and_its_shift_state_becomes_flags() -> None:
    # VkKeyScanW answers the virtual key in the low byte and the shift state in the high byte.
    asked: list[str] = []

    def layout(char: str) -> int | None:
        asked.append(char)
        return 0x0100 | 0x31  # '!' is Shift+1 on a US layout

    assert translate(parse_hotkey("<ctrl>+!"), layout) == (MOD_CONTROL | MOD_SHIFT | MOD_NOREPEAT, 0x31)
    assert asked == ["!"]


def test_a_character_the_layout_cannot_type_is_refused() -> None:
    assert translate(parse_hotkey("<ctrl>+§"), lambda _char: None) is None


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        ("win32", {}, "windows-registerhotkey"),
        ("linux", {"DISPLAY": ":0"}, "x11-grab"),
        ("darwin", {}, "pynput"),
        ("linux", {"DISPLAY": ":0", "AIIS_HOTKEYS": "pynput"}, "pynput"),
        ("linux", {"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, None),
        ("linux", {}, None),
    ],
)
def test_each_system_gets_the_method_that_fits_it(platform: str, env: dict[str, str], expected: str | None) -> None:
    fitting = [method.name for method in known_methods(env, platform) if method.fits_this_system()]
    assert (fitting[0] if fitting else None) == expected


def test_when_the_hotkey_thread_cannot_run_start_raises_at_once_and_leaves_no_thread() -> None:
    import threading
    import time

    from desktop.hotkeys.windows import WindowsHotkeys

    # Off Windows the message loop cannot run: the same path as a user32 that fails to load.
    method = WindowsHotkeys(platform="win32")
    before = set(threading.enumerate())
    began = time.monotonic()

    with pytest.raises(OSError, match="RegisterHotKey exists only on Windows"):
        method.start([parse_hotkey("<ctrl>+<print_screen>")], lambda _index: None)

    assert time.monotonic() - began < 1.0
    assert not [thread for thread in set(threading.enumerate()) - before if thread.is_alive()]
