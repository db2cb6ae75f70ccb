"""The viewer's picture: one image, or the original left of a divider and the result right of it (issue 18).

The wipe follows ADR 012's trick: the result is one label filling the viewer and the original a child
label laid over its left part, clipped by its own width, so moving the divider only resizes a window
(the X server redraws from the photos' pixmaps; nothing is converted again). The divider itself is a
thin line on top. Positions are in the viewer's pixels; ``divider`` None shows the main image alone.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable

from PIL import Image, ImageTk

BACKGROUND = "#202124"
LINE = "#f1f3f4"
LINE_PX = 2


def photo_of(image: Image.Image, size: tuple[int, int], root: tk.Misc) -> ImageTk.PhotoImage:
    """``image`` as a photo of the viewer's size (results of another shape are shown fitted to it)."""
    shown = image if image.size == size else image.resize(size, Image.Resampling.LANCZOS)
    if shown.mode not in {"RGB", "RGBA"}:
        shown = shown.convert("RGBA")
    return ImageTk.PhotoImage(shown, master=root)


def divider_at(x_root: int, left: int, width: int) -> int:
    """The divider for a pointer at ``x_root`` over a viewer whose left edge is ``left``: kept inside it."""
    return max(0, min(width, x_root - left))


class WipePicture:
    """Shows ``main``, with ``original`` over its left ``divider`` pixels when a divider is set."""

    def __init__(self, parent: tk.Misc, size: tuple[int, int]) -> None:
        self.size = size
        self.divider: int | None = None
        width, height = size
        self.main = tk.Label(parent, borderwidth=0, highlightthickness=0, background=BACKGROUND, anchor="nw")
        self.main.place(x=0, y=0, width=width, height=height)
        # anchor nw: a label narrower than its image shows the image's left part, at its own pixels.
        self.left = tk.Label(parent, borderwidth=0, highlightthickness=0, background=BACKGROUND, anchor="nw")
        self.line = tk.Frame(parent, background=LINE, width=LINE_PX, cursor="sb_h_double_arrow")

    @property
    def widgets(self) -> tuple[tk.Misc, ...]:
        """Every part a pointer can land on (for the drag's bindings)."""
        return (self.main, self.left, self.line)

    def bind_drag(
        self, on_press: Callable[[int], None], on_motion: Callable[[int], None], on_up: Callable[[], None]
    ) -> None:
        """``on_press(x_root)``, ``on_motion(x_root)`` while button 1 is down, ``on_up()`` when it is released."""
        for widget in self.widgets:
            widget.bind("<ButtonPress-1>", lambda event: on_press(event.x_root))
            widget.bind("<B1-Motion>", lambda event: on_motion(event.x_root))
            widget.bind("<ButtonRelease-1>", lambda _event: on_up())

    def show(self, main: ImageTk.PhotoImage, original: ImageTk.PhotoImage, divider: int | None) -> None:
        self.main.configure(image=main)
        self.divider = divider
        if divider is None:
            self.left.place_forget()
            self.line.place_forget()
            return
        height = self.size[1]
        self.left.configure(image=original)
        self.left.place(x=0, y=0, width=max(divider, 1), height=height)
        if divider == 0:
            self.left.place_forget()
        self.line.place(
            x=max(0, min(self.size[0] - LINE_PX, divider - LINE_PX // 2)), y=0, width=LINE_PX, height=height
        )
        self.left.lift()
        self.line.lift()
