"""X11 capture on real X servers: Xvfb at 1080p and 4K, and two Xinerama heads in Xephyr."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.errors import CaptureError
from core.models import Rect
from desktop.capture.system import system_capture
from desktop.capture.x11 import X11Capture, heads_to_monitors, parse_xft_scale
from tests.desktop.capture.screens import noise, paint_root, two_monitor_desktop
from tests.virtual_desktop import VirtualDesktop, _start_xvfb, _stop, virtual_desktop

pytestmark = pytest.mark.desktop


@pytest.fixture(scope="module")
def screen_1080p() -> Iterator[VirtualDesktop]:
    with virtual_desktop(1920, 1080) as running:
        yield running


def _set_resources(display_name: str, text: str) -> None:
    from Xlib import X, Xatom, display

    connection = display.Display(display_name)
    try:
        connection.screen().root.change_property(
            Xatom.RESOURCE_MANAGER, Xatom.STRING, 8, text.encode(), X.PropModeReplace
        )
        connection.sync()
    finally:
        connection.close()


def test_grab_returns_every_pixel_of_a_1080p_screen_exactly(screen_1080p: VirtualDesktop) -> None:
    pattern = noise(1920, 1080, seed=1)
    paint_root(screen_1080p.display, pattern)
    method = X11Capture(screen_1080p.env)
    try:
        (shot,) = method.grab()
    finally:
        method.close()
    assert shot.monitor.rect == Rect(0, 0, 1920, 1080)
    assert shot.image.mode == "RGB"
    assert shot.image.tobytes() == pattern.tobytes()


def test_a_kept_method_sees_the_screen_as_it_is_at_each_grab(screen_1080p: VirtualDesktop) -> None:
    method = X11Capture(screen_1080p.env)
    try:
        paint_root(screen_1080p.display, noise(1920, 1080, seed=2))
        method.grab()
        second = noise(1920, 1080, seed=3)
        paint_root(screen_1080p.display, second)
        (shot,) = method.grab()
    finally:
        method.close()
    assert shot.image.tobytes() == second.tobytes()


def test_a_closed_method_reconnects_on_its_next_grab(screen_1080p: VirtualDesktop) -> None:
    method = X11Capture(screen_1080p.env)
    pattern = noise(1920, 1080, seed=9)
    paint_root(screen_1080p.display, pattern)
    try:
        method.grab()
        method.close()
        (shot,) = method.grab()
    finally:
        method.close()
    assert shot.image.tobytes() == pattern.tobytes()


def test_xft_dpi_sets_the_scale_of_every_monitor(screen_1080p: VirtualDesktop) -> None:
    method = X11Capture(screen_1080p.env)
    try:
        _set_resources(screen_1080p.display, "Xft.antialias:\t1\nXft.dpi:\t144\n")
        scaled = method.monitors()
        _set_resources(screen_1080p.display, "")
        unscaled = method.monitors()
    finally:
        method.close()
    assert [m.scale for m in scaled] == [1.5]
    assert [m.scale for m in unscaled] == [1.0]


def test_the_system_choice_on_an_x11_session_is_the_x11_method(screen_1080p: VirtualDesktop) -> None:
    method = system_capture(screen_1080p.env)
    try:
        assert method.name == "x11"
        assert len(method.grab()) == 1
    finally:
        method.close()


def test_grab_returns_every_pixel_of_a_4k_screen_exactly() -> None:
    with virtual_desktop(3840, 2160) as screen:
        pattern = noise(3840, 2160, seed=4)
        paint_root(screen.display, pattern)
        method = X11Capture(screen.env)
        try:
            (shot,) = method.grab()
        finally:
            method.close()
    assert shot.monitor.rect == Rect(0, 0, 3840, 2160)
    assert shot.image.tobytes() == pattern.tobytes()


def test_two_xinerama_heads_give_two_screenshots_each_from_its_own_place() -> None:
    with two_monitor_desktop() as screen:
        pattern = noise(3200, 1080, seed=5)
        paint_root(screen.display, pattern)
        method = X11Capture(screen.env)
        try:
            monitors = method.monitors()
            shots = method.grab()
        finally:
            method.close()
    assert [m.rect for m in monitors] == [Rect(0, 0, 1920, 1080), Rect(1920, 0, 1280, 1024)]
    assert [s.monitor for s in shots] == list(monitors)
    assert shots[0].image.tobytes() == pattern.crop((0, 0, 1920, 1080)).tobytes()
    assert shots[1].image.size == (1280, 1024)
    assert shots[1].image.tobytes() == pattern.crop((1920, 0, 3200, 1024)).tobytes()


def test_without_xinerama_the_whole_screen_is_one_monitor() -> None:
    xvfb, display = _start_xvfb(1280, 800, ("-xinerama",))
    try:
        pattern = noise(1280, 800, seed=6)
        paint_root(display, pattern)
        method = X11Capture({"DISPLAY": display})
        try:
            monitors = method.monitors()
            (shot,) = method.grab()
        finally:
            method.close()
    finally:
        _stop(xvfb)
    assert [m.rect for m in monitors] == [Rect(0, 0, 1280, 800)]
    assert shot.image.tobytes() == pattern.tobytes()


def test_a_display_that_does_not_answer_is_a_capture_error_naming_it() -> None:
    method = X11Capture({"DISPLAY": ":987"})
    with pytest.raises(CaptureError, match=":987"):
        method.monitors()
    method.close()


@pytest.mark.parametrize(
    ("resources", "scale"),
    [
        ("Xft.dpi:\t96\n", 1.0),
        ("Xft.dpi:\t120\n", 1.25),
        ("Xft.dpi: 144", 1.5),
        ("Xft.antialias:\t1\nXft.dpi:\t192\nXft.hinting:\t1\n", 2.0),
        ("Xft.dpi:\t140\n", 1.5),  # rounded to the nearest quarter
        ("", 1.0),
        ("Xft.dpi:\tlarge\n", 1.0),
        ("Xft.dpi:\t0\n", 1.0),
        ("Xcursor.size: 48\n", 1.0),
    ],
)
def test_xft_dpi_is_read_as_a_quarter_step_scale(resources: str, scale: float) -> None:
    assert parse_xft_scale(resources) == scale


def test_mirrored_and_empty_heads_are_left_out() -> None:
    monitors = heads_to_monitors([(0, 0, 1920, 1080), (0, 0, 1920, 1080), (1920, 0, 0, 0), (-1280, 0, 1280, 1024)], 1.0)
    assert [(m.index, m.rect) for m in monitors] == [(0, Rect(0, 0, 1920, 1080)), (1, Rect(-1280, 0, 1280, 1024))]
