"""The stroke model: undo and redo, and rasterization to exactly the pixels within the brush's reach."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from core import painting as p
from core.models import Rect
from core.paint_geometry import distance_to_segment

SOURCE = Rect(0, 0, 400, 300)


def within(pixel: tuple[int, int], strokes: list[p.Stroke], slack: float) -> bool:
    centre = (pixel[0] + 0.5, pixel[1] + 0.5)
    for stroke in strokes:
        points = stroke.points if len(stroke.points) > 1 else (stroke.points[0], stroke.points[0])
        for start, end in itertools.pairwise(points):
            if distance_to_segment(centre, start, end) <= stroke.radius + slack:
                return True
    return False


@st.composite
def brush_strokes(draw: st.DrawFn) -> p.Stroke:
    count = draw(st.integers(1, 4))
    points = tuple((draw(st.integers(0, 399)) + 0.5, draw(st.integers(0, 299)) + 0.5) for _ in range(count))
    return p.Stroke("brush", points, draw(st.sampled_from([2.0, 4.0, 6.0, 12.0])))


@settings(max_examples=40, deadline=None)
@given(st.lists(brush_strokes(), min_size=1, max_size=3), st.integers(0, 200), st.integers(0, 150))
def test_the_mask_is_exactly_the_pixels_within_the_brush_radius_of_a_stroke(
    strokes: list[p.Stroke], x: int, y: int
) -> None:
    # GIVEN brush strokes anywhere on the source and a crop that may hold some of them
    rect = Rect(x, y, 200, 150)
    mask = p.mask_of(tuple(strokes), rect)
    # THEN a pixel is painted when its centre is within the radius and never when it is further,
    # up to ImageDraw's rounding of vertices to whole pixels (1.25 px in, 1.75 px out: core.painting)
    for cy in range(rect.height):
        for cx in range(rect.width):
            pixel = (cx + x, cy + y)
            painted = mask is not None and mask.getpixel((cx, cy)) == 255
            if painted:
                assert within(pixel, strokes, 1.75), pixel
            else:
                assert not within(pixel, strokes, -1.25), pixel


def test_the_eraser_takes_the_brush_paint_away_where_it_passes() -> None:
    brush = p.Stroke("brush", ((50.5, 50.5), (150.5, 50.5)), 10)
    eraser = p.Stroke("eraser", ((100.5, 30.5), (100.5, 70.5)), 5)
    mask = p.mask_of((brush, eraser), SOURCE)
    assert mask is not None
    assert mask.getpixel((60, 50)) == 255
    assert mask.getpixel((100, 50)) == 0
    assert p.mask_of((brush, p.Stroke("eraser", ((50.5, 50.5), (150.5, 50.5)), 20)), SOURCE) is None


def test_moving_the_selection_keeps_the_paint_on_the_same_source_pixels() -> None:
    brush = p.Stroke("brush", ((100.5, 100.5),), 4)
    first = p.mask_of((brush,), Rect(50, 50, 100, 100))
    moved = p.mask_of((brush,), Rect(80, 90, 100, 100))
    assert first is not None
    assert moved is not None
    assert first.getbbox() == (46, 46, 55, 55)
    assert moved.getbbox() == (16, 6, 25, 15)
    assert p.mask_of((brush,), Rect(200, 200, 50, 50)) is None, "paint outside the crop is not sent"


def test_markup_draws_strokes_arrows_and_ellipses_in_the_markup_colour_only() -> None:
    strokes = (
        p.Stroke("markup", ((10.5, 10.5), (60.5, 10.5)), 3),
        p.Stroke("arrow", ((20.5, 100.5), (120.5, 100.5)), 3),
        p.Stroke("ellipse", ((200.5, 50.5), (300.5, 150.5)), 3),
    )
    markup = p.markup_of(strokes, SOURCE)
    assert markup is not None
    assert markup.mode == "RGBA"
    assert markup.size == (400, 300)
    assert markup.getpixel((30, 10)) == p.MARKUP_COLOUR
    assert markup.getpixel((110, 104)) == p.MARKUP_COLOUR, "the arrow head is wider than its line"
    assert markup.getpixel((200, 100)) == p.MARKUP_COLOUR, "the ellipse's left edge"
    assert markup.getpixel((250, 100)) == (0, 0, 0, 0), "an ellipse is an outline"
    colours = {colour for _count, colour in markup.getcolors(10_000) or []}
    assert colours == {(0, 0, 0, 0), p.MARKUP_COLOUR}
    assert p.mask_of(strokes, SOURCE) is None, "markup makes no mask by itself"


def test_undo_redo_and_clear_walk_the_history() -> None:
    a, b = p.Stroke("brush", ((1.5, 1.5),), 2), p.Stroke("markup", ((5.5, 5.5),), 2)
    painting = p.Painting().add(a).add(b)
    assert painting.strokes == (a, b)
    assert painting.undo().strokes == (a,)
    assert painting.undo().undo().strokes == ()
    assert painting.undo().undo().undo().strokes == ()
    assert painting.undo().redo().strokes == (a, b)
    assert painting.undo().add(b).redo().strokes == (a, b), "a new stroke drops what was undone"
    cleared = painting.clear()
    assert cleared.strokes == ()
    assert cleared.undo().strokes == (a, b)
    assert painting.mask_strokes == (a,)
    assert painting.markup_strokes == (b,)
