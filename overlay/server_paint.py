"""The canvas painting needs on the server-drawn overlay (issues 13 and 14, ADR 034).

The server-drawn selection is a frame whose background is the X server's bright pixmap: there is
no canvas to draw strokes on. When a person paints, one is laid over the selection showing that
region's bright pixels (one GetImage of the selection, not the frame), and it is kept in step as
the selection moves or resizes. A capture nobody paints on never makes it, so the hotkey path
stays free of photo conversions.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable

from PIL import Image, ImageTk

from core.models import Rect

Region = Callable[[Rect], Image.Image]


class ServerPaintLayer:
    """A canvas over ``viewport`` (the selection's frame) showing ``region(view)``; Tk thread only."""

    def __init__(self, viewport: tk.Misc, bind: Callable[[tk.Misc], None]) -> None:
        self._viewport = viewport
        self._bind = bind
        self._canvas: tk.Canvas | None = None
        self._item = 0
        self._photo: ImageTk.PhotoImage | None = None
        self._shown: Rect | None = None
        self.live = False

    def surface(self, view: Rect | None, region: Region) -> tk.Canvas:
        """The canvas, made on first use and shown over ``view`` from now until ``drop``."""
        if self._canvas is None:
            self._canvas = tk.Canvas(self._viewport, highlightthickness=0, borderwidth=0, cursor="fleur")
            self._item = self._canvas.create_image(0, 0, anchor="nw")
            # The same pointer handlers as the overlay's other parts: strokes are presses on it.
            self._bind(self._canvas)
        self.live = True
        self.follow(view, region)
        return self._canvas

    def follow(self, view: Rect | None, region: Region) -> None:
        """The selection is now at ``view``: fetch its pixels again only if its size or place changed."""
        if not self.live or self._canvas is None:
            return
        if view is None:
            self._canvas.place_forget()
            self._shown = None
            return
        self._canvas.place(x=0, y=0, width=view.width, height=view.height)
        if view != self._shown:
            self._photo = ImageTk.PhotoImage(region(view), master=self._canvas)
            self._canvas.itemconfigure(self._item, image=self._photo)
            self._shown = view
        self._canvas.tag_lower(self._item)
        tk.Misc.tkraise(self._canvas)  # Canvas.lift is its items' tag_raise

    def drop(self) -> None:
        """End of the capture: hidden, its photo released, not made again until someone paints."""
        if self._canvas is not None:
            self._canvas.place_forget()
            self._canvas.itemconfigure(self._item, image="")
        self._photo = None
        self._shown = None
        self.live = False
