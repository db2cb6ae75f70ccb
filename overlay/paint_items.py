"""The canvas items the painting tools draw, and the bitmaps behind the erased brush layer (issue 13).

Colours match what ``core.painting`` rasterizes: the markup's colour is the one sent. Every item
carries ``TAG``, so one ``move`` takes the whole painting along with the selection; a stroke's
per-motion segments also carry ``STEP`` and are replaced by one item when the stroke ends.
"""

from __future__ import annotations

import tkinter as tk

from PIL import Image

from core import painting
from core.models import Rect
from core.painting import Stroke

TINT = "#ff3b6b"
MARKUP = "#{:02x}{:02x}{:02x}".format(*painting.MARKUP_COLOUR[:3])
ERASER = "#9aa0a6"
TAG = "paint"
STEP = "paint-step"


def shape(canvas: tk.Canvas, tool: str, start: tuple[float, float], end: tuple[float, float], width: float) -> int:
    if tool == "ellipse":
        return canvas.create_oval(*start, *end, outline=MARKUP, width=width, tags=(TAG,))
    return canvas.create_line(
        *start, *end, fill=MARKUP, width=width, capstyle="round", arrow="last",
        arrowshape=(5 * width, 5 * width, 2.5 * width), tags=(TAG,),
    )  # fmt: skip


def polyline(
    canvas: tk.Canvas, tool: str, points: list[tuple[float, float]], width: float, tags: tuple[str, ...]
) -> None:
    colour = {"brush": TINT, "eraser": ERASER}.get(tool, MARKUP)
    if len(points) == 1 or all(point == points[0] for point in points):
        # Tk draws nothing for a zero-length line; a dab is its round cap.
        points = [points[0], (points[0][0] + 0.01, points[0][1])]
    canvas.create_line(
        *(value for point in points for value in point),
        fill=colour, width=width, capstyle="round", joinstyle="round",
        stipple="gray50" if tool != "markup" else "", tags=tags,
    )  # fmt: skip


def bounds(strokes: tuple[Stroke, ...]) -> Rect:
    xs = [p[0] - s.radius for s in strokes for p in s.points] + [p[0] + s.radius for s in strokes for p in s.points]
    ys = [p[1] - s.radius for s in strokes for p in s.points] + [p[1] + s.radius for s in strokes for p in s.points]
    left, top = int(min(xs)) - 1, int(min(ys)) - 1
    return Rect(left, top, int(max(xs)) + 2 - left, int(max(ys)) + 2 - top)


def checker(size: tuple[int, int], phase: int) -> Image.Image:
    """Every other pixel set, as Tk's gray50 stipple: built from packed rows, not pixel by pixel (4K)."""
    row_bytes = (size[0] + 7) // 8
    even, odd = b"\xaa" * row_bytes, b"\x55" * row_bytes
    rows = (even + odd) if phase == 0 else (odd + even)
    data = rows * (size[1] // 2) + (rows[:row_bytes] if size[1] % 2 else b"")
    return Image.frombytes("1", size, data)
