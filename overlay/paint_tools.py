"""Painting on the selection (issue 13): the tools' state, their keys, and their canvas items.

The selector hands pointer events inside the selection here while a tool is on (``B`` brush,
``X`` eraser, ``A`` markup; the same key again puts it away). A stroke is drawn as it goes as
canvas items, one round-capped line per pointer step, on the selection's bright canvas: Tk then
draws one short line per motion event, which keeps up at 4K, where redrawing a raster would not.
Only on Enter is the stroke model (``core.painting``, in source pixels) rasterized, at the crop's size.

The brush shows as a stippled (screen-door translucent) tint. An eraser stroke cannot be shown by
covering, so when one ends the brush's items are replaced by one bitmap of what is left (over the
paint's bounding box only). Moving the selection moves every item with it (``follow``).
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Mapping
from tkinter import font as tkfont
from types import MappingProxyType
from typing import Literal

from PIL import Image, ImageChops, ImageTk

from core import paint_geometry as pg
from core import painting
from core.models import Rect
from core.painting import Painting, Stroke
from overlay import paint_items as items
from overlay.paint_strip import PaintStrip
from overlay.surface import SelectorWindow

log = logging.getLogger(__name__)

Mode = Literal["brush", "eraser", "markup"]
KEYS: Mapping[str, Mode] = MappingProxyType({"b": "brush", "x": "eraser", "a": "markup"})
SHIFT, CONTROL = 0x0001, 0x0004


class PaintTools:
    """One selection's painting; every method runs on the Tk thread."""

    def __init__(self, font: tkfont.Font) -> None:
        self._font = font
        self.mode: Mode | None = None
        self.size = pg.DEFAULT_BRUSH
        self.painting = Painting()
        self._window: SelectorWindow | None = None
        # The canvas the strokes are drawn on, once asked for: the server-drawn overlay (ADR 034)
        # only makes one when something is painted, so an unpainted capture never pays for it.
        self._surface: tk.Canvas | None = None
        self._origin = (0, 0)
        self._stroke: Stroke | None = None
        self._shape: int | None = None
        self._ring: int | None = None
        self._bitmap: ImageTk.BitmapImage | None = None
        self._strips: dict[Rect, PaintStrip] = {}

    def reset(self) -> None:
        """A new selection session: no tool, no paint."""
        self._clear_items()
        if self._window is not None:
            self._strip(self._window).hide()
        self.mode, self.painting, self._stroke, self._window, self._surface = None, Painting(), None, None, None

    # --- keys --------------------------------------------------------------------------------

    def key(self, keysym: str, state: int, window: SelectorWindow | None) -> bool:
        """A key for the tools: True when it was one (the selector then does nothing else with it)."""
        if window is None or window.view is None:
            return False
        lower = keysym.lower()
        if state & CONTROL and lower == "z":
            self._set(self.painting.redo() if state & SHIFT else self.painting.undo(), window)
        elif lower in KEYS and not state & CONTROL:
            mode = KEYS[lower]
            self.mode = None if self.mode == mode else mode
            log.info("paint tool %s", self.mode or "off")
        elif keysym in {"bracketleft", "bracketright"}:
            self.size = pg.brush_step(self.size, 1 if keysym == "bracketright" else -1)
        elif keysym in {"Delete", "KP_Delete"}:
            self._set(self.painting.clear(), window)
        else:
            return False
        self.follow(window)
        # The ring shows the new size (or goes, with the tool) before the pointer next moves.
        x, y = window.top.winfo_pointerxy()
        self.ring(window, (x - window.screen.x, y - window.screen.y))
        return True

    def _set(self, changed: Painting, window: SelectorWindow) -> None:
        self.painting = changed
        self._redraw(window)

    # --- pointer -----------------------------------------------------------------------------

    def press(self, window: SelectorWindow, point: tuple[int, int], state: int, inside: bool) -> bool:
        """Start a stroke at ``point`` (window pixels) if a tool is on and the press is ``inside``."""
        if self.mode is None or not inside or window.scene is None or window.view is None:
            return False
        self._adopt(window)
        fit = window.scene.fit
        start = pg.source_point(point, fit)
        tool: painting.Tool = self.mode
        radius = pg.source_radius(self.size / 2, fit)
        if self.mode == "markup":
            radius = pg.source_radius(painting.MARKUP_RADIUS, fit)
            tool = "arrow" if state & SHIFT else "ellipse" if state & CONTROL else "markup"
        self._stroke = Stroke(tool, (start,), radius)
        self._shape = None
        # Out of the way while painting (it would stand still over the stroke); the next move shows it.
        window.magnifier.hide()
        self._draw_step(window, start, start)
        return True

    def drag(self, window: SelectorWindow, point: tuple[int, int]) -> bool:
        if self._stroke is None:
            return False
        if window is self._window and window.scene is not None:
            last = self._stroke.points[-1]
            now = pg.source_point(point, window.scene.fit)
            self._stroke = self._stroke.moved_to(now)
            self._draw_step(window, last, now)
            self.ring(window, point)
        return True

    def release(self, window: SelectorWindow, point: tuple[int, int]) -> bool:
        if self._stroke is None:
            return False
        self.drag(window, point)
        stroke, self._stroke = self._stroke, None
        self.painting = self.painting.add(stroke)
        log.info("painted %s stroke %d", stroke.tool, len(self.painting.strokes))
        if stroke.tool == "eraser":
            self._redraw(window)
        elif stroke.tool not in {"arrow", "ellipse"} and window is self._window:
            self._canvas(window).delete(items.STEP)
            self._draw_whole(window, stroke)
        self._shape = None
        return True

    def ring(self, window: SelectorWindow, point: tuple[int, int]) -> None:
        """The brush's size as a ring under the pointer while the brush or eraser is on."""
        view = window.view
        if self.mode not in {"brush", "eraser"} or view is None or not view.contains(*point):
            if self._ring is not None and self._surface is not None:
                self._surface.itemconfigure(self._ring, state="hidden")
            return
        canvas = self._canvas(window)
        if self._ring is None:
            self._ring = canvas.create_oval(0, 0, 0, 0, outline="white", width=1)
        half = self.size / 2
        x, y = point[0] - view.x + 0.5, point[1] - view.y + 0.5
        canvas.coords(self._ring, x - half, y - half, x + half, y + half)
        canvas.itemconfigure(self._ring, state="normal")
        canvas.tag_raise(self._ring)

    # --- the selection -----------------------------------------------------------------------

    def follow(self, window: SelectorWindow) -> None:
        """The selection moved, resized or got a new owner: items and strip go with it."""
        if window.view is None:
            self._strip(window).hide()
            return
        self._adopt(window)
        view = window.view
        dx, dy = self._origin[0] - view.x, self._origin[1] - view.y
        if dx or dy:
            if self._surface is not None:
                self._surface.move(items.TAG, dx, dy)
            self._origin = (view.x, view.y)
        self._strip(window).show(view, Rect(0, 0, window.screen.width, window.screen.height), self.mode, self.size)

    def result(self, rect: Rect) -> tuple[Image.Image | None, Image.Image | None, int]:
        """The crop's mask and markup (either may be None) and how many marks there are."""
        strokes = self.painting.strokes
        return painting.mask_of(strokes, rect), painting.markup_of(strokes, rect), len(self.painting.markup_strokes)

    # --- drawing -----------------------------------------------------------------------------

    def _adopt(self, window: SelectorWindow) -> None:
        if self._window is window:
            return
        if self._window is not None:
            # Another monitor's image: the strokes referred to that one's pixels.
            self._clear_items()
            self._strip(self._window).hide()
            self.painting = Painting()
        self._window = window
        self._surface = None
        view = window.view
        self._origin = (view.x, view.y) if view is not None else (0, 0)

    def _xy(self, window: SelectorWindow, point: pg.FPoint) -> tuple[float, float]:
        assert window.scene is not None  # noqa: S101 - only called while a scene is shown
        x, y = pg.view_point(point, window.scene.fit)
        return (x - self._origin[0], y - self._origin[1])

    def _draw_step(self, window: SelectorWindow, last: pg.FPoint, now: pg.FPoint) -> None:
        stroke = self._stroke
        if stroke is None or window.scene is None:
            return
        canvas = self._canvas(window)
        width = max(1.0, 2 * pg.view_radius(stroke.radius, window.scene.fit))
        if stroke.tool in {"arrow", "ellipse"}:
            start, end = self._xy(window, stroke.points[0]), self._xy(window, now)
            if self._shape is not None:
                canvas.delete(self._shape)
            self._shape = items.shape(canvas, stroke.tool, start, end, width)
            return
        items.polyline(
            canvas, stroke.tool, [self._xy(window, last), self._xy(window, now)], width, (items.TAG, items.STEP)
        )

    def _draw_whole(self, window: SelectorWindow, stroke: Stroke) -> None:
        """One item for a finished stroke: Tk looks at every item on each redraw and move."""
        if window.scene is None:
            return
        width = max(1.0, 2 * pg.view_radius(stroke.radius, window.scene.fit))
        points = [self._xy(window, point) for point in stroke.points]
        if stroke.tool in {"arrow", "ellipse"}:
            items.shape(self._canvas(window), stroke.tool, points[0], points[-1], width)
        else:
            items.polyline(self._canvas(window), stroke.tool, points, width, (items.TAG,))

    def _redraw(self, window: SelectorWindow) -> None:
        """Every stroke again, from the model: after undo, redo, clear or an eraser stroke."""
        self._clear_items()
        if window.scene is None or window.view is None:
            return
        if self._window is not window:
            self._surface = None
        self._window = window
        self._origin = (window.view.x, window.view.y)
        self._draw_brush_layer(window)
        for stroke in self.painting.markup_strokes:
            self._draw_whole(window, stroke)

    def _draw_brush_layer(self, window: SelectorWindow) -> None:
        strokes = self.painting.mask_strokes
        scene = window.scene
        if not strokes or scene is None:
            return
        fit = scene.fit
        # The paint in window pixels, over its bounding box on the displayed image only.
        shown = tuple(
            Stroke(s.tool, tuple(pg.view_point(p, fit) for p in s.points), pg.view_radius(s.radius, fit))
            for s in strokes
        )
        box = items.bounds(shown).intersection(fit.display)
        mask = painting.mask_of(shown, box) if not box.is_empty else None
        if mask is None:
            return
        bits = ImageChops.logical_and(mask.convert("1"), items.checker(mask.size, (box.x + box.y) % 2))
        canvas = self._canvas(window)
        self._bitmap = ImageTk.BitmapImage(bits, foreground=items.TINT, master=canvas)
        canvas.create_image(
            box.x - self._origin[0], box.y - self._origin[1], image=self._bitmap, anchor="nw", tags=(items.TAG,)
        )

    def _canvas(self, window: SelectorWindow) -> tk.Canvas:
        if self._surface is None or window is not self._window:
            self._surface = window.paint_surface()
        return self._surface

    def _clear_items(self) -> None:
        if self._surface is not None:
            self._surface.delete(items.TAG)
            if self._ring is not None:
                self._surface.delete(self._ring)
        self._ring = None
        self._shape = None
        self._bitmap = None

    def _strip(self, window: SelectorWindow) -> PaintStrip:
        strip = self._strips.get(window.screen)
        if strip is None:
            strip = self._strips[window.screen] = PaintStrip(window.canvas, self._font)
        return strip
