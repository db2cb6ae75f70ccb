"""The desktop portal method over a real private D-Bus, against a stand-in portal service."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import CaptureError
from core.models import Rect
from desktop.capture.portal import PortalCapture, path_from_uri, request_path, screenshot_call, uri_from_response
from tests.desktop.capture.fake_portal import fake_portal, session_bus
from tests.desktop.capture.screens import noise

WAYLAND = {"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}


@pytest.fixture(scope="module")
def bus() -> Iterator[str]:
    with session_bus() as address:
        yield address


def test_the_portal_returns_the_screen_and_its_file_is_removed(bus: str, tmp_path: Path) -> None:
    picture = noise(640, 360, seed=7)
    method = PortalCapture({**WAYLAND, "DBUS_SESSION_BUS_ADDRESS": bus})
    with fake_portal(bus, tmp_path) as portal:
        portal.image = picture
        assert method.is_installed()
        (shot,) = method.grab()
    assert shot.image.tobytes() == picture.tobytes()
    assert shot.monitor.rect == Rect(0, 0, 640, 360)
    assert method.monitors() == (shot.monitor,)
    assert portal.calls[0][0] == ""
    assert portal.calls[0][1]["interactive"] == ("b", False)
    assert portal.saved
    assert not portal.saved[0].exists()


def test_a_portal_that_picks_its_own_request_path_is_still_heard(bus: str, tmp_path: Path) -> None:
    picture = noise(64, 48, seed=10)
    method = PortalCapture({**WAYLAND, "DBUS_SESSION_BUS_ADDRESS": bus})
    with fake_portal(bus, tmp_path) as portal:
        portal.image = picture
        portal.legacy_path = True
        (shot,) = method.grab()
    assert shot.image.tobytes() == picture.tobytes()


def test_a_response_to_another_request_is_not_taken_for_ours(bus: str, tmp_path: Path) -> None:
    picture = noise(64, 48, seed=11)
    method = PortalCapture({**WAYLAND, "DBUS_SESSION_BUS_ADDRESS": bus})
    with fake_portal(bus, tmp_path) as portal:
        portal.image = picture
        portal.stray_first = True
        (shot,) = method.grab()
    assert shot.image.tobytes() == picture.tobytes()


def test_a_refused_permission_is_a_capture_error_that_says_so(bus: str, tmp_path: Path) -> None:
    method = PortalCapture({**WAYLAND, "DBUS_SESSION_BUS_ADDRESS": bus})
    with fake_portal(bus, tmp_path) as portal:
        portal.response = 1
        with pytest.raises(CaptureError, match="refused or cancelled"):
            method.grab()


def test_without_a_portal_service_the_method_is_not_installed(bus: str) -> None:
    assert not PortalCapture({**WAYLAND, "DBUS_SESSION_BUS_ADDRESS": bus}).is_installed()


def test_without_a_session_bus_the_method_is_not_installed_and_grab_says_why() -> None:
    method = PortalCapture(WAYLAND)
    assert not method.is_installed()
    with pytest.raises(CaptureError, match="DBUS_SESSION_BUS_ADDRESS"):
        method.grab()


def test_the_request_path_follows_the_portal_spec() -> None:
    assert request_path(":1.42", "aiis_ab12") == "/org/freedesktop/portal/desktop/request/1_42/aiis_ab12"


def test_the_call_asks_for_a_non_interactive_screenshot_with_our_token() -> None:
    message = screenshot_call("aiis_ab12")
    assert message.header.fields[3] == "Screenshot"  # HeaderFields.member
    assert message.body == (
        "",
        {"handle_token": ("s", "aiis_ab12"), "interactive": ("b", False), "modal": ("b", True)},
    )


def test_responses_give_the_uri_or_a_plain_reason() -> None:
    assert uri_from_response((0, {"uri": ("s", "file:///tmp/a.png")})) == "file:///tmp/a.png"
    with pytest.raises(CaptureError, match="cancelled"):
        uri_from_response((1, {}))
    with pytest.raises(CaptureError, match="failed"):
        uri_from_response((2, {}))
    with pytest.raises(CaptureError, match="without an image"):
        uri_from_response((0, {}))


def test_file_uris_with_escapes_become_paths_and_others_are_refused() -> None:
    assert path_from_uri("file:///home/a/Pictures/Screenshot%20from%20today.png") == Path(
        "/home/a/Pictures/Screenshot from today.png"
    )
    with pytest.raises(CaptureError, match="cannot open"):
        path_from_uri("https://example.org/a.png")
