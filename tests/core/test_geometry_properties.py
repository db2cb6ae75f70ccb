"""Properties of the selector's geometry that must hold for every input, checked with hypothesis."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core import geometry as g
from core.models import Monitor, Rect

SCALES = st.sampled_from([1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0])
COORD = st.integers(-20_000, 20_000)
DIRECTIONS = st.sampled_from(["left", "right", "up", "down"])
HANDLES = st.sampled_from(g.HANDLES)


@st.composite
def rects(draw: st.DrawFn, *, min_size: int = 1, max_size: int = 8000) -> Rect:
    return Rect(draw(COORD), draw(COORD), draw(st.integers(min_size, max_size)), draw(st.integers(min_size, max_size)))


@st.composite
def rect_inside(draw: st.DrawFn, bounds: Rect) -> Rect:
    x0 = draw(st.integers(bounds.x, bounds.right - 1))
    y0 = draw(st.integers(bounds.y, bounds.bottom - 1))
    x1 = draw(st.integers(x0 + 1, bounds.right))
    y1 = draw(st.integers(y0 + 1, bounds.bottom))
    return Rect(x0, y0, x1 - x0, y1 - y0)


def _inside(rect: Rect, bounds: Rect) -> bool:
    return bounds.x <= rect.x and bounds.y <= rect.y and rect.right <= bounds.right and rect.bottom <= bounds.bottom


@given(edge=COORD, scale=SCALES)
def test_physical_to_logical_to_physical_is_the_identity(edge: int, scale: float) -> None:
    assert g.to_physical(g.to_logical(edge, scale), scale) == edge


@given(logical=st.integers(-10_000, 10_000), scale=SCALES)
def test_logical_to_physical_to_logical_lands_within_one_physical_pixel(logical: int, scale: float) -> None:
    back = g.to_logical(g.to_physical(logical, scale), scale)
    assert back <= logical < back + 1 / scale + 1e-9


@given(rect=rects(), scale=SCALES)
def test_a_rectangle_survives_the_trip_to_logical_and_back(rect: Rect, scale: float) -> None:
    assert g.rect_to_physical(g.rect_to_logical(rect, scale), scale) == rect


@given(bounds=rects(min_size=1, max_size=5000), start=st.tuples(COORD, COORD), end=st.tuples(COORD, COORD))
def test_a_drag_anywhere_gives_a_rectangle_inside_the_bounds(bounds: Rect, start: g.Point, end: g.Point) -> None:
    rect = g.normalize_drag(start, end, bounds)
    assert rect.width >= 0
    assert rect.height >= 0
    assert _inside(rect, bounds)
    assert rect == g.normalize_drag(end, start, bounds)


@given(data=st.data(), bounds=rects(min_size=1, max_size=4000), dx=COORD, dy=COORD)
def test_moving_keeps_the_size_and_stays_inside(data: st.DataObject, bounds: Rect, dx: int, dy: int) -> None:
    rect = data.draw(rect_inside(bounds))
    moved = g.move_rect(rect, dx, dy, bounds)
    assert (moved.width, moved.height) == (rect.width, rect.height)
    assert _inside(moved, bounds)


@given(data=st.data(), bounds=rects(min_size=1, max_size=4000), handle=HANDLES, dx=COORD, dy=COORD)
def test_resizing_by_any_handle_stays_inside_and_moves_only_that_handles_edges(
    data: st.DataObject, bounds: Rect, handle: g.Handle, dx: int, dy: int
) -> None:
    rect = data.draw(rect_inside(bounds))
    resized, new_handle = g.resize_by(rect, handle, dx, dy, bounds)
    assert _inside(resized, bounds)
    assert resized.width >= 0
    assert resized.height >= 0
    if "w" not in handle and "e" not in handle:
        assert (resized.x, resized.width) == (rect.x, rect.width)
    if "n" not in handle and "s" not in handle:
        assert (resized.y, resized.height) == (rect.y, rect.height)
    # The handle now under the pointer sits where the pointer is, when the pointer stayed inside.
    px, py = g.handle_points(rect)[handle]
    tx, ty = g.clamp_point(px + dx, py + dy, bounds)
    hx, hy = g.handle_points(resized)[new_handle]
    if "w" in handle or "e" in handle:
        assert hx == tx
    if "n" in handle or "s" in handle:
        assert hy == ty


@given(data=st.data(), bounds=rects(min_size=1, max_size=4000), direction=DIRECTIONS, fast=st.booleans())
def test_keyboard_nudges_and_resizes_stay_inside(
    data: st.DataObject, bounds: Rect, direction: g.Direction, fast: bool
) -> None:
    rect = data.draw(rect_inside(bounds))
    nudged = g.nudge(rect, direction, bounds, fast=fast)
    resized = g.alt_resize(rect, direction, bounds, fast=fast)
    assert _inside(nudged, bounds)
    assert _inside(resized, bounds)
    assert resized.width >= 1
    assert resized.height >= 1
    assert abs(nudged.x - rect.x) + abs(nudged.y - rect.y) <= (10 if fast else 1)


@given(
    monitors=st.lists(
        st.builds(Monitor, index=st.just(0), rect=rects(min_size=1, max_size=4000), scale=SCALES),
        min_size=1,
        max_size=4,
    ),
    x=COORD,
    y=COORD,
)
def test_the_monitor_under_a_point_contains_it_and_the_bounds_contain_every_monitor(
    monitors: list[Monitor], x: int, y: int
) -> None:
    bounds = g.virtual_bounds(monitors)
    assert all(_inside(m.rect, bounds) for m in monitors)
    hit = g.monitor_at(monitors, x, y)
    assert hit is None or hit.rect.contains(x, y)
    assert (hit is None) == (not any(m.rect.contains(x, y) for m in monitors))
    assert g.nearest_monitor(monitors, x, y) in monitors


@settings(max_examples=300)
@given(
    width=st.integers(1, 12_000),
    height=st.integers(1, 12_000),
    area=rects(min_size=1, max_size=4000),
    data=st.data(),
)
def test_a_fitted_image_maps_screen_selections_to_exact_source_pixels(
    width: int, height: int, area: Rect, data: st.DataObject
) -> None:
    fit = g.fit_image((width, height), area)
    source = Rect(0, 0, width, height)
    assert _inside(fit.display, area)
    assert fit.display.width <= width
    assert fit.display.height <= height
    assert fit.to_source(fit.display) == source
    picked = data.draw(rect_inside(fit.display))
    in_source = fit.to_source(picked)
    assert _inside(in_source, source)
    assert not in_source.is_empty
    # Shown scaled down, every screen pixel edge corresponds to one source edge and back again.
    assert fit.to_display(in_source) == picked
    if fit.display.width == width and fit.display.height == height:
        assert in_source == picked.translated(-fit.display.x, -fit.display.y)
