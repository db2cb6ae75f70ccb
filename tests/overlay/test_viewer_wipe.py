"""The viewer's wipe divider and its one-line help (issue 18), on the session's Xvfb with real xdotool input.

GIVEN a viewer over a region showing a result, with an original of other pixels, WHEN the person drags
across it, THEN a divider follows the pointer and the screen shows, column for column, the original's
pixels left of it and the result's right of it; held Space shows the whole original, and on its
release the wipe is back. The help row names every key.
"""

from __future__ import annotations

import os
import tkinter as tk
from collections.abc import Iterator

import pytest
from PIL import Image, ImageChops

from core.models import Rect
from desktop.keyboard.base import system_keyboard
from overlay.viewer import ResultViewer, ViewerSpec
from tests.desktop.capture.screens import noise
from tests.overlay.tk_helpers import pump, root  # noqa: F401 - the fixture
from tests.virtual_desktop import VirtualDesktop
from tests.witness import keyboard_held

pytestmark = pytest.mark.desktop

REGION = Rect(200, 150, 300, 200)
SIZE = (REGION.width, REGION.height)
# Above the help row, which covers the viewer's bottom line.
ROWS = 140
DIVIDER = 110
MARGIN = 3  # the divider line itself is 2 px wide


def grab_box(display: str, box: Rect) -> Image.Image:
    from Xlib import X
    from Xlib import display as xdisplay

    connection = xdisplay.Display(display)
    try:
        raw = connection.screen().root.get_image(box.x, box.y, box.width, box.height, X.ZPixmap, 0xFFFFFFFF)
        return Image.frombytes("RGB", (box.width, box.height), bytes(raw.data), "raw", "BGRX")
    finally:
        connection.close()


def same(first: Image.Image, second: Image.Image) -> bool:
    return ImageChops.difference(first, second).getbbox() is None


@pytest.fixture
def viewer(root: tk.Tk, desktop: VirtualDesktop) -> Iterator[tuple[ResultViewer, Image.Image, Image.Image]]:  # noqa: F811
    original, result = noise(*SIZE, seed=11), noise(*SIZE, seed=12)
    keyboard = system_keyboard(os.environ, root.tk.interpaddr())
    spec = ViewerSpec(original, (result,), REGION, Rect(0, 0, desktop.width, desktop.height))
    shown = ResultViewer(root, spec, keyboard, lambda image: None)
    try:
        yield shown, original, result
    finally:
        shown.close()
        pump(root, lambda: not keyboard_held(desktop.display), timeout=5)
        keyboard.close()


def screen_is(desktop: VirtualDesktop, image: Image.Image, left: int, right: int) -> bool:
    """The screen over the viewer's columns [left, right) shows ``image``'s same columns."""
    box = Rect(REGION.x + left, REGION.y, right - left, ROWS)
    return same(grab_box(desktop.display, box), image.crop((left, 0, right, ROWS)))


def test_dragging_wipes_original_left_of_the_divider_result_right_of_it(
    root: tk.Tk,  # noqa: F811
    desktop: VirtualDesktop,
    viewer: tuple[ResultViewer, Image.Image, Image.Image],
) -> None:
    shown, original, result = viewer
    pump(root, lambda: screen_is(desktop, result, 0, SIZE[0]) and keyboard_held(desktop.display), timeout=10)
    y = str(REGION.y + 60)
    desktop.xdotool("mousemove", str(REGION.x + 250), y, "mousedown", "1")
    for x in (220, 180, 140, DIVIDER):
        desktop.xdotool("mousemove", str(REGION.x + x), y)
    desktop.xdotool("mouseup", "1")
    pump(root, lambda: shown.divider == DIVIDER, timeout=5)

    def wiped() -> bool:
        return screen_is(desktop, original, 0, DIVIDER - MARGIN) and screen_is(
            desktop, result, DIVIDER + MARGIN, SIZE[0]
        )

    pump(root, wiped, timeout=5)

    desktop.xdotool("keydown", "space")
    pump(root, lambda: screen_is(desktop, original, 0, SIZE[0]), timeout=5)
    desktop.xdotool("keyup", "space")
    pump(root, wiped, timeout=5)


def test_the_help_row_names_every_key(viewer: tuple[ResultViewer, Image.Image, Image.Image]) -> None:
    shown = viewer[0]
    text = str(shown.help.cget("text"))
    for key in ("Space", "drag", "1-9", "Enter", "E:", "R:", "S:", "Esc"):
        assert key in text, f"{key!r} is not named in {text!r}"


def test_e_without_a_known_job_says_so_and_keeps_the_viewer_open(
    root: tk.Tk,  # noqa: F811
    desktop: VirtualDesktop,
    viewer: tuple[ResultViewer, Image.Image, Image.Image],
) -> None:
    shown = viewer[0]
    pump(root, lambda: keyboard_held(desktop.display), timeout=10)
    desktop.xdotool("key", "e")
    pump(root, lambda: "nothing to refine or retry" in str(shown.help.cget("text")), timeout=5)
    assert not shown.closed
    assert keyboard_held(desktop.display)
