"""Tray > History: the kept jobs as thumbnails, newest first, to open, copy or remove (issue 18).

Keyboard first: Up/Down (or Left/Right) choose, Enter opens in the result viewer, C copies, Delete
removes the chosen one, Shift+Delete asks to remove them all (Enter confirms, Esc keeps them), Esc
closes. The window takes the X focus when it maps (``overlay.focus``): it is opened from the tray,
an app in the background, which a window manager's focus-stealing prevention may refuse (issue 17).
What to do with an entry is the tray's (``HistoryActions``); this window only shows and asks.
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable
from typing import Protocol

from PIL import Image, ImageTk

from core.errors import AppError
from core.history import Entry
from overlay.focus import focus_when_mapped

log = logging.getLogger(__name__)

TITLE = "AI Image Studio history"
BACKGROUND = "#202124"
ROW_BACKGROUND = "#2b2c2f"
FOREGROUND = "#f1f3f4"
MUTED = "#9aa0a6"
ACCENT = "#8ab4f8"
WIDTH, HEIGHT = 620, 560
ROW_HEIGHT = 132
THUMB_BOX = (160, 120)
PAD = 6
TEXT_X = PAD + THUMB_BOX[0] + 14
PROMPT_CHARS = 160
# Thumbnails are small PNGs; this many newest ones open in well under a second.
MAX_SHOWN = 200
HELP = "\N{UPWARDS ARROW}\N{DOWNWARDS ARROW} choose   Enter: open   C: copy   Del: remove   Shift+Del: remove all   Esc"


class HistoryActions(Protocol):
    """What the tray does with the history (``tray.history_view``); errors are ``AppError``."""

    def entries(self) -> list[Entry]: ...
    def thumbnail(self, entry: Entry) -> Image.Image: ...
    def open_entry(self, entry: Entry) -> None: ...
    def copy(self, entry: Entry) -> None: ...
    def delete(self, entry: Entry) -> None: ...
    def clear(self) -> int: ...


class HistoryWindow:
    """The list; ``note`` is a line above it (e.g. that history is off). Only the Tk thread touches it."""

    def __init__(self, root: tk.Misc, actions: HistoryActions, *, note: str = "") -> None:
        self._actions = actions
        self.entries: list[Entry] = []
        self.selected = 0
        self.confirming = False
        self._photos: list[ImageTk.PhotoImage] = []
        self.window = tk.Toplevel(root, background=BACKGROUND, padx=10, pady=8)
        self.window.title(TITLE)
        self.window.geometry(f"{WIDTH}x{HEIGHT}")
        self.window.protocol("WM_DELETE_WINDOW", self.close)
        label = {"background": BACKGROUND, "foreground": MUTED, "anchor": "w", "justify": "left"}
        self.note = tk.Label(self.window, text=note, wraplength=WIDTH - 30, **label)  # type: ignore[arg-type]
        self.note.pack(fill="x")
        tk.Label(self.window, text=HELP, **label).pack(fill="x", pady=(0, 6))  # type: ignore[arg-type]
        self.confirm = tk.Label(self.window, text="", background=BACKGROUND, foreground="#f28b82", anchor="w")
        self.confirm.pack(fill="x")
        frame = tk.Frame(self.window, background=BACKGROUND)
        frame.pack(fill="both", expand=True)
        self.canvas = tk.Canvas(frame, background=BACKGROUND, highlightthickness=0, takefocus=True)
        scroll = tk.Scrollbar(frame, orient="vertical", command=self.canvas.yview)
        self.canvas.configure(yscrollcommand=scroll.set)
        scroll.pack(side="right", fill="y")
        self.canvas.pack(side="left", fill="both", expand=True)
        buttons = tk.Frame(self.window, background=BACKGROUND)
        buttons.pack(fill="x", pady=(8, 0))
        for text, command in (
            ("Open", self.open_selected),
            ("Copy", self.copy_selected),
            ("Remove", self.delete_selected),
            ("Remove all...", self.ask_clear),
            ("Close", self.close),
        ):
            tk.Button(buttons, text=text, command=command).pack(side="left", padx=(0, 6))
        self._bind_keys()
        self.canvas.bind("<Button-1>", self._clicked)
        self.canvas.bind("<Double-Button-1>", lambda _e: self.open_selected())
        self.reload()
        focus_when_mapped(self.window, self.canvas)

    @property
    def closed(self) -> bool:
        try:
            return not self.window.winfo_exists()
        except tk.TclError:
            return True

    def _bind_keys(self) -> None:
        keys: dict[str, Callable[[], None]] = {
            "<Up>": lambda: self.move(-1),
            "<Left>": lambda: self.move(-1),
            "<Down>": lambda: self.move(1),
            "<Right>": lambda: self.move(1),
            "<Return>": self._enter,
            "<KP_Enter>": self._enter,
            "<Delete>": self.delete_selected,
            "<KP_Delete>": self.delete_selected,
            "<Shift-Delete>": self.ask_clear,
            "<Escape>": self._escape,
            "<KeyPress-c>": self.copy_selected,
            "<Control-c>": self.copy_selected,
        }
        for sequence, action in keys.items():
            # On the toplevel: every widget in the window has it among its bindtags.
            self.window.bind(sequence, _handler(action))

    def reload(self) -> None:
        """Read the list again and draw it (after a removal, or when the history changed)."""
        try:
            self.entries = self._actions.entries()[:MAX_SHOWN]
        except AppError as error:
            self.entries = []
            self.note.configure(text=str(error))
        self.selected = min(self.selected, max(0, len(self.entries) - 1))
        self._draw()

    def _draw(self) -> None:
        self.canvas.delete("all")
        self._photos = []
        if not self.entries:
            self.canvas.create_text(PAD, PAD, text="No jobs are kept.", fill=MUTED, anchor="nw")
        for index, entry in enumerate(self.entries):
            self._draw_row(index, entry)
        self.canvas.configure(scrollregion=(0, 0, WIDTH - 40, max(1, len(self.entries)) * ROW_HEIGHT))
        self._show_selection()

    def _draw_row(self, index: int, entry: Entry) -> None:
        top = index * ROW_HEIGHT
        self.canvas.create_rectangle(
            1, top + 1, WIDTH - 42, top + ROW_HEIGHT - 2, fill=ROW_BACKGROUND, outline="", tags=(f"row{index}",)
        )
        try:
            thumb = self._actions.thumbnail(entry)
            photo = ImageTk.PhotoImage(thumb, master=self.canvas)
            self._photos.append(photo)
            x, y = self.thumb_offset(index, thumb.size)
            self.canvas.create_image(x, y, image=photo, anchor="nw")
        except AppError as error:
            log.warning("history: no thumbnail for %s: %s", entry.id, error)
        when = entry.when.astimezone().strftime("%Y-%m-%d %H:%M")
        model = f" \N{MIDDLE DOT} {entry.model}" if entry.model else ""
        count = f" \N{MIDDLE DOT} {entry.result_count} variants" if entry.result_count > 1 else ""
        cost = f" \N{MIDDLE DOT} {entry.cost_text}" if entry.cost_text else ""
        prompt = (
            entry.prompt
            if len(entry.prompt) <= PROMPT_CHARS
            else entry.prompt[: PROMPT_CHARS - 1] + "\N{HORIZONTAL ELLIPSIS}"
        )
        text = f"{when}\n{entry.provider}{model}{count}{cost}\n\n{prompt}"
        self.canvas.create_text(
            TEXT_X,
            top + PAD,
            text=text,
            fill=FOREGROUND,
            anchor="nw",
            width=WIDTH - TEXT_X - 60,
            font=("TkDefaultFont", 9),
        )

    @staticmethod
    def thumb_offset(index: int, size: tuple[int, int]) -> tuple[int, int]:
        """Where row ``index``'s thumbnail (of ``size``) sits on the canvas: centred in its box."""
        x = PAD + (THUMB_BOX[0] - size[0]) // 2
        y = index * ROW_HEIGHT + PAD + (THUMB_BOX[1] - size[1]) // 2
        return x, y

    def row_on_screen(self, index: int) -> tuple[int, int]:
        """The screen position of row ``index``'s thumbnail box (for tests and the pointer)."""
        top = self.canvas.canvasy(0)
        return self.canvas.winfo_rootx() + PAD, self.canvas.winfo_rooty() + index * ROW_HEIGHT + PAD - int(top)

    def _show_selection(self) -> None:
        self.canvas.delete("selection")
        if not self.entries:
            return
        top = self.selected * ROW_HEIGHT
        self.canvas.create_rectangle(
            1, top + 1, WIDTH - 42, top + ROW_HEIGHT - 2, outline=ACCENT, width=2, tags=("selection",)
        )
        total = len(self.entries) * ROW_HEIGHT
        first, last = self.canvas.yview()
        if top < first * total or top + ROW_HEIGHT > last * total:
            self.canvas.yview_moveto(top / total)

    def move(self, step: int) -> None:
        if self.entries and not self.confirming:
            self.selected = max(0, min(len(self.entries) - 1, self.selected + step))
            self._show_selection()

    def _clicked(self, event: tk.Event[tk.Canvas]) -> None:
        index = int(self.canvas.canvasy(event.y)) // ROW_HEIGHT
        if 0 <= index < len(self.entries):
            self.selected = index
            self._show_selection()

    def _chosen(self) -> Entry | None:
        return self.entries[self.selected] if self.entries and not self.confirming else None

    def _enter(self) -> None:
        if self.confirming:
            self.clear()
        else:
            self.open_selected()

    def _escape(self) -> None:
        if self.confirming:
            self._end_confirm()
        else:
            self.close()

    def open_selected(self) -> None:
        self._run(self._actions.open_entry)

    def copy_selected(self) -> None:
        self._run(self._actions.copy)

    def delete_selected(self) -> None:
        self._run(self._actions.delete)
        self.reload()

    def _run(self, action: Callable[[Entry], object]) -> None:
        entry = self._chosen()
        if entry is None:
            return
        try:
            action(entry)
        except AppError as error:
            self.note.configure(text=str(error))

    def ask_clear(self) -> None:
        if not self.entries:
            return
        self.confirming = True
        self.confirm.configure(
            text=f"Remove all {len(self.entries)} kept jobs? This cannot be undone. Enter: remove all   Esc: keep them"
        )

    def _end_confirm(self) -> None:
        self.confirming = False
        self.confirm.configure(text="")

    def clear(self) -> None:
        self._end_confirm()
        try:
            removed = self._actions.clear()
            self.note.configure(text=f"Removed {removed} kept job(s).")
        except AppError as error:
            self.note.configure(text=str(error))
        self.reload()

    def lift(self) -> None:
        self.window.deiconify()
        self.window.lift()

    def close(self) -> None:
        if not self.closed:
            self.window.destroy()
        self._photos = []


def _handler(action: Callable[[], None]) -> Callable[[tk.Event[tk.Misc]], str]:
    def handle(_event: tk.Event[tk.Misc]) -> str:
        action()
        return "break"  # a key that did something goes no further (a Button's own Return, say)

    return handle
