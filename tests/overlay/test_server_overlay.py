"""The server-drawn overlay (ADR 034) gives its pixmaps back and answers with the shown pixels.

GIVEN a ``SelectorHost`` on the session's Xvfb with the server path, WHEN captures are opened and
closed (cancelled, or accepted whole with Enter), THEN the X server holds two pixmaps per monitor
while one is open and none of ours afterwards (counted by the server's X-Resource extension), and
an accepted selection is the screen's pixels at the hotkey with its place on the desktop.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Sequence

import pytest

from core.errors import CaptureError
from core.models import Monitor, Rect, Selection
from desktop.capture.x11 import X11Capture
from desktop.capture.x11_pixmap import FrozenDesktop, ServerFreeze
from overlay.selector import SelectorHost
from overlay.window import dimmed_copy
from tests.desktop.capture.screens import noise, paint_root
from tests.desktop.capture.test_x11_pixmap import server_pixmaps
from tests.overlay.capture_run import screen_pixel
from tests.overlay.tk_helpers import pump, root
from tests.virtual_desktop import VirtualDesktop

__all__ = ["root"]

pytestmark = pytest.mark.desktop


class RecordingFreeze(ServerFreeze):
    """The real freezer, keeping one pixmap id of ours to ask the server about our client."""

    def __init__(self, env: dict[str, str]) -> None:
        super().__init__(env)
        self.xids: list[int] = []

    def freeze(self, monitors: Sequence[Monitor]) -> FrozenDesktop:
        frozen = super().freeze(monitors)
        self.xids.append(frozen.monitors[0].bright)
        return frozen


def open_and_wait(host: SelectorHost, root: tk.Tk, capture: X11Capture, results: list[Selection | None]) -> None:
    painted: list[float] = []
    host.select_screen(capture, results.append, painted.append)
    pump(root, lambda: bool(painted), timeout=20)


def test_every_capture_gives_its_pixmaps_back_to_the_x_server(root: tk.Tk, desktop: VirtualDesktop) -> None:
    env = {"DISPLAY": desktop.display}
    freezer = RecordingFreeze(env)
    host = SelectorHost(root, freezer=freezer)
    capture = X11Capture(env)
    results: list[Selection | None] = []
    try:
        for _ in range(3):
            open_and_wait(host, root, capture, results)
            freezer.sync()
            assert server_pixmaps(desktop.display, freezer.xids[-1]) == 2
            host.cancel()
            pump(root, lambda: len(results) > 0)
            results.clear()
            freezer.sync()
            assert server_pixmaps(desktop.display, freezer.xids[-1]) == 0
            assert freezer.live_pixmaps == 0
    finally:
        host.close()
        capture.close()


def test_enter_answers_the_frozen_pixels_and_where_they_were(root: tk.Tk, desktop: VirtualDesktop) -> None:
    pattern = noise(1920, 1080, seed=31)
    paint_root(desktop.display, pattern)
    env = {"DISPLAY": desktop.display}
    host = SelectorHost(root, freezer=ServerFreeze(env))
    capture = X11Capture(env)
    results: list[Selection | None] = []
    try:
        open_and_wait(host, root, capture, results)
        paint_root(desktop.display, noise(1920, 1080, seed=32))
        desktop.xdotool("key", "Return")
        pump(root, lambda: len(results) > 0, timeout=10)
    finally:
        host.close()
        capture.close()
    selection = results[0]
    assert selection is not None
    assert selection.screen == Rect(0, 0, 1920, 1080)
    assert selection.crop().tobytes() == pattern.tobytes()


class FailingFreeze(ServerFreeze):
    def freeze(self, monitors: Sequence[Monitor]) -> FrozenDesktop:
        raise CaptureError("Lost the connection to the X display")


def test_a_failing_server_freeze_hands_over_to_the_tk_path_and_says_so(
    root: tk.Tk, desktop: VirtualDesktop, caplog: pytest.LogCaptureFixture
) -> None:
    pattern = noise(1920, 1080, seed=33)
    paint_root(desktop.display, pattern)
    env = {"DISPLAY": desktop.display}
    host = SelectorHost(root, freezer=FailingFreeze(env))
    capture = X11Capture(env)
    results: list[Selection | None] = []
    try:
        with caplog.at_level(logging.WARNING):
            open_and_wait(host, root, capture, results)
        assert not host.server_side
        desktop.xdotool("key", "Return")
        pump(root, lambda: len(results) > 0, timeout=10)
    finally:
        host.close()
        capture.close()
    assert "frozen screen through server failed (Lost the connection to the X display); using tk" in caplog.text
    selection = results[0]
    assert selection is not None
    assert selection.crop().tobytes() == pattern.tobytes()


def test_back_to_back_captures_freeze_the_screen_and_never_the_overlay_itself(
    root: tk.Tk, desktop: VirtualDesktop
) -> None:
    # The copy of the root (our connection) and Tk's map and unmap (Tk's connection) reach the
    # server in either order unless waited for: a frozen frame of the overlay's own plain colour.
    pattern = noise(1920, 1080, seed=34)
    paint_root(desktop.display, pattern)
    probe = (1500, 900)
    wanted = dimmed_copy(pattern.crop((*probe, probe[0] + 1, probe[1] + 1))).getpixel((0, 0))
    env = {"DISPLAY": desktop.display}
    host = SelectorHost(root, freezer=ServerFreeze(env))
    capture = X11Capture(env)
    results: list[Selection | None] = []
    seen = []
    try:
        for _ in range(8):
            open_and_wait(host, root, capture, results)
            pump(root, lambda: screen_pixel(desktop.display, *probe) == wanted, timeout=5)
            seen.append(screen_pixel(desktop.display, *probe))
            host.cancel()
    finally:
        host.close()
        capture.close()
    assert seen == [wanted] * 8
