"""Paint lands on exact source pixels on a second monitor and on a shrunk clipboard image (issue 13).

GIVEN a live selector (real X server, xdotool input), WHEN a stroke is brushed on the second of two
side-by-side monitors, or on a large image shown shrunk to fit, THEN the selection's mask holds the
stroke at that monitor's screenshot pixels, or at the image's own pixels with the brush as wide
there as it looked on screen.
"""

from __future__ import annotations

import os
import tkinter as tk
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import pytest

from core import geometry
from core.models import Monitor, Rect, Screenshot, Selection
from overlay.selector import SelectorHost
from overlay.sources import FIT_MARGIN
from tests.desktop.capture.screens import noise, two_monitor_desktop
from tests.overlay.paint_person import Person
from tests.overlay.tk_helpers import pump, root
from tests.virtual_desktop import VirtualDesktop
from tests.witness import keyboard_held

__all__ = ["root"]

pytestmark = pytest.mark.desktop


def paint_on_the_second_monitor(env: dict[str, str]) -> tuple[int, tuple[int, int, int, int] | None]:
    """The person's part, in a process of its own (see the test): which screenshot, and the mask's box."""
    os.environ["DISPLAY"] = env["DISPLAY"]
    window = tk.Tk()
    window.withdraw()
    shots = (
        Screenshot(Monitor(0, Rect(0, 0, 1920, 1080)), noise(1920, 1080, seed=41)),
        Screenshot(Monitor(1, Rect(1920, 0, 1280, 1024)), noise(1280, 1024, seed=42)),
    )
    host = SelectorHost(window)
    results: list[Selection | None] = []
    person = Person(env, window)
    person.do("mousemove", "900", "500")
    host.select(shots, results.append)
    pump(window, lambda: keyboard_held(env["DISPLAY"]), timeout=10)
    try:
        person.drag((2000, 100), (2400, 400), until=lambda: host._rect == Rect(80, 100, 400, 300))
        person.do("key", "b", until=lambda: host._paint.mode == "brush")
        person.drag((2100, 200), (2200, 200), until=lambda: len(host._paint.painting.strokes) == 1)
        person.do("key", "Return", until=lambda: bool(results))
    finally:
        host.close()
    selection = results[0]
    assert selection is not None
    index = next(i for i, shot in enumerate(shots) if shot.image is selection.source)
    return index, selection.mask.getbbox() if selection.mask is not None else None


def test_a_stroke_on_the_second_monitor_is_at_that_monitors_screenshot_pixels() -> None:
    # Its own process: Tk keeps its connection to a display after the root is gone, and the next
    # test's event loop would die of an I/O error once the Xephyr desktop has stopped.
    with two_monitor_desktop() as desktop, ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        index, box = pool.submit(paint_on_the_second_monitor, desktop.env).result(timeout=120)
    assert index == 1
    # Desktop x 2100..2200 is the second monitor's 180..280, the crop's 100..200; y 200 is the crop's 100.
    assert box == (100 - 12, 100 - 12, 200 + 13, 100 + 13)


def test_on_a_shrunk_image_the_stroke_is_at_the_images_own_pixels_and_as_wide_as_it_looked(
    desktop: VirtualDesktop, root: tk.Tk
) -> None:
    # GIVEN a 4000x3000 image on the 1920x1080 session screen: shown at 984/3000 of its size
    image = noise(4000, 3000, seed=43)
    monitor = Monitor(0, Rect(0, 0, 1920, 1080))
    fit = geometry.fit_image(image.size, Rect(FIT_MARGIN, FIT_MARGIN, 1920 - 2 * FIT_MARGIN, 1080 - 2 * FIT_MARGIN))
    d = fit.display
    host = SelectorHost(root)
    results: list[Selection | None] = []
    host.select_image(image, monitor, "clipboard", results.append)
    pump(root, lambda: keyboard_held(desktop.display), timeout=10)
    person = Person(desktop.env, root)
    try:
        person.drag((d.x, d.y), (d.right, d.bottom), until=lambda: host._rect == Rect(0, 0, 4000, 3000))
        person.do("key", "b", until=lambda: host._paint.mode == "brush")
        y = d.y + d.height // 2
        person.drag((d.x + 300, y), (d.x + 600, y), until=lambda: len(host._paint.painting.strokes) == 1)
        person.do("key", "Return", until=lambda: bool(results))
    finally:
        host.close()
    selection = results[0]
    assert selection is not None
    assert selection.mask is not None
    assert selection.mask.size == (4000, 3000)
    box = selection.mask.getbbox()
    assert box is not None
    # THEN the stroke is where those window pixels show the image, the radius 12 window px in image px
    ratio = 3000 / d.height
    radius = 12 * ratio
    expected = ((300 + 0.5) * ratio - radius, (d.height // 2 + 0.5) * ratio - radius)
    expected_right = (600 + 0.5) * ratio + radius
    assert abs(box[0] - expected[0]) <= 1.5
    assert abs(box[1] - expected[1]) <= 1.5
    assert abs(box[2] - expected_right) <= 1.5
    assert abs((box[3] - box[1]) - 2 * radius) <= 2
