"""Where a painted stroke lands: pointer positions on an overlay window as source pixels, and back.

Strokes are kept in the source image's own pixels (issue 13), as continuous coordinates: the point
``(x + 0.5, y + 0.5)`` is the centre of source pixel ``(x, y)``. Moving or resizing the selection
then never touches them, and a crop's mask is drawn from them at any rectangle. The pointer names
the pixel under it (``core.geometry``'s convention); its centre is what a dab is centred on.

``scale`` is physical pixels per Tk unit (1 on X11 and on DPI-aware Windows, the backing scale on
macOS), ``fit`` maps the window's display of the image to the source (1:1 for a screenshot, shrunk
for a large clipboard image). Each monitor has its own window, so a pointer's root position is
first made local to the monitor it is on (``OverlayWindow.local``). Pure functions, property-tested.
"""

from __future__ import annotations

import math

from core import geometry
from core.geometry import Fit

FPoint = tuple[float, float]

BRUSH_SIZES: tuple[int, ...] = (4, 8, 12, 16, 24, 32, 48, 64, 96, 128)
"""Brush diameters in window pixels that ``[`` and ``]`` step through."""
DEFAULT_BRUSH = 24


def source_point(point: tuple[float, float], fit: Fit, scale: float = 1.0) -> FPoint:
    """The centre of the source pixel shown under window point ``point`` (Tk units), clamped to the image."""
    centre_x = (geometry.to_physical(point[0], scale) + 0.5) / scale
    centre_y = (geometry.to_physical(point[1], scale) + 0.5) / scale
    d = fit.display
    x = (centre_x - d.x) * fit.source_width / d.width
    y = (centre_y - d.y) * fit.source_height / d.height
    return (_clamp(x, fit.source_width), _clamp(y, fit.source_height))


def view_point(point: FPoint, fit: Fit) -> FPoint:
    """Where source point ``point`` is drawn in the window: the inverse of ``source_point``'s mapping."""
    d = fit.display
    return (d.x + point[0] * d.width / fit.source_width, d.y + point[1] * d.height / fit.source_height)


def source_radius(view_radius: float, fit: Fit) -> float:
    """A brush's radius as seen (window units) in source pixels: bigger on a shrunk image."""
    return view_radius * fit.source_width / fit.display.width


def view_radius(radius: float, fit: Fit) -> float:
    return radius * fit.display.width / fit.source_width


def pixel_of(point: FPoint) -> tuple[int, int]:
    """The pixel whose area holds ``point`` (its centre maps to itself)."""
    return (math.floor(point[0]), math.floor(point[1]))


def brush_step(size: int, step: int) -> int:
    """The brush diameter one ``[`` (step -1) or ``]`` (+1) away from ``size``, within ``BRUSH_SIZES``."""
    sizes = BRUSH_SIZES
    index = min(range(len(sizes)), key=lambda i: abs(sizes[i] - size))
    return sizes[min(max(index + step, 0), len(sizes) - 1)]


def distance_to_segment(point: FPoint, start: FPoint, end: FPoint) -> float:
    """How far ``point`` is from the segment start-end: what "within the brush radius" measures."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((point[0] - start[0]) * dx + (point[1] - start[1]) * dy) / length))
    return math.hypot(point[0] - (start[0] + t * dx), point[1] - (start[1] + t * dy))


def _clamp(value: float, size: int) -> float:
    # Half a pixel inside the edges: the centre of the first or last pixel, never off the image.
    return min(max(value, 0.5), size - 0.5)
