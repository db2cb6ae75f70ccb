"""Which capture method is chosen for which session, and what a person is told when none works."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from core.errors import CaptureError
from core.models import Monitor, Rect
from desktop.capture.base import split_by_monitor
from desktop.capture.dpi import declare_dpi_awareness
from desktop.capture.macos import MacCapture, points_to_monitor
from desktop.capture.system import CAPTURE, known_methods, system_capture
from desktop.capture.windows import WindowsCapture, monitor_scale
from desktop.methods import session_type, usable


def _grim_on_path(folder: Path) -> str:
    grim = folder / "grim"
    grim.write_text("#!/bin/sh\nexit 1\n")
    grim.chmod(0o755)
    return str(folder)


def test_an_x11_session_gets_the_x11_method() -> None:
    assert system_capture({"DISPLAY": ":5", "XDG_SESSION_TYPE": "x11"}).name == "x11"


def test_a_sway_session_with_grim_gets_grim_before_the_portal(tmp_path: Path) -> None:
    env = {"WAYLAND_DISPLAY": "wayland-1", "XDG_CURRENT_DESKTOP": "sway", "PATH": _grim_on_path(tmp_path)}
    assert system_capture(env).name == "grim"


def test_a_wayland_session_with_neither_grim_nor_a_portal_names_both_fixes(tmp_path: Path) -> None:
    env = {"WAYLAND_DISPLAY": "wayland-1", "XDG_CURRENT_DESKTOP": "sway", "PATH": str(tmp_path), "DISPLAY": ":0"}
    with pytest.raises(CaptureError) as raised:
        system_capture(env)
    message = str(raised.value)
    assert "grim" in message
    assert "xdg-desktop-portal" in message
    assert "apt install grim" in message


def test_a_gnome_wayland_session_relies_on_the_portal_alone(tmp_path: Path) -> None:
    env = {"WAYLAND_DISPLAY": "wayland-0", "XDG_CURRENT_DESKTOP": "GNOME", "PATH": _grim_on_path(tmp_path)}
    fitting = [method.name for method in known_methods(env) if method.fits_this_system()]
    assert fitting == ["xdg-desktop-portal"]
    with pytest.raises(CaptureError, match="xdg-desktop-portal-gnome"):
        system_capture(env)


def test_no_session_at_all_says_where_the_app_can_run() -> None:
    with pytest.raises(CaptureError, match="X11 or Wayland session"):
        system_capture({})


def test_windows_and_macos_methods_do_not_fit_linux_but_find_their_library() -> None:
    for method in (WindowsCapture({}), MacCapture({})):
        assert not method.fits_this_system()
        assert method.is_installed()


def test_dpi_awareness_is_a_no_op_off_windows() -> None:
    assert declare_dpi_awareness() == "not-windows"
    assert monitor_scale(100, 100) == 1.0


def test_a_retina_display_in_points_becomes_pixels_at_its_scale() -> None:
    monitor = points_to_monitor(1, Rect(-1440, 0, 1440, 900), 2.0)
    assert monitor == Monitor(1, Rect(-2880, 0, 2880, 1800), 2.0, "display-2")


def test_the_first_method_that_fits_and_is_installed_wins() -> None:
    class Fake:
        def __init__(self, name: str, fits: bool, installed: bool) -> None:
            self.name, self.install_hint = name, f"install {name}"
            self._fits, self._installed = fits, installed

        def fits_this_system(self) -> bool:
            return self._fits

        def is_installed(self) -> bool:
            return self._installed

        def monitors(self) -> tuple[Monitor, ...]:
            return ()

        def grab(self) -> tuple[()]:
            return ()

        def close(self) -> None:
            pass

    assert usable([Fake("a", False, True), Fake("b", True, False), Fake("c", True, True)], CAPTURE, {})[0].name == "c"
    with pytest.raises(CaptureError, match="install b install c"):
        usable([Fake("a", False, True), Fake("b", True, False), Fake("c", True, False)], CAPTURE, {})


@pytest.mark.parametrize(
    ("env", "kind"),
    [
        ({"DISPLAY": ":0"}, "x11"),
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "wayland"),
        ({"XDG_SESSION_TYPE": "wayland"}, "wayland"),
        ({}, ""),
    ],
)
def test_the_session_type_comes_from_the_session_variables(env: dict[str, str], kind: str) -> None:
    assert session_type(env) == kind


def test_splitting_a_desktop_grab_crops_each_monitor_and_keeps_a_whole_one_uncopied() -> None:
    desktop = Image.new("RGB", (300, 100))
    desktop.paste((255, 0, 0), (0, 0, 100, 100))
    desktop.paste((0, 0, 255), (100, 0, 300, 80))
    left = Monitor(0, Rect(-100, 0, 100, 100))
    right = Monitor(1, Rect(0, 0, 200, 80))
    shots = split_by_monitor(desktop, (-100, 0), [left, right])
    assert [s.image.size for s in shots] == [(100, 100), (200, 80)]
    assert shots[0].image.getcolors() == [(10000, (255, 0, 0))]
    assert shots[1].image.getcolors() == [(16000, (0, 0, 255))]
    whole = Monitor(0, Rect(-100, 0, 300, 100))
    assert split_by_monitor(desktop, (-100, 0), [whole])[0].image is desktop
