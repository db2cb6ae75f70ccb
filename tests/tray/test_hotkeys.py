"""Global hotkeys on a real Xvfb, pressed with real xdotool key events: the X11 grab, and pynput when pinned."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.config import parse_config
from core.config_defaults import DEFAULT_CONFIG_TEXT
from providers.registry import provider_catalog
from tests.desktop import VirtualDesktop, virtual_desktop
from tests.virtual_desktop import _start_xvfb, _stop
from tray.hotkeys import GlobalHotkeys, HotkeyBinding, bindings_from_config

REPO = Path(__file__).resolve().parents[2]
CAPTURE = HotkeyBinding("<ctrl>+<shift>+e", "capture", None, "hotkeys.capture")
CLIPBOARD = HotkeyBinding("<ctrl>+<shift>+v", "clipboard", None, "hotkeys.clipboard")
RESTYLE = HotkeyBinding("<ctrl>+<alt>+r", "preset", "restyle", "presets[1].hotkey")

pytestmark = pytest.mark.desktop


@pytest.fixture(scope="module")
def xvfb() -> Iterator[VirtualDesktop]:
    with virtual_desktop(640, 480) as desktop, pytest.MonkeyPatch.context() as patch:
        # pynput's X backend opens $DISPLAY when a listener starts.
        patch.setenv("DISPLAY", desktop.display)
        yield desktop


@pytest.fixture
def pressed() -> queue.Queue[HotkeyBinding]:
    return queue.Queue()


@pytest.fixture
def hotkeys(xvfb: VirtualDesktop, pressed: queue.Queue[HotkeyBinding]) -> Iterator[GlobalHotkeys]:
    service = GlobalHotkeys(pressed.put)
    yield service
    service.stop()


def press(desktop: VirtualDesktop, keys: str) -> None:
    # Plain "xdotool key" (not --window): XSendEvent events never reach global listeners.
    desktop.run("xdotool", "key", keys)


def test_each_hotkey_calls_back_with_its_own_binding(
    xvfb: VirtualDesktop, hotkeys: GlobalHotkeys, pressed: queue.Queue[HotkeyBinding]
) -> None:
    assert hotkeys.start([CAPTURE, CLIPBOARD, RESTYLE]) == []

    press(xvfb, "ctrl+shift+e")
    assert pressed.get(timeout=5) == CAPTURE
    press(xvfb, "ctrl+alt+r")
    assert pressed.get(timeout=5) == RESTYLE
    press(xvfb, "ctrl+shift+v")
    assert pressed.get(timeout=5) == CLIPBOARD
    press(xvfb, "ctrl+e")
    press(xvfb, "shift+e")
    # The sign: a hotkey pressed after them is the next thing to arrive, so they fired nothing.
    press(xvfb, "ctrl+alt+r")
    assert pressed.get(timeout=5) == RESTYLE
    assert pressed.empty()


def test_a_bad_hotkey_is_reported_in_plain_words_and_the_others_still_work(
    xvfb: VirtualDesktop, hotkeys: GlobalHotkeys, pressed: queue.Queue[HotkeyBinding]
) -> None:
    bad = HotkeyBinding("<ctrl>+<hyper>+x", "preset", "sketch", "presets[3].hotkey")
    duplicate = HotkeyBinding("<shift>+<ctrl>+E", "clipboard", None, "hotkeys.clipboard")

    problems = hotkeys.start([CAPTURE, bad, duplicate, RESTYLE])

    assert problems == [
        "The hotkey '<ctrl>+<hyper>+x' for preset 'sketch' (presets[3].hotkey) does not work: "
        "is not a valid hotkey: <hyper> is not a key name.",
        "The hotkey '<shift>+<ctrl>+E' for clipboard (hotkeys.clipboard) is already used by "
        "the hotkey '<ctrl>+<shift>+e' for capture (hotkeys.capture); it was left out.",
    ]
    assert hotkeys.active == (CAPTURE, RESTYLE)
    press(xvfb, "ctrl+alt+r")
    assert pressed.get(timeout=5) == RESTYLE
    press(xvfb, "ctrl+shift+e")
    assert pressed.get(timeout=5) == CAPTURE


def test_stop_returns_within_a_second_and_the_listener_thread_ends(
    xvfb: VirtualDesktop, hotkeys: GlobalHotkeys, pressed: queue.Queue[HotkeyBinding]
) -> None:
    before = set(threading.enumerate())
    hotkeys.start([CAPTURE])
    listeners = set(threading.enumerate()) - before
    assert listeners

    began = time.monotonic()
    hotkeys.stop()
    took = time.monotonic() - began

    assert took < 1.0
    assert not any(thread.is_alive() for thread in listeners)
    # The sign the key is free again: a second service takes it and is the one that hears it.
    again: queue.Queue[HotkeyBinding] = queue.Queue()
    other = GlobalHotkeys(again.put)
    try:
        assert other.start([CAPTURE]) == []
        press(xvfb, "ctrl+shift+e")
        assert again.get(timeout=5) == CAPTURE
        assert pressed.empty()
    finally:
        other.stop()


def test_starting_again_replaces_the_old_bindings(
    xvfb: VirtualDesktop, hotkeys: GlobalHotkeys, pressed: queue.Queue[HotkeyBinding]
) -> None:
    hotkeys.start([CAPTURE])
    moved = HotkeyBinding("<ctrl>+<alt>+c", "capture", None, "hotkeys.capture")

    assert hotkeys.start([moved]) == []

    press(xvfb, "ctrl+shift+e")
    press(xvfb, "ctrl+alt+c")
    # Events arrive in order: the moved hotkey coming first means the old one fired nothing.
    assert pressed.get(timeout=5) == moved
    assert pressed.empty()


def test_a_failing_callback_does_not_stop_the_listener(xvfb: VirtualDesktop) -> None:
    calls: queue.Queue[HotkeyBinding] = queue.Queue()

    def flaky(binding: HotkeyBinding) -> None:
        calls.put(binding)
        raise RuntimeError("handler bug")

    service = GlobalHotkeys(flaky)
    try:
        service.start([CAPTURE])
        press(xvfb, "ctrl+shift+e")
        assert calls.get(timeout=5) == CAPTURE
        press(xvfb, "ctrl+shift+e")
        assert calls.get(timeout=5) == CAPTURE
    finally:
        service.stop()


def test_bindings_come_from_the_settings_in_menu_order() -> None:
    text = DEFAULT_CONFIG_TEXT.replace(
        'prompt: "Redraw this as a watercolor", hotkey: null', 'prompt: "x", hotkey: "<ctrl>+<alt>+r"'
    )
    config = parse_config(text, provider_catalog(), source="test")

    assert bindings_from_config(config) == (
        HotkeyBinding("<ctrl>+<print_screen>", "capture", None, "hotkeys.capture"),
        HotkeyBinding("<ctrl>+<shift>+<print_screen>", "clipboard", None, "hotkeys.clipboard"),
        HotkeyBinding("<ctrl>+<shift>+<alt>+<print_screen>", "last_result", None, "hotkeys.last_result"),
        RESTYLE,
    )


def test_without_a_display_start_reports_a_problem_instead_of_raising() -> None:
    script = (
        "from tray.hotkeys import GlobalHotkeys, HotkeyBinding\n"
        "print(GlobalHotkeys(print).start([HotkeyBinding('<ctrl>+<shift>+e', 'capture')]))\n"
    )
    env = {key: value for key, value in os.environ.items() if key not in {"DISPLAY", "WAYLAND_DISPLAY"}}

    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, timeout=60, check=True
    )

    assert "Global hotkeys are not available on this desktop" in done.stdout.decode()


def test_pinned_pynput_on_an_x_server_without_record_is_reported_and_start_does_not_hang(
    xvfb: VirtualDesktop, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN pynput pinned, on an X server without the RECORD extension (where pynput's own wait() blocks forever)
    process, display = _start_xvfb(320, 240, ("-extension", "RECORD"))
    try:
        monkeypatch.setenv("DISPLAY", display)
        monkeypatch.setenv("AIIS_HOTKEYS", "pynput")
        service = GlobalHotkeys(lambda _binding: None)

        began = time.monotonic()
        problems = service.start([CAPTURE])

        assert time.monotonic() - began < 3.0
        assert problems == [
            "Global hotkeys could not be set up on this desktop (the X server lacks the RECORD extension); "
            "use the tray menu."
        ]
        assert service.active == ()
        service.stop()
    finally:
        _stop(process)


def test_pinned_pynput_still_hears_a_hotkey(
    xvfb: VirtualDesktop, monkeypatch: pytest.MonkeyPatch, pressed: queue.Queue[HotkeyBinding]
) -> None:
    # pynput is the macOS method; on X11 it runs only when pinned, and must keep working there.
    monkeypatch.setenv("AIIS_HOTKEYS", "pynput")
    service = GlobalHotkeys(pressed.put)
    try:
        assert service.start([CAPTURE]) == []
        press(xvfb, "ctrl+shift+e")
        assert pressed.get(timeout=5) == CAPTURE
    finally:
        service.stop()


def test_on_wayland_no_method_fits_and_the_message_says_to_bind_a_desktop_shortcut() -> None:
    service = GlobalHotkeys(lambda _binding: None, env={"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"})

    problems = service.start([CAPTURE])

    assert len(problems) == 1
    assert "Wayland does not let applications take keys" in problems[0]
    assert "python main.py capture" in problems[0]
