"""The X11 grab's event handling without a server: which presses fire, and auto-repeat fires once."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from core.hotkeys import parse_hotkey
from desktop.hotkeys.x11_grab import CONTROL, KEY_PRESS, KEY_RELEASE, LOCK, SHIFT, X11KeyGrab, _lock_variants

NUM_LOCK = 16  # Mod2, where Xvfb and most keyboards put Num_Lock
PRINT = 107


def grab_with(pressed: list[int]) -> X11KeyGrab:
    grab = X11KeyGrab({"DISPLAY": ":0"}, "linux")
    # The state start() leaves after grabbing Ctrl+Print (index 0) and Ctrl+Shift+Print (index 1).
    grab._grabbed = {(PRINT, CONTROL): 0, (PRINT, CONTROL | SHIFT): 1}
    grab._ignored = LOCK | NUM_LOCK
    grab._hotkeys = (parse_hotkey("<ctrl>+<print_screen>"), parse_hotkey("<ctrl>+<shift>+<print_screen>"))
    grab._on_press = pressed.append
    return grab


def event(kind: int, state: int, time: int, keycode: int = PRINT) -> Any:
    return SimpleNamespace(type=kind, detail=keycode, state=state, time=time)


def test_a_press_fires_its_own_hotkey_whatever_the_lock_keys() -> None:
    pressed: list[int] = []
    grab = grab_with(pressed)

    for number, state in enumerate((CONTROL, CONTROL | NUM_LOCK, CONTROL | LOCK | NUM_LOCK, CONTROL | SHIFT | LOCK)):
        grab._handle(None, event(KEY_PRESS, state, time=100 + 10 * number))
        grab._handle(None, event(KEY_RELEASE, state, time=105 + 10 * number))

    assert pressed == [0, 0, 0, 1]


def test_auto_repeat_while_the_hotkey_is_held_fires_once() -> None:
    # GIVEN X's auto-repeat: release and press with one timestamp while the key stays down
    pressed: list[int] = []
    grab = grab_with(pressed)
    held = [event(KEY_PRESS, CONTROL, 100)]
    for time in (600, 633, 666):
        held += [event(KEY_RELEASE, CONTROL, time), event(KEY_PRESS, CONTROL, time)]
    held.append(event(KEY_RELEASE, CONTROL, 700))

    for each in held:
        grab._handle(None, each)
    grab._handle(None, event(KEY_PRESS, CONTROL, 900))

    # THEN one capture for the long press, and the next real press fires again
    assert pressed == [0, 0]


def test_other_keys_and_other_modifiers_fire_nothing() -> None:
    pressed: list[int] = []
    grab = grab_with(pressed)

    grab._handle(None, event(KEY_PRESS, 0, 100))
    grab._handle(None, event(KEY_PRESS, CONTROL | 8, 200))  # Ctrl+Alt
    grab._handle(None, event(KEY_PRESS, CONTROL, 300, keycode=26))

    assert pressed == []


def test_every_combination_of_the_lock_bits_is_grabbed() -> None:
    assert sorted(_lock_variants(LOCK | NUM_LOCK | 32)) == [0, 2, 16, 18, 32, 34, 48, 50]
