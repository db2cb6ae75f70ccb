"""The painting tools on a live selector: real xdotool input on the session's Xvfb (issue 13).

GIVEN a ``SelectorHost`` showing a known screenshot and holding the keyboard, WHEN a person selects
a region, presses a tool's key and drags, moves the selection, erases, undoes and redoes, THEN the
screen shows the tint where painted, the paint stays on the same screenshot pixels when the
selection moves, and the ``Selection`` handed over carries exactly the painted mask and markup.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Iterator

import pytest
from PIL import Image

from core.models import Monitor, Rect, Screenshot, Selection
from overlay.selector import SelectorHost
from tests.desktop.capture.screens import noise
from tests.overlay.capture_run import screen_pixel
from tests.overlay.paint_person import Person
from tests.overlay.tk_helpers import pump, root
from tests.virtual_desktop import VirtualDesktop
from tests.witness import keyboard_held

__all__ = ["root"]

pytestmark = pytest.mark.desktop

WIDTH, HEIGHT = 1920, 1080
PATTERN = noise(WIDTH, HEIGHT, seed=31)
TINT = (0xFF, 0x3B, 0x6B)


@pytest.fixture
def opened(desktop: VirtualDesktop, root: tk.Tk) -> Iterator[tuple[SelectorHost, Person, list[Selection | None]]]:
    host = SelectorHost(root)
    results: list[Selection | None] = []
    host.select([Screenshot(Monitor(0, Rect(0, 0, WIDTH, HEIGHT)), PATTERN)], results.append)
    pump(root, lambda: keyboard_held(desktop.display), timeout=10)
    person = Person(desktop.env, root)
    person.drag((300, 200), (700, 500), until=lambda: host._rect == Rect(300, 200, 400, 300))
    try:
        yield host, person, results
    finally:
        host.close()


def strokes(host: SelectorHost) -> int:
    return len(host._paint.painting.strokes)


def test_brush_paint_follows_the_moved_selection_and_is_erased_where_the_eraser_went(
    opened: tuple[SelectorHost, Person, list[Selection | None]], desktop: VirtualDesktop
) -> None:
    host, person, results = opened
    person.do("key", "b", until=lambda: host._paint.mode == "brush")
    person.drag((400, 300), (600, 300), until=lambda: strokes(host) == 1)
    shown = [screen_pixel(desktop.display, x, 300) for x in (450, 451)]
    assert TINT in shown, "the brush shows its (stippled) tint where it went"
    # Shift+Right twice: the selection moves 20 px right; the paint stays on its screen pixels.
    person.do("key", "shift+Right", "shift+Right", until=lambda: host._rect == Rect(320, 200, 400, 300))
    shown = [screen_pixel(desktop.display, x, 300) for x in (450, 451)]
    assert TINT in shown, "after the move the tint is still over the same screenshot pixels"
    person.do("key", "x", until=lambda: host._paint.mode == "eraser")
    person.drag((500, 250), (500, 350), until=lambda: strokes(host) == 2)
    person.do("key", "Return", until=lambda: bool(results))
    selection = results[0]
    assert selection is not None
    assert selection.rect == Rect(320, 200, 400, 300)
    assert selection.markup is None
    mask = selection.mask
    assert mask is not None
    assert mask.size == (400, 300)
    # In crop pixels: the stroke ran from x 400 to 600 at y 300 on the screen, the crop starts at 320.
    assert mask.getpixel((400 - 320 + 20, 100)) == 255
    assert mask.getpixel((600 - 320, 100)) == 255
    assert mask.getpixel((500 - 320, 100)) == 0, "erased"
    assert mask.getpixel((600 - 320 + 20, 100)) == 0, "beyond the brush's reach"
    # Every pixel whose centre is within 12 px (the 24 px brush's radius) of the stroke's centre line.
    assert mask.getbbox() == (400 - 320 - 12, 100 - 12, 600 - 320 + 13, 100 + 13)


def test_undo_redo_and_delete_decide_what_the_selection_carries(
    opened: tuple[SelectorHost, Person, list[Selection | None]],
) -> None:
    host, person, results = opened
    person.do("key", "a", until=lambda: host._paint.mode == "markup")
    person.drag((350, 250), (450, 260), until=lambda: strokes(host) == 1)
    person.do("keydown", "ctrl")
    person.drag((500, 300), (650, 450), until=lambda: strokes(host) == 2)
    person.do("keyup", "ctrl")
    assert host._paint.painting.strokes[1].tool == "ellipse"
    person.do("key", "ctrl+z", until=lambda: strokes(host) == 1)
    person.do("key", "ctrl+shift+z", until=lambda: strokes(host) == 2)
    person.do("key", "Delete", until=lambda: strokes(host) == 0)
    person.do("key", "ctrl+z", until=lambda: strokes(host) == 2)
    person.do("key", "b", until=lambda: host._paint.mode == "brush")
    person.do("key", "bracketright", "bracketright", until=lambda: host._paint.size == 48)
    person.drag((320, 480), (330, 480), until=lambda: strokes(host) == 3)
    person.do("key", "Return", until=lambda: bool(results))
    selection = results[0]
    assert selection is not None
    assert selection.marks == 2
    markup, mask = selection.markup, selection.mask
    assert markup is not None
    assert mask is not None
    alpha = markup.getchannel("A")
    assert alpha.getpixel((400 - 300, 255 - 200)) == 255, "the freehand stroke"
    assert alpha.getpixel((500 - 300, 375 - 200)) == 255, "the ellipse's left edge"
    assert alpha.getpixel((575 - 300, 375 - 200)) == 0, "an ellipse is an outline"
    # The 48 px brush, cut by the selection's left edge and bottom.
    assert mask.getbbox() == (0, 280 - 24, 330 - 300 + 25, 300)


def test_without_a_tool_a_drag_inside_the_selection_still_moves_it(
    opened: tuple[SelectorHost, Person, list[Selection | None]],
) -> None:
    host, person, results = opened
    person.drag((500, 350), (540, 370), until=lambda: host._rect == Rect(340, 220, 400, 300))
    person.do("key", "Return", until=lambda: bool(results))
    selection = results[0]
    assert selection is not None
    assert selection.mask is None
    assert selection.markup is None
    assert isinstance(selection.source, Image.Image)


def test_two_quick_dabs_in_one_place_paint_twice_and_do_not_send_the_selection(
    opened: tuple[SelectorHost, Person, list[Selection | None]],
) -> None:
    host, person, results = opened
    person.do("key", "b", until=lambda: host._paint.mode == "brush")
    person.do("mousemove", "450", "300")
    person.do("click", "--repeat", "2", "--delay", "50", "1", until=lambda: strokes(host) == 2)
    assert results == [], "a double click while painting is two dabs"
    assert host.active


def test_the_ring_under_the_pointer_shows_the_brush_size_at_once_and_goes_with_the_tool(
    opened: tuple[SelectorHost, Person, list[Selection | None]],
) -> None:
    host, person, _results = opened
    person.do("mousemove", "500", "350")
    person.do("key", "b", until=lambda: host._paint.mode == "brush")
    canvas = host._shown[0].paint_surface()

    def ring() -> tuple[float, ...]:
        item = host._paint._ring
        options = canvas.itemconfigure(item) if item is not None else None
        if item is None or options is None or options["state"][-1] == "hidden":
            return ()
        return tuple(canvas.coords(item))

    pump(host._root, lambda: len(ring()) == 4)
    x0, _y0, x1, _y1 = ring()
    assert x1 - x0 == 24
    person.do("key", "bracketleft", until=lambda: host._paint.size == 16)
    x0, _y0, x1, _y1 = ring()
    assert x1 - x0 == 16, "the ring follows [ before the pointer moves"
    person.do("key", "b", until=lambda: host._paint.mode is None)
    assert ring() == (), "no tool, no ring"


def test_resizing_from_the_top_left_corner_keeps_the_paint_on_its_pixels(
    opened: tuple[SelectorHost, Person, list[Selection | None]], desktop: VirtualDesktop
) -> None:
    host, person, results = opened
    person.do("key", "b", until=lambda: host._paint.mode == "brush")
    person.drag((400, 300), (500, 300), until=lambda: strokes(host) == 1)
    # The corner handle is grabbed even with the brush on: painting starts only away from the edges.
    person.drag((300, 200), (250, 150), until=lambda: host._rect == Rect(250, 150, 450, 350))
    assert TINT in [screen_pixel(desktop.display, x, 300) for x in (450, 451)]
    person.do("key", "Return", until=lambda: bool(results))
    selection = results[0]
    assert selection is not None
    assert selection.mask is not None
    assert selection.mask.getbbox() == (400 - 250 - 12, 300 - 150 - 12, 500 - 250 + 13, 300 - 150 + 13)
