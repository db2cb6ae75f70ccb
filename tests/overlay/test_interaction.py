"""The selector's press/drag/key rules, in source pixels, without a display."""

from __future__ import annotations

import pytest

from core.models import Rect
from overlay import interaction

BOUNDS = Rect(0, 0, 1920, 1080)
SELECTION = Rect(100, 100, 200, 100)


def test_a_press_outside_the_selection_starts_a_new_one_from_that_point() -> None:
    press = interaction.begin(SELECTION, SELECTION, (500, 500), (500, 500))
    assert press.kind == "new"
    assert interaction.drag(press, (450, 520), BOUNDS) == Rect(450, 500, 50, 20)


def test_a_press_inside_moves_the_selection_by_the_pointer_travel_and_stops_at_the_edge() -> None:
    press = interaction.begin(SELECTION, SELECTION, (150, 150), (150, 150))
    assert press.kind == "move"
    assert interaction.drag(press, (180, 140), BOUNDS) == Rect(130, 90, 200, 100)
    assert interaction.drag(press, (0, 0), BOUNDS) == Rect(0, 0, 200, 100)


def test_a_press_on_a_corner_resizes_from_that_corner_and_the_opposite_one_stays() -> None:
    press = interaction.begin(SELECTION, SELECTION, (301, 199), (301, 199))
    assert (press.kind, press.handle) == ("resize", "se")
    assert interaction.drag(press, (331, 219), BOUNDS) == Rect(100, 100, 230, 120)


def test_handles_are_hit_in_window_pixels_even_when_the_source_is_scaled() -> None:
    # Shown at half size: the handle is where the person sees it, the drag is in source pixels.
    view = Rect(50, 50, 100, 50)
    press = interaction.begin(SELECTION, view, (150, 100), (300, 200))
    assert (press.kind, press.handle) == ("resize", "se")
    assert interaction.drag(press, (310, 220), BOUNDS) == Rect(100, 100, 210, 120)


def test_with_no_selection_every_press_starts_a_new_one() -> None:
    press = interaction.begin(None, None, (10, 10), (10, 10))
    assert press.kind == "new"
    assert interaction.grab_kind(None, (10, 10)) == "new"


@pytest.mark.parametrize(
    ("keysym", "shift", "alt", "expected"),
    [
        ("Right", False, False, Rect(101, 100, 200, 100)),
        ("Up", True, False, Rect(100, 90, 200, 100)),
        ("Right", False, True, Rect(100, 100, 201, 100)),
        ("Down", True, True, Rect(100, 100, 200, 110)),
        ("Left", False, True, Rect(100, 100, 199, 100)),
    ],
)
def test_arrows_nudge_and_alt_arrows_resize(keysym: str, shift: bool, alt: bool, expected: Rect) -> None:
    assert interaction.key_step(SELECTION, keysym, shift=shift, alt=alt, bounds=BOUNDS) == expected


def test_other_keys_leave_the_selection_alone() -> None:
    assert interaction.key_step(SELECTION, "a", shift=False, alt=False, bounds=BOUNDS) is None


def test_the_readout_gives_size_and_desktop_position_in_physical_pixels() -> None:
    assert interaction.readout(Rect(10, 20, 300, 200), (1920, 0)) == "300 \u00d7 200   1930, 20"


def test_every_grab_kind_has_a_cursor() -> None:
    kinds = {interaction.grab_kind(SELECTION, point) for point in [(0, 0), (150, 150), (100, 100), (200, 100)]}
    assert kinds <= set(interaction.CURSORS)
