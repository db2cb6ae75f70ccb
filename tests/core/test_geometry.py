"""The selector's geometry maths, case by case: scales 1, 1.25, 1.5, 2, mixed monitors, negative origins."""

from __future__ import annotations

import pytest

from core import geometry as g
from core.models import Monitor, Rect

LEFT = Monitor(0, Rect(-1280, 0, 1280, 1024), 1.0, "left")
MIDDLE = Monitor(1, Rect(0, 0, 3840, 2160), 2.0, "middle")
RIGHT = Monitor(2, Rect(3840, -200, 2560, 1440), 1.25, "right")
MIXED = (LEFT, MIDDLE, RIGHT)
SCREEN = Rect(0, 0, 1920, 1080)


@pytest.mark.parametrize(
    ("logical", "scale", "physical"),
    [
        (0, 1.0, 0),
        (10, 1.0, 10),
        (10, 1.25, 12),
        (0.8, 1.25, 1),
        (10, 1.5, 15),
        (11, 1.5, 16),
        (10, 2.0, 20),
        (-3, 2.0, -6),
        (-0.5, 1.0, -1),
    ],
)
def test_a_logical_coordinate_falls_in_the_physical_pixel_under_it(logical: float, scale: float, physical: int) -> None:
    assert g.to_physical(logical, scale) == physical


def test_a_physical_edge_in_logical_units_comes_back_to_the_same_edge() -> None:
    for scale in (1.0, 1.25, 1.5, 2.0, 1.75, 3.0):
        for edge in range(-50, 5000, 7):
            assert g.to_physical(g.to_logical(edge, scale), scale) == edge


def test_a_tk_event_maps_to_the_pixel_of_its_monitor_on_a_hidpi_screen() -> None:
    assert g.point_to_physical(100.6, 50.2, 2.0) == (201, 100)
    assert g.point_to_logical((201, 100), 2.0) == (100.5, 50.0)


def test_rectangles_convert_both_ways_and_any_corner_order_is_accepted() -> None:
    rect = Rect(15, 30, 150, 75)
    box = g.rect_to_logical(rect, 1.5)
    assert box == (10.0, 20.0, 110.0, 70.0)
    assert g.rect_to_physical(box, 1.5) == rect
    assert g.rect_to_physical((110.0, 70.0, 10.0, 20.0), 1.5) == rect


def test_a_monitor_window_geometry_in_logical_units() -> None:
    assert g.logical_rect(MIDDLE.rect, 2.0) == Rect(0, 0, 1920, 1080)
    assert g.logical_rect(RIGHT.rect, 1.25) == Rect(3072, -160, 2048, 1152)


def test_the_virtual_desktop_spans_every_monitor_including_negative_origins() -> None:
    assert g.virtual_bounds(MIXED) == Rect(-1280, -200, 1280 + 3840 + 2560, 2360)
    assert g.virtual_bounds([MIDDLE]) == MIDDLE.rect
    with pytest.raises(ValueError, match="no monitors"):
        g.virtual_bounds([])


def test_the_monitor_under_a_point_is_found_on_either_side_of_the_origin() -> None:
    assert g.monitor_at(MIXED, -1, 0) == LEFT
    assert g.monitor_at(MIXED, -1280, 1023) == LEFT
    assert g.monitor_at(MIXED, 0, 0) == MIDDLE
    assert g.monitor_at(MIXED, 3839, 2159) == MIDDLE
    assert g.monitor_at(MIXED, 3840, -200) == RIGHT
    assert g.monitor_at(MIXED, -1, 1024) is None  # below the shorter left monitor
    assert g.monitor_at(MIXED, 3840 + 2560, 0) is None


def test_a_point_in_a_gap_belongs_to_the_nearest_monitor() -> None:
    assert g.nearest_monitor(MIXED, -1290, 500) == LEFT
    assert g.nearest_monitor(MIXED, -10, 1100) == MIDDLE  # 10 px from it, 77 px below the left one
    assert g.nearest_monitor(MIXED, 3000, 2200) == MIDDLE
    assert g.nearest_monitor(MIXED, 9000, -500) == RIGHT


def test_rectangles_move_between_desktop_and_monitor_coordinates() -> None:
    desktop_rect = Rect(-1000, 100, 200, 50)
    local = g.to_local(desktop_rect, LEFT)
    assert local == Rect(280, 100, 200, 50)
    assert g.to_desktop(local, LEFT) == desktop_rect
    assert g.local_bounds(RIGHT) == Rect(0, 0, 2560, 1440)


@pytest.mark.parametrize(
    ("start", "end"),
    [((10, 10), (110, 60)), ((110, 60), (10, 10)), ((110, 10), (10, 60)), ((10, 60), (110, 10))],
)
def test_a_drag_in_any_direction_selects_the_same_pixels(start: g.Point, end: g.Point) -> None:
    assert g.normalize_drag(start, end, SCREEN) == Rect(10, 10, 100, 50)


def test_a_drag_past_the_screen_edge_stops_at_it() -> None:
    assert g.normalize_drag((1800, 1000), (2500, 1500), SCREEN) == Rect(1800, 1000, 120, 80)
    assert g.normalize_drag((100, 100), (-50, -20), SCREEN) == Rect(0, 0, 100, 100)


def test_a_click_without_moving_selects_nothing() -> None:
    assert g.normalize_drag((5, 5), (5, 5), SCREEN).is_empty


def test_moving_stops_at_the_edges_and_keeps_the_size() -> None:
    rect = Rect(100, 100, 200, 100)
    assert g.move_rect(rect, 30, -20, SCREEN) == Rect(130, 80, 200, 100)
    assert g.move_rect(rect, -500, -500, SCREEN) == Rect(0, 0, 200, 100)
    assert g.move_rect(rect, 5000, 5000, SCREEN) == Rect(1720, 980, 200, 100)
    assert g.move_rect(Rect(0, 0, 3000, 50), 10, 0, SCREEN) == Rect(0, 0, 1920, 50)


@pytest.mark.parametrize(
    ("handle", "dx", "dy", "expected"),
    [
        ("n", 5, -10, Rect(100, 90, 200, 110)),
        ("s", 5, 10, Rect(100, 100, 200, 110)),
        ("e", 10, 5, Rect(100, 100, 210, 100)),
        ("w", -10, 5, Rect(90, 100, 210, 100)),
        ("nw", -10, -10, Rect(90, 90, 210, 110)),
        ("ne", 10, -10, Rect(100, 90, 210, 110)),
        ("se", 10, 10, Rect(100, 100, 210, 110)),
        ("sw", -10, 10, Rect(90, 100, 210, 110)),
    ],
)
def test_each_handle_moves_only_its_own_edges(handle: g.Handle, dx: int, dy: int, expected: Rect) -> None:
    assert g.resize_by(Rect(100, 100, 200, 100), handle, dx, dy, SCREEN) == (expected, handle)


def test_dragging_a_handle_past_the_opposite_edge_turns_the_rectangle_over() -> None:
    rect = Rect(100, 100, 200, 100)
    assert g.resize_by(rect, "w", 250, 0, SCREEN) == (Rect(300, 100, 50, 100), "e")
    assert g.resize_by(rect, "se", -300, -150, SCREEN) == (Rect(0, 50, 100, 50), "nw")
    assert g.resize_by(rect, "ne", 0, 150, SCREEN) == (Rect(100, 200, 200, 50), "se")


def test_resizing_stops_at_the_screen_edges() -> None:
    assert g.resize_by(Rect(100, 100, 200, 100), "nw", -500, -500, SCREEN) == (Rect(0, 0, 300, 200), "nw")
    assert g.resize_by(Rect(100, 100, 200, 100), "se", 5000, 5000, SCREEN) == (Rect(100, 100, 1820, 980), "se")


def test_the_handle_under_the_pointer_prefers_corners_and_ignores_far_points() -> None:
    rect = Rect(100, 100, 200, 100)
    assert g.handle_at(rect, 102, 98, 4) == "nw"
    assert g.handle_at(rect, 300, 200, 4) == "se"
    assert g.handle_at(rect, 200, 101, 4) == "n"
    assert g.handle_at(rect, 299, 150, 4) == "e"
    assert g.handle_at(rect, 150, 150, 4) is None
    assert g.handle_at(rect, 500, 500, 4) is None
    assert g.handle_at(Rect(5, 5, 0, 0), 5, 5, 4) is None
    assert g.handle_points(rect)["s"] == (200, 200)


def test_arrows_nudge_by_one_pixel_and_shift_arrows_by_ten() -> None:
    rect = Rect(100, 100, 50, 50)
    assert g.nudge(rect, "left", SCREEN) == Rect(99, 100, 50, 50)
    assert g.nudge(rect, "right", SCREEN, fast=True) == Rect(110, 100, 50, 50)
    assert g.nudge(rect, "up", SCREEN, fast=True) == Rect(100, 90, 50, 50)
    assert g.nudge(rect, "down", SCREEN) == Rect(100, 101, 50, 50)
    assert g.nudge(Rect(0, 0, 50, 50), "left", SCREEN) == Rect(0, 0, 50, 50)


def test_alt_arrows_resize_from_the_top_left_corner_and_never_below_one_pixel() -> None:
    rect = Rect(100, 100, 50, 50)
    assert g.alt_resize(rect, "right", SCREEN) == Rect(100, 100, 51, 50)
    assert g.alt_resize(rect, "down", SCREEN, fast=True) == Rect(100, 100, 50, 60)
    assert g.alt_resize(rect, "left", SCREEN, fast=True) == Rect(100, 100, 40, 50)
    assert g.alt_resize(rect, "up", SCREEN) == Rect(100, 100, 50, 49)
    assert g.alt_resize(Rect(100, 100, 3, 3), "left", SCREEN, fast=True) == Rect(100, 100, 1, 3)
    assert g.alt_resize(Rect(1915, 0, 3, 3), "right", SCREEN, fast=True) == Rect(1915, 0, 5, 3)


def test_an_image_smaller_than_the_screen_is_shown_at_its_own_size_in_the_middle() -> None:
    fit = g.fit_image((800, 600), SCREEN)
    assert fit.display == Rect(560, 240, 800, 600)
    assert fit.scale == 1.0
    assert fit.to_source(Rect(570, 250, 100, 40)) == Rect(10, 10, 100, 40)


def test_a_large_image_is_scaled_down_to_fit_and_maps_back_to_whole_source_pixels() -> None:
    fit = g.fit_image((3840, 2160), SCREEN)
    assert fit.display == SCREEN
    assert fit.scale == 0.5
    assert fit.to_source(Rect(10, 20, 100, 50)) == Rect(20, 40, 200, 100)
    assert fit.to_source(SCREEN) == Rect(0, 0, 3840, 2160)
    assert fit.to_display(Rect(20, 40, 200, 100)) == Rect(10, 20, 100, 50)


def test_a_tall_image_fills_the_height_and_a_selection_outside_it_is_clipped() -> None:
    fit = g.fit_image((1000, 3000), SCREEN)
    assert fit.display == Rect(780, 0, 360, 1080)
    assert fit.to_source(Rect(0, 0, 1920, 1080)) == Rect(0, 0, 1000, 3000)
    assert fit.to_source(Rect(0, 0, 100, 100)).is_empty


def test_an_image_on_a_monitor_with_a_negative_origin_fits_in_its_area() -> None:
    fit = g.fit_image((2000, 1000), LEFT.rect)
    assert fit.display == Rect(-1280, 192, 1280, 640)
    assert fit.to_source(fit.display) == Rect(0, 0, 2000, 1000)


def test_fitting_nothing_or_into_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot fit"):
        g.fit_image((0, 10), SCREEN)
    with pytest.raises(ValueError, match="cannot fit"):
        g.fit_image((10, 10), Rect(0, 0, 0, 10))
