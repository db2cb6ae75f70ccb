"""One overlay window: a borderless, topmost Toplevel over one monitor showing its frozen image.

Rendering (docs/adr/012-overlay-rendering.md): the whole frozen image is shown *dimmed* by one
Tk photo, and the selection is a child canvas laid over it that shows the *bright* photo
shifted by the selection's position. Moving or resizing the selection then only moves a child
window: the X server redraws it from the photo's pixmap, nothing is converted again. The dimmed
photo is the only conversion before the first paint; the bright one is made right after it.
The window, canvases, fonts and magnifier are built once and kept withdrawn between captures.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable
from tkinter import font as tkfont

from PIL import Image, ImageTk

from core import geometry
from core.models import Rect, Selection
from overlay.magnifier import Magnifier
from overlay.sources import Scene

log = logging.getLogger(__name__)

WM_CLASS = "ai-image-studio"
BACKGROUND = "#101010"
ACCENT = "#2f8cff"
HANDLE = 7
DIM = 115 / 255
"""Brightness left outside the selection (Flameshot's shade is about the same)."""


def _shaded(value: int) -> int:
    """``value * 115 / 255`` rounded as RENDER rounds it (pixman's MUL_UN8), so both paths dim alike."""
    t = value * 115 + 0x80
    return ((t >> 8) + t) >> 8


_DIM_TABLE = tuple(_shaded(value) for value in range(256)) * 3

EventHandler = Callable[["OverlayWindow", "tk.Event[tk.Misc]"], None]


class OverlayWindow:
    """Built once per monitor rectangle; ``show`` and ``hide`` per capture. Tk thread only."""

    def __init__(self, root: tk.Misc, screen: Rect, fonts: tuple[tkfont.Font, tkfont.Font]) -> None:
        self.screen = screen
        self.scene: Scene | None = None
        self._dim_photo: ImageTk.PhotoImage | None = None
        self._bright_photo: ImageTk.PhotoImage | None = None
        self._view: Rect | None = None
        top = tk.Toplevel(root, class_=WM_CLASS)
        top.withdraw()
        top.overrideredirect(True)
        top.geometry(f"{screen.width}x{screen.height}+{screen.x}+{screen.y}")
        top.attributes("-topmost", True)
        self.top = top
        canvas = tk.Canvas(
            top,
            width=screen.width,
            height=screen.height,
            highlightthickness=0,
            borderwidth=0,
            background=BACKGROUND,
            cursor="crosshair",
        )
        canvas.place(x=0, y=0)
        self.canvas = canvas
        self.surface = canvas
        self._image_item = canvas.create_image(0, 0, anchor="nw")
        self._outline = canvas.create_rectangle(0, 0, 0, 0, outline=ACCENT, state="hidden")
        self._hint = canvas.create_text(
            screen.width // 2, 36, fill="white", font=fonts[1], state="hidden", justify="center"
        )
        # The selection: a child canvas over the dimmed image showing the bright one.
        self.bright = tk.Canvas(canvas, highlightthickness=0, borderwidth=0, background=BACKGROUND, cursor="fleur")
        self._bright_item = self.bright.create_image(0, 0, anchor="nw")
        # Each handle is drawn twice, outside (parent) and inside (child), to look whole.
        self._handles = [
            (
                canvas.create_rectangle(0, 0, 0, 0, fill=ACCENT, outline="white", state="hidden"),
                self.bright.create_rectangle(0, 0, 0, 0, fill=ACCENT, outline="white"),
            )
            for _ in geometry.HANDLES
        ]
        self.readout = tk.Label(canvas, font=fonts[0], foreground="white", background="#202124", padx=6, pady=2)
        self.magnifier = Magnifier(canvas)

    def bind(self, sequence: str, handler: EventHandler) -> None:
        """Bind a pointer event on every part of the window that can receive it."""
        for widget in (self.canvas, self.bright, self.magnifier.widget, self.readout):
            widget.bind(sequence, lambda event: handler(self, event))

    @property
    def window_id(self) -> int:
        """The toplevel's own X window (Tk's wrapper), which is what focus and grabs are given to."""
        return int(self.top.wm_frame(), 16)

    def bind_key(self, handler: EventHandler) -> None:
        self.top.bind("<Key>", lambda event: handler(self, event))

    def local(self, event: tk.Event[tk.Misc]) -> geometry.Point:
        """The event's position in this window, from root coordinates: the same in any child."""
        return (event.x_root - self.screen.x, event.y_root - self.screen.y)

    def show(self, scene: Scene, hint: str) -> None:
        """Convert the dimmed image and map the window; the image itself appears with ``reveal``."""
        self.scene = scene
        dimmed = scene.shown.point(_DIM_TABLE)
        self._dim_photo = ImageTk.PhotoImage(dimmed, master=self.canvas)
        del dimmed
        placement = scene.placement
        self.canvas.coords(self._image_item, placement.x, placement.y)
        self.canvas.itemconfigure(self._hint, text=hint, state="normal")
        self.show_selection(None)
        self.top.deiconify()
        self.top.lift()

    def reveal(self) -> None:
        """Draw the frozen image, once the selector holds the keyboard.

        Issue 17: whoever starts typing at the sight of it must never type into the app below.
        """
        self.canvas.itemconfigure(self._image_item, image=self._dim_photo)

    def warm_up(self) -> None:
        """Run each drawing path once on a tiny image: loads Pillow's Tk bridge and Tk's photo code."""
        photo = ImageTk.PhotoImage(Image.new("RGB", (2, 2)), master=self.canvas)
        self.canvas.itemconfigure(self._image_item, image=photo)
        self.bright.itemconfigure(self._bright_item, image=photo)
        self.readout.configure(text="0 x 0")
        self.canvas.update_idletasks()
        self.canvas.itemconfigure(self._image_item, image="")
        self.bright.itemconfigure(self._bright_item, image="")

    def load_bright(self) -> None:
        """The full-brightness photo, made once the dimmed window is on screen (or when first needed)."""
        if self.scene is None or self._bright_photo is not None:
            return
        self._bright_photo = ImageTk.PhotoImage(self.scene.shown, master=self.canvas)
        self.bright.itemconfigure(self._bright_item, image=self._bright_photo)

    def hide(self) -> None:
        """Withdraw and drop both photos, so the image memory can be returned."""
        self.top.withdraw()
        self.magnifier.hide()
        self.show_selection(None)
        self.canvas.itemconfigure(self._image_item, image="")
        self.bright.itemconfigure(self._bright_item, image="")
        self._dim_photo = None
        self._bright_photo = None
        self.scene = None

    def destroy(self) -> None:
        self.hide()
        self.top.destroy()

    @property
    def view(self) -> Rect | None:
        """The selection as drawn in this window, or None."""
        return self._view

    def paint_surface(self) -> tk.Canvas:
        """The selection's own canvas: it already shows the bright photo, shifted with the selection."""
        return self.bright

    def show_selection(self, view: Rect | None, text: str = "") -> None:
        """Draw the selection at ``view`` (window pixels) with its outline, handles and readout."""
        self._view = view
        if view is None or view.is_empty:
            self._view = None
            self.bright.place_forget()
            self.readout.place_forget()
            self.canvas.itemconfigure(self._outline, state="hidden")
            for outer, _inner in self._handles:
                self.canvas.itemconfigure(outer, state="hidden")
            return
        self.load_bright()
        if self.scene is not None:
            self.canvas.itemconfigure(self._hint, state="hidden")
            placement = self.scene.placement
            self.bright.coords(self._bright_item, placement.x - view.x, placement.y - view.y)
        self.bright.place(x=view.x, y=view.y, width=view.width, height=view.height)
        self.canvas.coords(self._outline, view.x - 1, view.y - 1, view.right, view.bottom)
        self.canvas.itemconfigure(self._outline, state="normal")
        half = HANDLE // 2
        for (outer, inner), (hx, hy) in zip(self._handles, geometry.handle_points(view).values(), strict=True):
            box = (hx - half, hy - half, hx + half, hy + half)
            self.canvas.coords(outer, *box)
            self.canvas.itemconfigure(outer, state="normal")
            self.bright.coords(inner, box[0] - view.x, box[1] - view.y, box[2] - view.x, box[3] - view.y)
        self._place_readout(view, text)

    def _place_readout(self, view: Rect, text: str) -> None:
        self.readout.configure(text=text)
        height = self.readout.winfo_reqheight()
        y = view.y - height - 6
        if y < 0:
            y = view.y + 6
        x = min(max(view.x, 0), max(self.screen.width - self.readout.winfo_reqwidth(), 0))
        self.readout.place(x=x, y=y)
        self.readout.lift()

    def update_magnifier(self, point: geometry.Point) -> None:
        if self.scene is None:
            return
        source_xy = self.scene.pixel_under(*point)
        bounds = Rect(0, 0, self.screen.width, self.screen.height)
        self.magnifier.show_at(self.scene.source, source_xy, point, bounds)

    def set_cursor(self, name: str) -> None:
        if str(self.canvas.cget("cursor")) != name:
            self.canvas.configure(cursor=name)

    def selection(self, rect: Rect) -> Selection:
        assert self.scene is not None  # noqa: S101 - only asked while a scene is shown
        scene = self.scene
        screen = rect.translated(*scene.offset) if scene.origin == "screen" else None
        return Selection(scene.source, rect, origin=scene.origin, screen=screen)


def dimmed_copy(image: Image.Image) -> Image.Image:
    """The image as it looks outside the selection; for tests and screenshots."""
    return image.point(_DIM_TABLE)
