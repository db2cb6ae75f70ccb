"""What a press, a drag or a key does to the selection: pure functions over ``core.geometry``.

Everything here is in source pixels except hit-testing, which happens where the person sees the
handles (window pixels). Kept apart from the Tk code so that it is tested without a display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from core import geometry
from core.geometry import Direction, Handle, Point
from core.models import Rect

HANDLE_TOLERANCE = 6
"""Window pixels around an edge or corner that still grab it."""

ARROWS: Mapping[str, Direction] = MappingProxyType({"Left": "left", "Right": "right", "Up": "up", "Down": "down"})

CURSORS: Mapping[str, str] = MappingProxyType(
    {
        "nw": "top_left_corner",
        "ne": "top_right_corner",
        "se": "bottom_right_corner",
        "sw": "bottom_left_corner",
        "n": "sb_v_double_arrow",
        "s": "sb_v_double_arrow",
        "e": "sb_h_double_arrow",
        "w": "sb_h_double_arrow",
        "move": "fleur",
        "new": "crosshair",
    }
)


@dataclass(frozen=True)
class Press:
    """A button press and what its drag will do: a new selection, a move, or a resize."""

    kind: Literal["new", "move", "resize"]
    start: Point
    rect: Rect
    handle: Handle = "se"


def grab_kind(view_rect: Rect | None, view_xy: Point) -> Literal["new", "move"] | Handle:
    """What the pointer at ``view_xy`` would grab: a handle, the inside (move), or nothing (new)."""
    if view_rect is None or view_rect.is_empty:
        return "new"
    handle = geometry.handle_at(view_rect, *view_xy, HANDLE_TOLERANCE)
    if handle is not None:
        return handle
    return "move" if view_rect.contains(*view_xy) else "new"


def begin(selection: Rect | None, view_rect: Rect | None, view_xy: Point, source_xy: Point) -> Press:
    kind = grab_kind(view_rect, view_xy)
    if selection is None or kind == "new":
        return Press("new", source_xy, Rect(source_xy[0], source_xy[1], 0, 0))
    if kind == "move":
        return Press("move", source_xy, selection)
    return Press("resize", source_xy, selection, kind)


def drag(press: Press, source_xy: Point, bounds: Rect) -> Rect:
    """The selection while the button is held at ``source_xy`` (always computed from the press)."""
    dx, dy = source_xy[0] - press.start[0], source_xy[1] - press.start[1]
    if press.kind == "new":
        return geometry.normalize_drag(press.start, source_xy, bounds)
    if press.kind == "move":
        return geometry.move_rect(press.rect, dx, dy, bounds)
    rect, _handle = geometry.resize_by(press.rect, press.handle, dx, dy, bounds)
    return rect


def key_step(selection: Rect, keysym: str, *, shift: bool, alt: bool, bounds: Rect) -> Rect | None:
    """Arrows nudge (Shift: 10 px), Alt+arrows resize; None for any other key."""
    direction = ARROWS.get(keysym)
    if direction is None:
        return None
    if alt:
        return geometry.alt_resize(selection, direction, bounds, fast=shift)
    return geometry.nudge(selection, direction, bounds, fast=shift)


def readout(rect: Rect, offset: Point) -> str:
    """``W x H   X, Y``: the size and where it is, in physical (source) pixels."""
    return f"{rect.width} \u00d7 {rect.height}   {rect.x + offset[0]}, {rect.y + offset[1]}"
