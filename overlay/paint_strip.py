"""The tool strip shown beside a selection: each painting tool with its key, the active one lit.

A row of labels on the overlay's canvas, placed under the selection (above it when the selection
reaches the bottom of the monitor, inside it when it fills the monitor). Built once per overlay
window; ``show`` places it, ``hide`` takes it away. Tk thread only.
"""

from __future__ import annotations

import tkinter as tk
from tkinter import font as tkfont

from core.models import Rect

BACKGROUND = "#202124"
FOREGROUND = "#f1f3f4"
ACTIVE = "#1a73e8"
GAP = 8

TOOLS: tuple[tuple[str, str], ...] = (
    ("brush", "B brush"),
    ("eraser", "X eraser"),
    ("size", "[ ] size"),
    ("markup", "A markup (Shift: arrow, Ctrl: ellipse)"),
    ("undo", "Ctrl+Z undo, Ctrl+Shift+Z redo"),
    ("clear", "Del clear"),
)


class PaintStrip:
    def __init__(self, parent: tk.Misc, font: tkfont.Font) -> None:
        self._parent = parent
        self.frame = tk.Frame(parent, background=BACKGROUND, padx=4, pady=2)
        self._labels: dict[str, tk.Label] = {}
        for name, text in TOOLS:
            label = tk.Label(self.frame, text=text, font=font, foreground=FOREGROUND, background=BACKGROUND, padx=5)
            label.pack(side="left")
            self._labels[name] = label

    def show(self, view: Rect, screen: Rect, tool: str | None, size: int) -> None:
        """Place the strip by ``view`` (window pixels of a monitor ``screen`` wide) and light ``tool``."""
        for name, label in self._labels.items():
            label.configure(background=ACTIVE if name == tool else BACKGROUND)
        self._labels["size"].configure(text=f"[ ] size {size}")
        width, height = self.frame.winfo_reqwidth(), self.frame.winfo_reqheight()
        y = view.bottom + GAP
        if y + height > screen.height:
            y = view.y - height - GAP - 28  # above the size readout
        if y < 0:
            y = max(view.bottom - height - GAP, 0)
        x = min(max(view.x, 0), max(screen.width - width, 0))
        self.frame.place(x=x, y=y)
        self.frame.lift()

    def hide(self) -> None:
        self.frame.place_forget()

    @property
    def widgets(self) -> tuple[tk.Misc, ...]:
        return (self.frame, *self._labels.values())
