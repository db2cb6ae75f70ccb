"""Hotkeys are consumed on X11: under openbox, a focused witness window never receives them (issue 17).

Real Xvfb, real openbox, real ``xdotool key`` (XTest input, as a keyboard makes). Every "nothing
arrived" is proved by a sign: a plain key typed afterwards reaches the witness, and the witness
logged nothing but modifiers before it.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator

import pytest

from tests.desktop import VirtualDesktop, virtual_desktop
from tests.tray.hotkey_witness import MODIFIER_KEYSYMS
from tests.tray.witness_desktop import WAIT, Lines, child, end, start_openbox
from tray.hotkeys import GlobalHotkeys, HotkeyBinding

CAPTURE = HotkeyBinding("<ctrl>+<print_screen>", "capture", None, "hotkeys.capture")
CLIPBOARD = HotkeyBinding("<ctrl>+<shift>+<print_screen>", "clipboard", None, "hotkeys.clipboard")

pytestmark = pytest.mark.desktop


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    with virtual_desktop(640, 480) as desk, pytest.MonkeyPatch.context() as patch:
        patch.setenv("DISPLAY", desk.display)
        patch.delenv("WAYLAND_DISPLAY", raising=False)
        patch.delenv("AIIS_HOTKEYS", raising=False)
        start_openbox(desk)
        yield desk


@pytest.fixture
def witness(desktop: VirtualDesktop) -> Iterator[Lines]:
    lines = child(desktop, "witness")
    lines.until("focused")
    yield lines
    end(lines)


@pytest.fixture
def pressed() -> queue.Queue[HotkeyBinding]:
    return queue.Queue()


@pytest.fixture
def hotkeys(desktop: VirtualDesktop, pressed: queue.Queue[HotkeyBinding]) -> Iterator[GlobalHotkeys]:
    service = GlobalHotkeys(pressed.put)
    yield service
    service.stop()


def leaked(witness: Lines, desktop: VirtualDesktop) -> list[str]:
    """Type a plain key and return what the witness got before it, modifiers left out."""
    # Space, not a letter: with CapsLock on a letter arrives as its capital.
    desktop.run("xdotool", "key", "space")
    return [key for key in witness.until("space") if key not in MODIFIER_KEYSYMS]


@pytest.mark.parametrize("lock", [None, "Num_Lock", "Caps_Lock"])
def test_the_hotkey_fires_and_the_focused_window_never_receives_it(
    desktop: VirtualDesktop,
    witness: Lines,
    hotkeys: GlobalHotkeys,
    pressed: queue.Queue[HotkeyBinding],
    lock: str | None,
) -> None:
    assert hotkeys.start([CAPTURE, CLIPBOARD]) == []
    if lock:
        desktop.run("xdotool", "key", lock)
    try:
        desktop.run("xdotool", "key", "ctrl+Print")
        assert pressed.get(timeout=WAIT) == CAPTURE
        desktop.run("xdotool", "key", "ctrl+shift+Print")
        assert pressed.get(timeout=WAIT) == CLIPBOARD

        assert leaked(witness, desktop) == []
    finally:
        if lock:
            desktop.run("xdotool", "key", lock)


def test_a_hotkey_another_program_holds_is_named_and_the_others_still_fire(
    desktop: VirtualDesktop, witness: Lines, hotkeys: GlobalHotkeys, pressed: queue.Queue[HotkeyBinding]
) -> None:
    # GIVEN another X client holding Ctrl+Print (keycode 107 is Print in Xvfb's keymap; 4 = Control)
    holder = child(desktop, "holder", "107", "4")
    assert holder.next() == "held"
    try:
        # WHEN the app takes its hotkeys
        problems = hotkeys.start([CAPTURE, CLIPBOARD])

        # THEN the taken one is named in plain words, and the other one works and is consumed
        assert problems == [
            "Ctrl+Print Screen (hotkeys.capture) is already taken by another program; "
            "choose another under hotkeys: in the settings file."
        ]
        assert hotkeys.active == (CLIPBOARD,)
        desktop.run("xdotool", "key", "ctrl+shift+Print")
        assert pressed.get(timeout=WAIT) == CLIPBOARD
        assert leaked(witness, desktop) == []
    finally:
        end(holder)


def test_after_a_keyboard_mapping_change_the_hotkeys_are_grabbed_again(
    desktop: VirtualDesktop,
    witness: Lines,
    hotkeys: GlobalHotkeys,
    pressed: queue.Queue[HotkeyBinding],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # GIVEN a hotkey on F13, a key this keymap does not have yet
    f13 = HotkeyBinding("<ctrl>+<f13>", "preset", "sketch", "presets[3].hotkey")
    caplog.set_level(logging.INFO, logger="desktop.hotkeys.x11_grab")
    problems = hotkeys.start([CAPTURE, f13])
    assert problems == [
        "The hotkey '<ctrl>+<f13>' for preset 'sketch' (presets[3].hotkey) does not work: "
        "this keyboard layout has no such key."
    ]

    # WHEN the layout changes and puts F13 on a free keycode (one ChangeKeyboardMapping: one MappingNotify)
    _map_keysym(desktop, keycode=93, keysym=0xFFCA)
    _wait_for_log(caplog, "grabbed the hotkeys again")

    # THEN the new key is grabbed and consumed, and the old hotkey still works
    desktop.run("xdotool", "key", "ctrl+F13")
    assert pressed.get(timeout=WAIT) == f13
    desktop.run("xdotool", "key", "ctrl+Print")
    assert pressed.get(timeout=WAIT) == CAPTURE
    assert leaked(witness, desktop) == []


def test_when_a_layout_change_moves_a_key_its_old_keycode_is_released_with_every_lock_variant(
    desktop: VirtualDesktop,
    hotkeys: GlobalHotkeys,
    pressed: queue.Queue[HotkeyBinding],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # GIVEN Ctrl+Shift+Z grabbed on Z's keycode (52 in Xvfb's keymap), with NumLock/CapsLock variants
    redo = HotkeyBinding("<ctrl>+<shift>+z", "preset", "redo", "presets[3].hotkey")
    caplog.set_level(logging.INFO, logger="desktop.hotkeys.x11_grab")
    assert hotkeys.start([redo]) == []
    old, new = 52, 93
    before = _keysyms(desktop, old, new)
    try:
        # WHEN one mapping change moves z from keycode 52 to the free keycode 93
        _remap(desktop, old, {old: (0, 0, 0, 0), new: before[old]})
        _wait_for_log(caplog, "grabbed the hotkeys again")

        # THEN the hotkey fires on the new key, and every variant of the old one is free again
        desktop.run("xdotool", "key", "ctrl+shift+z")
        assert pressed.get(timeout=WAIT) == redo
        holder = child(desktop, "holder", str(old), "5")
        try:
            assert holder.next() == "held", "a lock variant of the old keycode is still grabbed"
        finally:
            end(holder)
    finally:
        caplog.clear()
        _remap(desktop, old, before)
        _wait_for_log(caplog, "grabbed the hotkeys again")


def test_with_scroll_lock_on_a_modifier_the_hotkey_still_fires_and_is_consumed(
    desktop: VirtualDesktop,
    witness: Lines,
    hotkeys: GlobalHotkeys,
    pressed: queue.Queue[HotkeyBinding],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # GIVEN the grab taken, then Scroll_Lock (keycode 78) put on the free Mod3, as some keymaps do
    caplog.set_level(logging.INFO, logger="desktop.hotkeys.x11_grab")
    assert hotkeys.start([CAPTURE]) == []
    before = _modifiers(desktop)
    _set_modifiers(desktop, [*before[:5], [78, 0, 0, 0], *before[6:]])
    _wait_for_log(caplog, "grabbed the hotkeys again")
    desktop.run("xdotool", "key", "Scroll_Lock")
    try:
        # WHEN the hotkey is pressed with ScrollLock on
        desktop.run("xdotool", "key", "ctrl+Print")

        # THEN it fires, and the witness got nothing but modifiers and lock keys
        assert pressed.get(timeout=WAIT) == CAPTURE
        assert leaked(witness, desktop) == []
    finally:
        desktop.run("xdotool", "key", "Scroll_Lock")
        caplog.clear()
        _set_modifiers(desktop, before)
        _wait_for_log(caplog, "grabbed the hotkeys again")


def test_stop_returns_at_once_leaves_no_thread_and_releases_the_keys(
    desktop: VirtualDesktop, hotkeys: GlobalHotkeys, pressed: queue.Queue[HotkeyBinding]
) -> None:
    before = set(threading.enumerate())
    hotkeys.start([CAPTURE])
    started = set(threading.enumerate()) - before
    assert started

    began = time.monotonic()
    hotkeys.stop()
    took = time.monotonic() - began

    assert took < 0.05
    assert not any(thread.is_alive() for thread in started)
    # The sign the grab is gone: another client can take the same key now.
    again: queue.Queue[HotkeyBinding] = queue.Queue()
    other = GlobalHotkeys(again.put)
    try:
        assert other.start([CAPTURE]) == []
        desktop.run("xdotool", "key", "ctrl+Print")
        assert again.get(timeout=WAIT) == CAPTURE
        assert pressed.empty()
    finally:
        other.stop()


def _map_keysym(desk: VirtualDesktop, keycode: int, keysym: int) -> None:
    from Xlib import display

    connection = display.Display(desk.display)
    try:
        connection.change_keyboard_mapping(keycode, [(keysym, 0, keysym, 0)])
        connection.sync()
    finally:
        connection.close()


def _wait_for_log(caplog: pytest.LogCaptureFixture, text: str) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if any(text in record.getMessage() for record in caplog.records):
            return
        time.sleep(0.01)
    raise AssertionError(f"no log line with {text!r}")


def _keysyms(desk: VirtualDesktop, first: int, last: int) -> dict[int, tuple[int, ...]]:
    from Xlib import display

    connection = display.Display(desk.display)
    try:
        rows = connection.get_keyboard_mapping(first, last - first + 1)
        return {first + offset: tuple(row) for offset, row in enumerate(rows)}
    finally:
        connection.close()


def _remap(desk: VirtualDesktop, first: int, changes: dict[int, tuple[int, ...]]) -> None:
    """One ChangeKeyboardMapping request (so one MappingNotify) from ``first`` to the last changed keycode."""
    from Xlib import display

    current = _keysyms(desk, first, max(changes))
    width = len(current[first])
    rows = [list((changes.get(code) or current[code]) + (0,) * width)[:width] for code in sorted(current)]
    connection = display.Display(desk.display)
    try:
        connection.change_keyboard_mapping(first, rows)
        connection.sync()
    finally:
        connection.close()


def _modifiers(desk: VirtualDesktop) -> list[list[int]]:
    from Xlib import display

    connection = display.Display(desk.display)
    try:
        return [list(row) for row in connection.get_modifier_mapping()]
    finally:
        connection.close()


def _set_modifiers(desk: VirtualDesktop, rows: list[list[int]]) -> None:
    from Xlib import display

    connection = display.Display(desk.display)
    try:
        # The server answers Busy while a key in the map is held down; none is here.
        assert connection.set_modifier_mapping(rows) == 0
        connection.sync()
    finally:
        connection.close()
