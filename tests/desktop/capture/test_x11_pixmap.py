"""The screen frozen inside the X server (ADR 034), read back through another X client.

GIVEN a noise pattern as the root window, WHEN it is frozen and the screen then changes, THEN the
region read from the frozen pixmap is the pattern at freeze time, pixel for pixel; freeing gives
every pixmap back (counted by the server's X-Resource extension); the method rule picks ``server``
where RENDER is there and ``tk`` elsewhere, saying why.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from PIL import Image

from core.models import Monitor, Rect
from desktop.capture.overlay_method import screen_freezer
from desktop.capture.x11_pixmap import ServerFreeze
from tests.desktop.capture.screens import noise, paint_root
from tests.virtual_desktop import _start_xvfb, _stop, virtual_desktop

pytestmark = pytest.mark.desktop


def server_pixmaps(display_name: str, any_xid: int) -> int:
    """How many pixmaps the X server holds for the client that owns ``any_xid``."""
    from Xlib import display

    connection = display.Display(display_name)
    try:
        reply = connection.res_query_client_resources(any_xid)
        pixmap = connection.intern_atom("PIXMAP")
        return sum(entry.count for entry in reply.types if entry.resource_type == pixmap)
    finally:
        connection.close()


def test_the_frozen_region_is_the_screen_at_freeze_time_even_after_the_screen_changed() -> None:
    with virtual_desktop(1024, 768) as desktop:
        before = noise(1024, 768, seed=41)
        paint_root(desktop.display, before)
        freezer = ServerFreeze(desktop.env)
        frozen = freezer.freeze([Monitor(0, Rect(0, 0, 600, 768)), Monitor(1, Rect(600, 0, 424, 768))])
        paint_root(desktop.display, noise(1024, 768, seed=42))
        try:
            left, right = frozen.monitors
            assert left.region(Rect(0, 0, 600, 768)).tobytes() == before.crop((0, 0, 600, 768)).tobytes()
            # A region on the second monitor is in that monitor's pixels, from its place on the desktop.
            got = right.region(Rect(17, 33, 301, 222))
            assert got.tobytes() == before.crop((617, 33, 918, 255)).tobytes()
            # A rectangle running past the monitor is clamped to it, never an X error.
            assert right.region(Rect(400, 700, 100, 100)).size == (24, 68)
            # The magnifier's patch at a corner: the pixel itself in the middle, black outside.
            patch = left.patch(0, 0, 15)
            assert patch.getpixel((7, 7)) == before.getpixel((0, 0))
            assert patch.getpixel((0, 0)) == (0, 0, 0)
        finally:
            frozen.free()
            freezer.close()


def test_freeing_a_frozen_desktop_gives_every_pixmap_back_to_the_server() -> None:
    with virtual_desktop(800, 600) as desktop:
        paint_root(desktop.display, noise(800, 600, seed=43))
        freezer = ServerFreeze(desktop.env)
        try:
            frozen = freezer.freeze([Monitor(0, Rect(0, 0, 800, 600))])
            xid = frozen.monitors[0].bright
            freezer.sync()
            assert server_pixmaps(desktop.display, xid) == 2
            assert freezer.live_pixmaps == 2
            for _ in range(5):
                freezer.freeze([Monitor(0, Rect(0, 0, 800, 600))]).free()
            frozen.free()
            freezer.sync()
            assert server_pixmaps(desktop.display, xid) == 0
            assert freezer.live_pixmaps == 0
        finally:
            freezer.close()


@contextmanager
def bare_xvfb(*extra: str) -> Iterator[str]:
    process, display = _start_xvfb(640, 480, extra)
    try:
        yield display
    finally:
        _stop(process)


def test_the_method_rule_takes_the_server_where_render_is_and_says_why_not_elsewhere(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    with bare_xvfb() as display:
        chosen = screen_freezer({"DISPLAY": display})
        assert isinstance(chosen, ServerFreeze)
        chosen.close()
        assert "frozen screen through server" in caplog.text
        # Pinned to Tk: the Tk path, even where the server would work.
        assert screen_freezer({"DISPLAY": display, "AIIS_OVERLAY": "tk"}) is None
    with bare_xvfb("-extension", "RENDER") as display:
        caplog.clear()
        assert screen_freezer({"DISPLAY": display, "AIIS_OVERLAY": "server"}) is None
        assert "no RENDER extension" in caplog.text
        assert "frozen screen server was asked for (AIIS_OVERLAY)" in caplog.text
        assert "frozen screen through tk" in caplog.text
    # A Wayland session: XWayland's root shows only X clients, so the server path does not fit.
    assert screen_freezer({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":99"}) is None


def test_a_dimmed_pixmap_is_dimmed_as_renders_rounding_says() -> None:
    with virtual_desktop(640, 480) as desktop:
        ramp = Image.new("RGB", (256, 1))
        ramp.putdata([(value, 255 - value, value // 2) for value in range(256)])
        screen = noise(640, 480, seed=44)
        screen.paste(ramp, (0, 0))
        paint_root(desktop.display, screen)
        freezer = ServerFreeze(desktop.env)
        frozen = freezer.freeze([Monitor(0, Rect(0, 0, 640, 480))])
        try:
            dimmed = freezer.read(frozen.monitors[0].dim, Rect(0, 0, 256, 1))
        finally:
            frozen.free()
            freezer.close()

    def shaded(value: int) -> int:
        t = value * 115 + 0x80
        return ((t >> 8) + t) >> 8

    expected = [(shaded(v), shaded(255 - v), shaded(v // 2)) for v in range(256)]
    assert [dimmed.getpixel((x, 0)) for x in range(256)] == expected
