"""``hotkeys.last_result`` (issue 18): a default hotkey, checked like the others, that a real key press on
Xvfb turns into the viewer's event."""

from __future__ import annotations

import queue
from collections.abc import Iterator

import pytest

from core.config import default_config, parse_config
from core.errors import ConfigError
from providers.registry import provider_catalog
from tests.virtual_desktop import VirtualDesktop, virtual_desktop
from tray.events import ViewerRequested, event_for_hotkey
from tray.hotkeys import GlobalHotkeys, HotkeyBinding, bindings_from_config

CATALOG = provider_catalog()


def test_on_by_default_and_off_with_null() -> None:
    assert default_config(CATALOG).hotkeys.last_result == "<ctrl>+<shift>+<alt>+<print_screen>"
    off = parse_config("hotkeys: {last_result: null}\n", CATALOG, source="config.yaml")
    assert off.hotkeys.last_result is None
    assert all(binding.action != "last_result" for binding in bindings_from_config(off))


def test_it_may_not_repeat_another_hotkey() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("hotkeys: {capture: '<f9>', last_result: '<f9>'}\n", CATALOG, source="config.yaml")
    assert str(caught.value) == "config.yaml:1: hotkeys.last_result: '<f9>' is already used by hotkeys.capture"


def test_its_binding_becomes_the_viewers_event() -> None:
    binding = HotkeyBinding("<ctrl>+<shift>+<alt>+<print_screen>", "last_result", None, "hotkeys.last_result")
    assert event_for_hotkey(binding) == ViewerRequested()


@pytest.fixture(scope="module")
def xvfb() -> Iterator[VirtualDesktop]:
    with virtual_desktop(640, 480) as desktop, pytest.MonkeyPatch.context() as patch:
        patch.setenv("DISPLAY", desktop.display)
        yield desktop


@pytest.mark.desktop
def test_pressing_the_default_chord_calls_back_with_last_result(xvfb: VirtualDesktop) -> None:
    pressed: queue.Queue[HotkeyBinding] = queue.Queue()
    service = GlobalHotkeys(pressed.put)
    try:
        assert service.start(bindings_from_config(default_config(CATALOG))) == []
        # Plain "xdotool key": XSendEvent events never reach a global grab.
        xvfb.run("xdotool", "key", "ctrl+shift+alt+Print")
        got = pressed.get(timeout=5)
        assert (got.action, got.source) == ("last_result", "hotkeys.last_result")
        assert event_for_hotkey(got) == ViewerRequested()
    finally:
        service.stop()
