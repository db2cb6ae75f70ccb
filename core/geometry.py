"""The selector's geometry as pure functions: DPI scaling, monitors, drags, handles, fitting.

Conventions used everywhere below:

* A *point* ``(x, y)`` given by the pointer names the pixel under it. A selection dragged from
  point A to point B covers the pixels from min(A, B) up to, not including, max(A, B): dragging
  from (10, 10) to (110, 60) selects 100 x 50 pixels, the same in any drag direction (as in
  Flameshot). So rectangle edges are pixel *boundaries*, and ``bounds.right`` is a valid edge.
* *Physical* pixels are the screen's real pixels (what ``Screenshot.image`` holds). *Logical*
  units are what Tk's event coordinates and window geometry use. On X11, and on Windows once
  ``declare_dpi_awareness()`` has run, they are the same (pass ``scale=1``); on macOS Tk works
  in points, and ``scale`` is the monitor's backing scale (2 on Retina). The functions take the
  scale explicitly, so the caller decides which applies.
* Every function clamps to the ``bounds`` it is given (usually the monitor's own rectangle in
  monitor-local coordinates, ``Rect(0, 0, w, h)``) and never returns a rectangle outside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from core.models import Monitor, Rect

Point = tuple[int, int]
Handle = Literal["n", "s", "e", "w", "ne", "nw", "se", "sw"]
Direction = Literal["left", "right", "up", "down"]

HANDLES: tuple[Handle, ...] = ("nw", "n", "ne", "e", "se", "s", "sw", "w")
NUDGE_STEP = 1
NUDGE_STEP_FAST = 10
# Floating point makes 0.8 * 1.25 come out as 0.99999999...; a pixel index must not drop by one
# for that, and no real coordinate is within a millionth of a pixel of an edge on purpose.
_EPSILON = 1e-6
_FLIP: Mapping[str, str] = MappingProxyType({"n": "s", "s": "n", "e": "w", "w": "e"})


# --- logical <-> physical ---------------------------------------------------------------------


def to_physical(value: float, scale: float) -> int:
    """The physical pixel index that logical coordinate ``value`` falls in (floor of value x scale)."""
    return math.floor(value * scale + _EPSILON)


def to_logical(value: int, scale: float) -> float:
    """Where physical pixel boundary ``value`` lies in logical units; exact inverse of ``to_physical``."""
    return value / scale


def point_to_physical(x: float, y: float, scale: float) -> Point:
    """A Tk event position (window-relative, logical) as a physical pixel of that window's monitor."""
    return (to_physical(x, scale), to_physical(y, scale))


def point_to_logical(point: Point, scale: float) -> tuple[float, float]:
    """A physical pixel boundary as a position in the Tk window (logical)."""
    return (to_logical(point[0], scale), to_logical(point[1], scale))


def rect_to_logical(rect: Rect, scale: float) -> tuple[float, float, float, float]:
    """A physical rectangle as the logical box ``(x0, y0, x1, y1)`` a Tk canvas draws it with."""
    x0, y0 = point_to_logical((rect.x, rect.y), scale)
    x1, y1 = point_to_logical((rect.right, rect.bottom), scale)
    return (x0, y0, x1, y1)


def rect_to_physical(box: tuple[float, float, float, float], scale: float) -> Rect:
    """A logical box ``(x0, y0, x1, y1)``, in any corner order, as a physical rectangle."""
    x0, x1 = sorted((to_physical(box[0], scale), to_physical(box[2], scale)))
    y0, y1 = sorted((to_physical(box[1], scale), to_physical(box[3], scale)))
    return Rect(x0, y0, x1 - x0, y1 - y0)


def logical_rect(rect: Rect, scale: float) -> Rect:
    """A monitor's physical rectangle in logical units, rounded: where its Tk window goes."""
    return Rect(round(rect.x / scale), round(rect.y / scale), round(rect.width / scale), round(rect.height / scale))


# --- monitors ---------------------------------------------------------------------------------


def virtual_bounds(monitors: Sequence[Monitor]) -> Rect:
    """The bounding box of every monitor in desktop coordinates (origin may be negative)."""
    if not monitors:
        raise ValueError("no monitors")
    left = min(m.rect.x for m in monitors)
    top = min(m.rect.y for m in monitors)
    right = max(m.rect.right for m in monitors)
    bottom = max(m.rect.bottom for m in monitors)
    return Rect(left, top, right - left, bottom - top)


def monitor_at(monitors: Sequence[Monitor], x: int, y: int) -> Monitor | None:
    """The monitor whose pixels include desktop point (x, y), or None in a gap between monitors."""
    return next((m for m in monitors if m.rect.contains(x, y)), None)


def nearest_monitor(monitors: Sequence[Monitor], x: int, y: int) -> Monitor:
    """The monitor containing (x, y), else the closest one (a pointer in a dead corner)."""
    if not monitors:
        raise ValueError("no monitors")
    hit = monitor_at(monitors, x, y)
    if hit is not None:
        return hit

    def distance(monitor: Monitor) -> int:
        r = monitor.rect
        dx = max(r.x - x, 0, x - (r.right - 1))
        dy = max(r.y - y, 0, y - (r.bottom - 1))
        return dx * dx + dy * dy

    return min(monitors, key=distance)


def local_bounds(monitor: Monitor) -> Rect:
    """The monitor's own rectangle in its local coordinates: what its overlay window clamps to."""
    return Rect(0, 0, monitor.rect.width, monitor.rect.height)


def to_local(rect: Rect, monitor: Monitor) -> Rect:
    """A desktop rectangle in the monitor's local coordinates (and so in its Screenshot's pixels)."""
    return rect.translated(-monitor.rect.x, -monitor.rect.y)


def to_desktop(rect: Rect, monitor: Monitor) -> Rect:
    """A monitor-local rectangle in desktop coordinates."""
    return rect.translated(monitor.rect.x, monitor.rect.y)


# --- selecting, moving, resizing --------------------------------------------------------------


def clamp_point(x: int, y: int, bounds: Rect) -> Point:
    """(x, y) moved inside bounds; ``bounds.right``/``bounds.bottom`` are valid edges."""
    return (min(max(x, bounds.x), bounds.right), min(max(y, bounds.y), bounds.bottom))


def normalize_drag(start: Point, end: Point, bounds: Rect) -> Rect:
    """The rectangle a drag from ``start`` to ``end`` selects, in any direction, clamped to bounds.

    A click without movement gives an empty rectangle (width or height 0): callers treat that as
    "no selection yet".
    """
    x0, y0 = clamp_point(*start, bounds)
    x1, y1 = clamp_point(*end, bounds)
    return Rect(min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0))


def clamp_rect(rect: Rect, bounds: Rect) -> Rect:
    """The part of rect inside bounds (empty when they do not overlap)."""
    return rect.intersection(bounds)


def move_rect(rect: Rect, dx: int, dy: int, bounds: Rect) -> Rect:
    """The rectangle moved by (dx, dy), stopping at the edges of bounds.

    Its size never changes, unless it was bigger than bounds: then it shrinks to them.
    """
    width, height = min(rect.width, bounds.width), min(rect.height, bounds.height)
    x = min(max(rect.x + dx, bounds.x), bounds.right - width)
    y = min(max(rect.y + dy, bounds.y), bounds.bottom - height)
    return Rect(x, y, width, height)


def resize_by(rect: Rect, handle: Handle, dx: int, dy: int, bounds: Rect) -> tuple[Rect, Handle]:
    """The rectangle with the edges named by ``handle`` moved by (dx, dy), clamped to bounds.

    Dragging an edge past the opposite one turns the rectangle over, as in Flameshot: the
    returned handle is the one now under the pointer (``w`` becomes ``e`` ...). For a pointer
    drag, pass the rectangle and handle as they were at the button press and the pointer's
    total movement since then, so a handle grabbed a few pixels off-centre does not jump.
    """
    left, top, right, bottom = rect.x, rect.y, rect.right, rect.bottom
    if "w" in handle:
        left = min(max(left + dx, bounds.x), bounds.right)
    if "e" in handle:
        right = min(max(right + dx, bounds.x), bounds.right)
    if "n" in handle:
        top = min(max(top + dy, bounds.y), bounds.bottom)
    if "s" in handle:
        bottom = min(max(bottom + dy, bounds.y), bounds.bottom)
    flipped = handle
    if left > right:
        left, right = right, left
        flipped = _flip(flipped, "we")
    if top > bottom:
        top, bottom = bottom, top
        flipped = _flip(flipped, "ns")
    return Rect(left, top, right - left, bottom - top), flipped


def _flip(handle: Handle, letters: str) -> Handle:
    flipped = "".join(_FLIP[c] if c in letters else c for c in handle)
    return _as_handle(flipped)


def _as_handle(text: str) -> Handle:
    for handle in HANDLES:
        if handle == text:
            return handle
    raise ValueError(f"not a handle: {text!r}")


def handle_points(rect: Rect) -> dict[Handle, Point]:
    """Where each handle is drawn: the corners and the middles of the edges."""
    cx, cy = rect.x + rect.width // 2, rect.y + rect.height // 2
    return {
        "nw": (rect.x, rect.y),
        "n": (cx, rect.y),
        "ne": (rect.right, rect.y),
        "e": (rect.right, cy),
        "se": (rect.right, rect.bottom),
        "s": (cx, rect.bottom),
        "sw": (rect.x, rect.bottom),
        "w": (rect.x, cy),
    }


def handle_at(rect: Rect, x: int, y: int, tolerance: int) -> Handle | None:
    """The handle within ``tolerance`` pixels of (x, y): corners first, then whole edges."""
    if rect.is_empty:
        return None
    for handle in ("nw", "ne", "se", "sw"):
        hx, hy = handle_points(rect)[handle]
        if abs(x - hx) <= tolerance and abs(y - hy) <= tolerance:
            return handle
    inside_x = rect.x - tolerance <= x <= rect.right + tolerance
    inside_y = rect.y - tolerance <= y <= rect.bottom + tolerance
    edges: tuple[tuple[Handle, bool], ...] = (
        ("n", inside_x and abs(y - rect.y) <= tolerance),
        ("s", inside_x and abs(y - rect.bottom) <= tolerance),
        ("w", inside_y and abs(x - rect.x) <= tolerance),
        ("e", inside_y and abs(x - rect.right) <= tolerance),
    )
    return next((handle for handle, hit in edges if hit), None)


def _step(fast: bool) -> int:
    return NUDGE_STEP_FAST if fast else NUDGE_STEP


def nudge(rect: Rect, direction: Direction, bounds: Rect, *, fast: bool = False) -> Rect:
    """An arrow key: move by 1 pixel (10 with Shift, ``fast``), stopping at the edges of bounds."""
    step = _step(fast)
    dx = {"left": -step, "right": step}.get(direction, 0)
    dy = {"up": -step, "down": step}.get(direction, 0)
    return move_rect(rect, dx, dy, bounds)


def alt_resize(rect: Rect, direction: Direction, bounds: Rect, *, fast: bool = False) -> Rect:
    """Alt+arrow: right/down grow the width/height by 1 (10 with Shift), left/up shrink it.

    The top-left corner stays put; the size stays at least 1 pixel and inside bounds.
    """
    step = _step(fast)
    width, height = rect.width, rect.height
    if direction == "right":
        width = min(width + step, bounds.right - rect.x)
    elif direction == "left":
        width = max(width - step, 1)
    elif direction == "down":
        height = min(height + step, bounds.bottom - rect.y)
    else:
        height = max(height - step, 1)
    return Rect(rect.x, rect.y, width, height)


# --- an image shown scaled to fit (clipboard and file sources) --------------------------------


def _scale_edge(value: int, numerator: int, denominator: int) -> int:
    # Integer round-half-up of value * numerator / denominator: exact, no float drift at the
    # image's far edge, so the whole display always maps to the whole source.
    return (2 * value * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True)
class Fit:
    """An image of ``source_size`` pixels shown on screen at ``display`` (never enlarged).

    ``display`` is in the coordinates of the area it was fitted into. The two axes are scaled
    by ``display.width / source_width`` and ``display.height / source_height``: equal up to the
    rounding of one pixel.
    """

    source_width: int
    source_height: int
    display: Rect

    @property
    def scale(self) -> float:
        return self.display.width / self.source_width

    def to_source(self, rect: Rect) -> Rect:
        """A rectangle selected on screen as the source image's pixels (clamped to the image).

        The whole displayed image maps to the whole source; at scale 1 this is a translation.
        """
        d = self.display
        clipped = rect.intersection(d)
        left = _scale_edge(clipped.x - d.x, self.source_width, d.width)
        right = _scale_edge(clipped.right - d.x, self.source_width, d.width)
        top = _scale_edge(clipped.y - d.y, self.source_height, d.height)
        bottom = _scale_edge(clipped.bottom - d.y, self.source_height, d.height)
        return Rect(left, top, right - left, bottom - top)

    def to_display(self, rect: Rect) -> Rect:
        """A rectangle of source pixels as where it shows on screen."""
        d = self.display
        left = d.x + _scale_edge(rect.x, d.width, self.source_width)
        right = d.x + _scale_edge(rect.right, d.width, self.source_width)
        top = d.y + _scale_edge(rect.y, d.height, self.source_height)
        bottom = d.y + _scale_edge(rect.bottom, d.height, self.source_height)
        return Rect(left, top, right - left, bottom - top)


def fit_image(source_size: tuple[int, int], area: Rect) -> Fit:
    """Where an image goes to fit inside ``area``, centred, scaled down only if it must be."""
    source_width, source_height = source_size
    if source_width <= 0 or source_height <= 0 or area.is_empty:
        raise ValueError(f"cannot fit a {source_width}x{source_height} image into {area}")
    if source_width <= area.width and source_height <= area.height:
        width, height = source_width, source_height
    elif area.width * source_height <= area.height * source_width:
        # The width limits: fill it exactly, and round the height (it cannot exceed area.height).
        width = area.width
        height = max(1, _scale_edge(source_height, area.width, source_width))
    else:
        height = area.height
        width = max(1, _scale_edge(source_width, area.height, source_height))
    x = area.x + (area.width - width) // 2
    y = area.y + (area.height - height) // 2
    return Fit(source_width, source_height, Rect(x, y, width, height))
