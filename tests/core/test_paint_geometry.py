"""Strokes land on exact source pixels whatever the monitor layout, DPI scale or image fit (issue 13)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from core import geometry as g
from core import paint_geometry as pg
from core.models import Rect

SCALES = st.sampled_from([1.0, 1.25, 1.5, 2.0, 3.0])


@st.composite
def screens(draw: st.DrawFn) -> Rect:
    """A monitor anywhere on a desktop, left or above the primary one too."""
    return Rect(
        draw(st.integers(-8000, 8000)),
        draw(st.integers(-8000, 8000)),
        draw(st.integers(320, 7680)),
        draw(st.integers(240, 4320)),
    )


@given(screens(), st.data())
def test_a_pointer_on_any_monitor_paints_the_screenshot_pixel_under_it(screen: Rect, data: st.DataObject) -> None:
    # GIVEN a screenshot shown 1:1 on its monitor's window (scale 1: X11, DPI-aware Windows)
    fit = g.fit_image((screen.width, screen.height), Rect(0, 0, screen.width, screen.height))
    x = data.draw(st.integers(screen.x, screen.right - 1))
    y = data.draw(st.integers(screen.y, screen.bottom - 1))
    # WHEN the pointer is at desktop (x, y) THEN the stroke point is that pixel's centre in the screenshot
    point = pg.source_point((x - screen.x, y - screen.y), fit)  # local to its window, as OverlayWindow.local
    assert point == (x - screen.x + 0.5, y - screen.y + 0.5)
    assert pg.pixel_of(point) == (x - screen.x, y - screen.y)


@given(SCALES, st.integers(1, 4000), st.integers(1, 4000), st.data())
def test_on_a_hidpi_window_each_tk_unit_paints_the_first_physical_pixel_it_covers(
    scale: float, width: int, height: int, data: st.DataObject
) -> None:
    # GIVEN a physical screenshot shown on a window measured in Tk units (macOS points)
    logical = Rect(0, 0, max(1, math.floor(width / scale)), max(1, math.floor(height / scale)))
    fit = g.Fit(round(logical.width * scale), round(logical.height * scale), logical)
    x = data.draw(st.integers(0, logical.width - 1))
    y = data.draw(st.integers(0, logical.height - 1))
    point = pg.source_point((x, y), fit, scale)
    # THEN the source pixel is the physical pixel Tk's unit starts in (core.geometry.to_physical)
    px, py = pg.pixel_of(point)
    assert abs(px - g.to_physical(x, scale)) <= 1
    assert abs(py - g.to_physical(y, scale)) <= 1
    assert 0 <= px < fit.source_width
    assert 0 <= py < fit.source_height


@given(st.integers(1, 20000), st.integers(1, 20000), st.data())
def test_on_a_shrunk_image_every_window_pixel_maps_inside_the_image_and_back_where_it_was_drawn(
    width: int, height: int, data: st.DataObject
) -> None:
    fit = g.fit_image((width, height), Rect(48, 48, 1824, 984))
    d = fit.display
    x = data.draw(st.integers(d.x, d.right - 1))
    y = data.draw(st.integers(d.y, d.bottom - 1))
    point = pg.source_point((x, y), fit)
    assert 0 < point[0] < width
    assert 0 < point[1] < height
    # Drawn back, it is within the window pixel it came from (its centre, up to the clamp's half pixel).
    vx, vy = pg.view_point(point, fit)
    ratio = max(d.width / width, d.height / height)
    assert abs(vx - (x + 0.5)) <= 0.5 + ratio
    assert abs(vy - (y + 0.5)) <= 0.5 + ratio


@given(st.integers(1, 20000), st.integers(1, 20000), st.floats(0.5, 200))
def test_a_brush_radius_keeps_its_size_on_screen_whatever_the_fit(width: int, height: int, radius: float) -> None:
    fit = g.fit_image((width, height), Rect(0, 0, 1920, 1080))
    assert math.isclose(pg.view_radius(pg.source_radius(radius, fit), fit), radius, rel_tol=1e-9)
    assert pg.source_radius(radius, fit) >= radius * 0.999


@given(st.sampled_from(pg.BRUSH_SIZES), st.sampled_from([-1, 1]))
def test_brush_steps_stay_in_the_list_and_move_one_place(size: int, step: int) -> None:
    stepped = pg.brush_step(size, step)
    assert stepped in pg.BRUSH_SIZES
    assert abs(pg.BRUSH_SIZES.index(stepped) - pg.BRUSH_SIZES.index(size)) <= 1
    if size not in {pg.BRUSH_SIZES[0], pg.BRUSH_SIZES[-1]}:
        assert (stepped > size) == (step > 0)


def test_distance_to_a_segment_is_to_its_nearest_point() -> None:
    assert pg.distance_to_segment((5, 3), (0, 0), (10, 0)) == 3
    assert pg.distance_to_segment((13, 4), (0, 0), (10, 0)) == 5
    assert pg.distance_to_segment((3, 4), (0, 0), (0, 0)) == 5
