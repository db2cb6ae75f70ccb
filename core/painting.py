"""The painting on a selection as a stroke model, and its rasterization into a crop's mask and markup.

Strokes are in source pixels (``core.paint_geometry``), so the selection can move and resize under
them. The overlay draws them as canvas items while the person paints; only on Enter are they drawn
here, once, with Pillow's ImageDraw at the crop's size (issue 13: per motion event a 4K raster would
lag). The brush and eraser make the mask (``L``, 255 = edit, ``core.marks``' convention), in order,
the eraser taking paint away; markup strokes, arrows and ellipses make the markup (``RGBA``,
transparent but for the marks). The eraser works on the brush's paint only: a markup stroke is one
mark, taken back whole with undo.

``Painting`` is immutable: every change returns a new one that remembers the one before, which is
what undo and redo walk.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageDraw

from core.marks import EDIT, KEEP
from core.models import Rect
from core.paint_geometry import FPoint

Tool = Literal["brush", "eraser", "markup", "arrow", "ellipse"]
MASK_TOOLS = frozenset({"brush", "eraser"})
MARKUP_COLOUR = (255, 32, 96, 255)
"""A saturated pink-red: reads on photos, text and UI alike, and no UI accent uses it."""
MARKUP_RADIUS = 3.0
ARROW_HEAD = 5.0
"""The arrow head's length in stroke widths."""


@dataclass(frozen=True)
class Stroke:
    """One drag: its points (source pixels), radius (source pixels) and tool."""

    tool: Tool
    points: tuple[FPoint, ...]
    radius: float

    def moved_to(self, point: FPoint) -> Stroke:
        if self.tool in {"arrow", "ellipse"}:
            # A shape is its drag's first and last point.
            return Stroke(self.tool, (self.points[0], point), self.radius)
        return Stroke(self.tool, (*self.points, point), self.radius)


@dataclass(frozen=True)
class Painting:
    strokes: tuple[Stroke, ...] = ()
    past: tuple[tuple[Stroke, ...], ...] = ()
    future: tuple[tuple[Stroke, ...], ...] = ()

    def _to(self, strokes: tuple[Stroke, ...]) -> Painting:
        return Painting(strokes, (*self.past, self.strokes), ())

    def add(self, stroke: Stroke) -> Painting:
        return self._to((*self.strokes, stroke))

    def clear(self) -> Painting:
        """Del: everything goes, and one undo brings it back."""
        return self._to(()) if self.strokes else self

    def undo(self) -> Painting:
        if not self.past:
            return self
        return Painting(self.past[-1], self.past[:-1], (self.strokes, *self.future))

    def redo(self) -> Painting:
        if not self.future:
            return self
        return Painting(self.future[0], (*self.past, self.strokes), self.future[1:])

    @property
    def mask_strokes(self) -> tuple[Stroke, ...]:
        return tuple(stroke for stroke in self.strokes if stroke.tool in MASK_TOOLS)

    @property
    def markup_strokes(self) -> tuple[Stroke, ...]:
        return tuple(stroke for stroke in self.strokes if stroke.tool not in MASK_TOOLS)


def mask_of(strokes: tuple[Stroke, ...], rect: Rect) -> Image.Image | None:
    """The brush's area in the crop ``rect`` (``L``, 255 = edit), or None when nothing of it is left there."""
    if not any(stroke.tool == "brush" for stroke in strokes):
        return None
    mask = Image.new("L", (rect.width, rect.height), KEEP)
    draw = ImageDraw.Draw(mask)
    for stroke in strokes:
        if stroke.tool in MASK_TOOLS:
            _line(draw, _local(stroke.points, rect), stroke.radius, EDIT if stroke.tool == "brush" else KEEP)
    return mask if mask.getbbox() is not None else None


def markup_of(strokes: tuple[Stroke, ...], rect: Rect) -> Image.Image | None:
    """The marks in the crop ``rect`` (``RGBA``, transparent elsewhere), or None when none shows there."""
    marks = [stroke for stroke in strokes if stroke.tool not in MASK_TOOLS]
    if not marks:
        return None
    markup = Image.new("RGBA", (rect.width, rect.height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(markup)
    for stroke in marks:
        points = _local(stroke.points, rect)
        if stroke.tool == "ellipse" and len(points) > 1:
            (x0, y0), (x1, y1) = points[0], points[-1]
            box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
            draw.ellipse(box, outline=MARKUP_COLOUR, width=max(1, round(2 * stroke.radius)))
            continue
        _line(draw, points, stroke.radius, MARKUP_COLOUR)
        if stroke.tool == "arrow" and len(points) > 1:
            draw.polygon(arrow_head(points[0], points[-1], stroke.radius), fill=MARKUP_COLOUR)
    return markup if markup.getchannel("A").getbbox() is not None else None


def arrow_head(start: FPoint, end: FPoint, radius: float) -> list[FPoint]:
    """The head's triangle at ``end``, pointing away from ``start``."""
    angle = math.atan2(end[1] - start[1], end[0] - start[0])
    length = ARROW_HEAD * 2 * radius
    spread = math.radians(28)
    return [
        end,
        (end[0] - length * math.cos(angle - spread), end[1] - length * math.sin(angle - spread)),
        (end[0] - length * math.cos(angle + spread), end[1] - length * math.sin(angle + spread)),
    ]


def _local(points: tuple[FPoint, ...], rect: Rect) -> list[FPoint]:
    # ImageDraw puts integer (x, y) at the centre of pixel (x, y); ours is at (x + 0.5, y + 0.5).
    return [(x - rect.x - 0.5, y - rect.y - 0.5) for x, y in points]


def _line(draw: ImageDraw.ImageDraw, points: list[FPoint], radius: float, fill: int | tuple[int, ...]) -> None:
    """A polyline with round caps and joins: a disc at every point, and a band of ``radius`` either side.

    The band is a polygon of its own, not ``ImageDraw.line(width=...)``: Pillow's wide lines come
    out about a pixel thin on a diagonal (a property test found a pixel 11 px from a 12 px stroke
    unpainted). ImageDraw rounds vertices to whole pixels and fills a polygon's outline too, so the
    edge is where the radius says to within a pixel inside and 1.75 px outside (``test_painting``).
    """
    for x, y in points:
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=fill)
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        length = math.hypot(x1 - x0, y1 - y0)
        if length == 0:
            continue
        nx, ny = -(y1 - y0) / length * radius, (x1 - x0) / length * radius
        draw.polygon([(x0 + nx, y0 + ny), (x1 + nx, y1 + ny), (x1 - nx, y1 - ny), (x0 - nx, y0 - ny)], fill=fill)
