"""The loupe beside the cursor: the source pixels around it, enlarged, with a pixel grid.

It reads the *source* image, so on a shrunk clipboard or file image it still shows true pixels.
"""

from __future__ import annotations

import tkinter as tk
from dataclasses import dataclass

from PIL import Image, ImageTk

from core.models import Rect

CELLS = 15
"""Source pixels across; odd, so that one cell is the centre."""
ZOOM = 8
SIZE = CELLS * ZOOM
GAP = 24
"""Display pixels between the cursor and the loupe."""


@dataclass(frozen=True)
class Colours:
    grid: str = "#3a3a3a"
    centre: str = "#ff3b30"
    border: str = "#ffffff"


class Magnifier:
    """A small canvas placed inside an overlay window; call ``show_at`` on every pointer move."""

    def __init__(self, parent: tk.Misc, colours: Colours = Colours()) -> None:
        self._parent = parent
        self._canvas = tk.Canvas(
            parent,
            width=SIZE,
            height=SIZE,
            highlightthickness=1,
            highlightbackground=colours.border,
            borderwidth=0,
            background="black",
            cursor="crosshair",
        )
        self._photo = ImageTk.PhotoImage("RGB", (SIZE, SIZE), master=parent)
        self._canvas.create_image(0, 0, image=self._photo, anchor="nw")
        for step in range(1, CELLS):
            self._canvas.create_line(step * ZOOM, 0, step * ZOOM, SIZE, fill=colours.grid)
            self._canvas.create_line(0, step * ZOOM, SIZE, step * ZOOM, fill=colours.grid)
        middle = (CELLS // 2) * ZOOM
        self._canvas.create_rectangle(middle, middle, middle + ZOOM, middle + ZOOM, outline=colours.centre)
        self.enabled = True
        self._visible = False

    @property
    def widget(self) -> tk.Canvas:
        return self._canvas

    def show_at(self, source: Image.Image, source_xy: tuple[int, int], view_xy: tuple[int, int], bounds: Rect) -> None:
        """Enlarge the pixels around ``source_xy``; place the loupe near ``view_xy`` inside ``bounds``."""
        if not self.enabled:
            self.hide()
            return
        half = CELLS // 2
        sx, sy = source_xy
        # Crop pads outside the image with black, so edges look like edges.
        patch = source.crop((sx - half, sy - half, sx + half + 1, sy + half + 1))
        if patch.mode != "RGB":
            patch = patch.convert("RGB")
        self._photo.paste(patch.resize((SIZE, SIZE), Image.Resampling.NEAREST))
        x, y = view_xy
        left = x + GAP if x + GAP + SIZE + 2 <= bounds.right else x - GAP - SIZE - 2
        top = y + GAP if y + GAP + SIZE + 2 <= bounds.bottom else y - GAP - SIZE - 2
        self._canvas.place(x=max(bounds.x, left), y=max(bounds.y, top))
        tk.Misc.tkraise(self._canvas)
        self._visible = True

    def hide(self) -> None:
        if self._visible:
            self._canvas.place_forget()
            self._visible = False

    def toggle(self) -> None:
        self.enabled = not self.enabled
        if not self.enabled:
            self.hide()
