"""One overlay window whose frozen screen the X server draws (X11 with RENDER, ADR 034).

The window is made of Tk frames with no background of Tk's own (``background=""``): the dimmed
pixmap is the X background of the full-size ``surface`` frame, and the selection is a
``viewport`` frame holding a screen-sized ``bright`` frame whose background is the bright pixmap,
placed at minus the viewport's position so the pixels line up. Moving the selection moves two
windows; the server repaints them from its pixmaps. Tk draws only the outline and handles (thin
frames), the hint, the readout and the magnifier; no frame is ever converted into a Tk photo.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass
from tkinter import font as tkfont

from PIL import Image, ImageTk

from core import geometry
from core.models import Rect, Selection
from desktop.capture.x11_pixmap import FrozenMonitor, ServerFreeze
from overlay.magnifier import CELLS, Magnifier
from overlay.server_paint import ServerPaintLayer
from overlay.window import ACCENT, BACKGROUND, HANDLE, WM_CLASS

log = logging.getLogger(__name__)

_PLAIN = int(BACKGROUND[1:], 16)
"""The X pixel of ``BACKGROUND`` on a 24-bit TrueColor screen: shown until the keyboard is held."""
_LABEL = "#202124"

Handler = Callable[["ServerWindow", "tk.Event[tk.Misc]"], None]


@dataclass(frozen=True)
class ServerScene:
    """A monitor frozen on the server, shown 1:1: window pixels are the monitor's own pixels."""

    screen: Rect
    frozen: FrozenMonitor
    origin: str = "screen"

    @property
    def offset(self) -> tuple[int, int]:
        return (self.screen.x, self.screen.y)

    @property
    def bounds(self) -> Rect:
        return Rect(0, 0, self.screen.width, self.screen.height)

    def boundary(self, x: int, y: int) -> geometry.Point:
        return geometry.clamp_point(x, y, self.bounds)

    def to_view(self, rect: Rect) -> Rect:
        return rect

    @property
    def fit(self) -> geometry.Fit:
        return geometry.Fit(self.screen.width, self.screen.height, self.bounds)


def _bare(parent: tk.Misc, width: int, height: int, cursor: str) -> tk.Frame:
    """A frame Tk never paints (no background, border or highlight): the X server draws it."""
    return tk.Frame(
        parent, width=width, height=height, cursor=cursor, background="", highlightthickness=0, borderwidth=0
    )


class ServerWindow:
    """Built once per monitor rectangle; ``show`` and ``hide`` per capture. Tk thread only."""

    def __init__(
        self, root: tk.Misc, screen: Rect, fonts: tuple[tkfont.Font, tkfont.Font], freezer: ServerFreeze
    ) -> None:
        self.screen = screen
        self.scene: ServerScene | None = None
        self._freezer = freezer
        self._view: Rect | None = None
        top = tk.Toplevel(root, class_=WM_CLASS, background=BACKGROUND)
        top.withdraw()
        top.overrideredirect(True)
        top.geometry(f"{screen.width}x{screen.height}+{screen.x}+{screen.y}")
        top.attributes("-topmost", True)
        self.top = top
        self.surface = _bare(top, screen.width, screen.height, "crosshair")
        self.surface.place(x=0, y=0)
        self._viewport = _bare(self.surface, 0, 0, "fleur")
        self._bright = _bare(self._viewport, screen.width, screen.height, "fleur")
        self._bright.place(x=0, y=0)
        self._edges = [tk.Frame(self.surface, background=ACCENT, borderwidth=0) for _ in range(4)]
        self._handles = [
            tk.Frame(
                self.surface,
                width=HANDLE,
                height=HANDLE,
                background=ACCENT,
                highlightthickness=1,
                highlightbackground="white",
                highlightcolor="white",
            )
            for _ in geometry.HANDLES
        ]
        self._hint = tk.Label(self.surface, font=fonts[1], foreground="white", background=_LABEL, padx=8, pady=4)
        self.readout = tk.Label(self.surface, font=fonts[0], foreground="white", background=_LABEL, padx=6, pady=2)
        self.magnifier = Magnifier(self.surface)
        # The X windows must exist on the server before our own connection names them: a round
        # trip on Tk's connection (the pointer query) makes sure Tk's creations were run.
        self._ids = (self.surface.winfo_id(), self._bright.winfo_id())
        top.winfo_pointerxy()
        self._bindings: list[tuple[str, Handler]] = []
        self._paint = ServerPaintLayer(self._viewport, self._bind_all)

    def _parts(self) -> tuple[tk.Misc, ...]:
        return (self.surface, self._viewport, self._bright, *self._edges, *self._handles, self._hint, self.readout)

    def bind(self, sequence: str, handler: Handler) -> None:
        self._bindings.append((sequence, handler))
        for widget in (*self._parts(), self.magnifier.widget):
            widget.bind(sequence, lambda event: handler(self, event))

    def _bind_all(self, widget: tk.Misc) -> None:
        for sequence, handler in self._bindings:
            widget.bind(sequence, lambda event, handler=handler: handler(self, event))  # type: ignore[misc]

    @property
    def canvas(self) -> tk.Misc:
        return self.surface

    def paint_surface(self) -> tk.Canvas:
        """A canvas with the selection's bright pixels, made when someone first paints (issue 13)."""
        return self._paint.surface(self._view, self._region)

    def _region(self, view: Rect) -> Image.Image:
        assert self.scene is not None  # noqa: S101 - only asked while a scene is shown
        return self.scene.frozen.region(view)

    @property
    def window_id(self) -> int:
        return int(self.top.wm_frame(), 16)

    def bind_key(self, handler: Handler) -> None:
        self.top.bind("<Key>", lambda event: handler(self, event))

    def local(self, event: tk.Event[tk.Misc]) -> geometry.Point:
        return (event.x_root - self.screen.x, event.y_root - self.screen.y)

    def show(self, scene: ServerScene, hint: str) -> None:
        """Map the window on a plain background; the frozen screen appears with ``reveal``."""
        self.scene = scene
        for window in self._ids:
            self._freezer.plain(window, _PLAIN, wait=False)
        self._hint.configure(text=hint)
        self._hint.place(relx=0.5, y=24, anchor="n")
        self.show_selection(None)
        self.top.deiconify()
        self.top.lift()

    def reveal(self) -> None:
        """The dimmed pixmap behind everything, once the selector holds the keyboard (issue 17)."""
        if self.scene is None:
            return
        self._freezer.show_on(self._ids[0], self.scene.frozen.dim)
        self._freezer.show_on(self._ids[1], self.scene.frozen.bright)
        self._freezer.sync()

    def warm_up(self) -> None:
        """Load Pillow's Tk bridge (the magnifier's photo) before the first capture needs it."""
        photo = ImageTk.PhotoImage(Image.new("RGB", (2, 2)), master=self.surface)
        del photo
        self.readout.configure(text="0 x 0")
        # Tk makes a toplevel's wrapper window and lays out a label's font at first use: here, not at the hotkey.
        self.top.wm_frame()
        self._hint.configure(text="Drag to select")
        self._hint.place(relx=0.5, y=24, anchor="n")
        self.surface.update_idletasks()
        self._hint.place_forget()

    def load_bright(self) -> None:
        """Nothing to load: the bright pixmap is already on the server."""

    def hide(self) -> None:
        """Withdraw, and let the windows drop the pixmaps so the server can free them."""
        self.top.withdraw()
        # A round trip on Tk's connection: the unmap is done before anything of ours follows. Else
        # the next freeze (our connection) could copy this window, still mapped, into the screen.
        self.top.winfo_pointerxy()
        self.magnifier.hide()
        self.show_selection(None)
        self._paint.drop()
        for window in self._ids:
            self._freezer.plain(window, _PLAIN)
        self.scene = None

    def destroy(self) -> None:
        self.hide()
        self.top.destroy()

    @property
    def view(self) -> Rect | None:
        return self._view

    def show_selection(self, view: Rect | None, text: str = "") -> None:
        self._view = None if view is None or view.is_empty else view
        if self._view is None:
            for widget in (self._viewport, self.readout, *self._edges, *self._handles):
                widget.place_forget()
            self._paint.follow(None, self._region)
            return
        view = self._view
        self._hint.place_forget()
        self._viewport.place(x=view.x, y=view.y, width=view.width, height=view.height)
        self._bright.place(x=-view.x, y=-view.y)
        top, bottom, left, right = self._edges
        top.place(x=view.x - 1, y=view.y - 1, width=view.width + 2, height=1)
        bottom.place(x=view.x - 1, y=view.bottom, width=view.width + 2, height=1)
        left.place(x=view.x - 1, y=view.y - 1, width=1, height=view.height + 2)
        right.place(x=view.right, y=view.y - 1, width=1, height=view.height + 2)
        half = HANDLE // 2
        for handle, (hx, hy) in zip(self._handles, geometry.handle_points(view).values(), strict=True):
            handle.place(x=hx - half, y=hy - half)
        self.readout.configure(text=text)
        y = view.y - self.readout.winfo_reqheight() - 6
        if y < 0:
            y = view.y + 6
        x = min(max(view.x, 0), max(self.screen.width - self.readout.winfo_reqwidth(), 0))
        self.readout.place(x=x, y=y)
        self.readout.lift()
        if self.scene is not None:
            self._paint.follow(view, self._region)

    def update_magnifier(self, point: geometry.Point) -> None:
        if self.scene is None or not self.magnifier.enabled:
            self.magnifier.hide()
            return
        # A few hundred bytes from the bright pixmap per pointer move: the frame is never in this process.
        patch = self.scene.frozen.patch(point[0], point[1], CELLS)
        self.magnifier.show_at(patch, (CELLS // 2, CELLS // 2), point, self.bounds)

    @property
    def bounds(self) -> Rect:
        return Rect(0, 0, self.screen.width, self.screen.height)

    def set_cursor(self, name: str) -> None:
        if str(self.surface.cget("cursor")) != name:
            self.surface.configure(cursor=name)

    def selection(self, rect: Rect) -> Selection:
        """The selected pixels, read now from the same bright pixmap that was shown."""
        assert self.scene is not None  # noqa: S101 - only asked while a scene is shown
        crop = self.scene.frozen.region(rect)
        return Selection(
            crop, Rect(0, 0, crop.width, crop.height), origin="screen", screen=rect.translated(*self.scene.offset)
        )
