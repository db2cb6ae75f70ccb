"""A small picture of the result, shown for a few seconds where it came from (issue 18).

Delivery has happened already (clipboard and/or file); this only shows what arrived, like macOS's
screenshot thumbnail: a borderless, topmost window of at most ``MAX_SIDE`` pixels beside the
selection, or in the screen's bottom-right corner when the picture came from the clipboard or a file.
It closes by itself after ``SHOW_MS`` (a Tk ``after``: no thread), or when clicked, which calls
``on_click`` (the result viewer, when there is one). Only the Tk thread creates or touches it.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable

from PIL import Image, ImageTk

from core.models import Rect
from overlay.placement import GAP, place_beside

log = logging.getLogger(__name__)

MAX_SIDE = 200
SHOW_MS = 6000
BORDER = "#5f6368"
CORNER_MARGIN = 24


def thumbnail_size(size: tuple[int, int], max_side: int = MAX_SIDE) -> tuple[int, int]:
    """``size`` scaled uniformly so its longer side is at most ``max_side`` (never enlarged)."""
    width, height = size
    scale = min(1.0, max_side / max(width, height, 1))
    return max(1, round(width * scale)), max(1, round(height * scale))


def corner_place(size: tuple[int, int], screen: Rect, margin: int = CORNER_MARGIN) -> tuple[int, int]:
    """Top-left corner for a ``size`` window in ``screen``'s bottom-right corner."""
    return max(screen.x, screen.right - margin - size[0]), max(screen.y, screen.bottom - margin - size[1])


def small_picture(image: Image.Image) -> Image.Image:
    """``image`` at thumbnail size, on the dark backing the viewer shows transparent results on."""
    small = image.copy()
    # reduce() first keeps a 4K result's resize cheap (box averaging to about twice the size, then a good filter).
    factor = max(1, min(small.size) // (2 * MAX_SIDE))
    if factor > 1:
        small = small.reduce(factor)
    small = small.convert("RGBA").resize(thumbnail_size(image.size), Image.Resampling.LANCZOS)
    backing = Image.new("RGBA", small.size, (32, 33, 36, 255))
    return Image.alpha_composite(backing, small).convert("RGB")


class ResultThumbnail:
    """One thumbnail. ``anchor`` None: the screen's corner (a clipboard or file source)."""

    def __init__(
        self,
        root: tk.Misc,
        image: Image.Image,
        *,
        anchor: Rect | None,
        screen: Rect,
        on_click: Callable[[], None] | None = None,
        show_ms: int | None = None,
        caption: str = "",
    ) -> None:
        self._on_click = on_click
        self.closed = False
        self.is_draft = bool(caption)
        self.shown = small_picture(image)
        self.window = tk.Toplevel(root, background=BORDER, padx=1, pady=1)
        self.window.withdraw()
        self.window.overrideredirect(True)
        self.window.attributes("-topmost", True)
        self.window.title("AI Image Studio result")
        self._photo = ImageTk.PhotoImage(self.shown, master=self.window)
        self.label = tk.Label(self.window, image=self._photo, borderwidth=0, highlightthickness=0, cursor="hand2")
        self.label.pack()
        # A draft (issue 18, ADR 026) says so under the picture; the final result has no caption.
        self.caption = tk.Label(self.window, background=BORDER, foreground="#f1f3f4", text=caption)
        if caption:
            self.caption.pack(fill="x")
        self.window.update_idletasks()
        size = (self.window.winfo_reqwidth(), self.window.winfo_reqheight())
        x, y = place_beside(anchor, size, screen, gap=GAP) if anchor is not None else corner_place(size, screen)
        self.window.geometry(f"{size[0]}x{size[1]}+{x}+{y}")
        self.window.deiconify()
        self.window.lift()
        self.label.bind("<Button-1>", self._clicked)
        self._close_id: str | None = self.window.after(SHOW_MS if show_ms is None else show_ms, self.close)

    @property
    def draft_text(self) -> str:
        """The caption of a draft thumbnail ("draft 1 of 2"), "" for a final result's."""
        return str(self.caption.cget("text")) if self.is_draft else ""

    def show_draft(self, image: Image.Image, caption: str) -> None:
        """Replace a draft thumbnail's picture by a newer draft (same window, same place)."""
        if self.closed or not self.is_draft:
            return
        self.shown = small_picture(image)
        self._photo = ImageTk.PhotoImage(self.shown, master=self.window)
        self.label.configure(image=self._photo)
        self.caption.configure(text=caption or "draft")

    def _clicked(self, _event: object = None) -> None:
        on_click = self._on_click
        self.close()
        if on_click is not None:
            on_click()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self._close_id is not None:
            self.window.after_cancel(self._close_id)
            self._close_id = None
        self.window.destroy()
        log.debug("result thumbnail closed")
