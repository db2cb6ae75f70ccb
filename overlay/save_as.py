"""The viewer's S: a save dialog, then the shown variant written where the person said (issue 18).

Tk's own dialog (``tk_getSaveFile``) asks, and asks again before replacing a file (its
``-confirmoverwrite``, on by default): nothing is replaced without that confirm. The format follows
the extension (.png, .jpg, .webp; none given: .png). The file is written completely beside its
target first (``core.output.write_file``), so a failed write leaves what was there, and the failure
comes back as words for the viewer to show.

The viewer keeps its keyboard grab meanwhile: Tk hands grabbed keys to its own focus window, the
dialog's, so the Enter that closes the dialog is released into our app, never into the window a
window manager focuses once the dialog is gone (seen under openbox). With no window manager nobody
focuses the dialog, so the X focus is given to it, and then to its overwrite question, explicitly
(as the prompt bar's is: ``overlay.focus``); Tk's focus follows.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tkinter as tk
from pathlib import Path
from tkinter import filedialog

from PIL import Image

from core.errors import AppError, OutputError
from core.output import PIL_FORMATS, encode_image, write_file
from desktop.keyboard.base import system_keyboard

log = logging.getLogger(__name__)

FILE_TYPES = (("PNG image", "*.png"), ("JPEG image", "*.jpg"), ("WebP image", "*.webp"))
FOCUS_POLL_MS = 50
DIALOG = "__tk_filedialog"
QUESTION = "__tk__messagebox"


def format_for(path: Path) -> tuple[Path, str]:
    """The path to write (``.png`` added when there is no extension) and its format, or OutputError."""
    suffix = path.suffix.lower().lstrip(".")
    if not suffix:
        return path.with_name(path.name + ".png"), "png"
    if suffix not in PIL_FORMATS:
        raise OutputError(f"'{path.name}' does not end in .png, .jpg or .webp, so nothing was saved.")
    return path, "jpeg" if suffix == "jpg" else suffix


def save_image(image: Image.Image, path: Path) -> Path:
    """Write ``image`` to ``path`` in the format its extension names; OutputError in words on failure."""
    target, fmt = format_for(path)
    try:
        data = encode_image(image, fmt, fast=False)
        return write_file(data, target, private=False)
    except OSError as error:
        raise OutputError(f"Could not save {target.name} ({error.strerror or error}); nothing was written.") from None


def ask_and_save(parent: tk.Toplevel, image: Image.Image, initial_dir: Path | None = None) -> str:
    """Ask where, write there; the words for the person ("Saved as ...", a failure), or "" if cancelled."""
    focuser = _DialogFocus(parent)
    # Below the dialog meanwhile: a topmost override-redirect parent would cover what the WM maps.
    parent.attributes("-topmost", False)
    parent.lower()
    try:
        chosen = filedialog.asksaveasfilename(
            parent=parent,
            title="Save the result as",
            defaultextension=".png",
            filetypes=FILE_TYPES,
            initialdir=str(initial_dir or Path.home()),
            initialfile="result.png",
        )
    finally:
        focuser.stop()
        with contextlib.suppress(tk.TclError):
            parent.attributes("-topmost", True)
            parent.lift()
    if not chosen:
        log.info("save as: cancelled")
        return ""
    try:
        saved = save_image(image, Path(chosen))
    except AppError as error:
        log.warning("save as failed: %s", error)
        words = str(error)
        return words if "nothing was" in words.lower() else f"{words} Nothing was saved."
    log.info("save as: written %dx%d", image.width, image.height)
    return f"Saved as {saved.name}"


class _DialogFocus:
    """While the dialog runs its own event loop, give the X focus to it, or to its question when asked."""

    def __init__(self, parent: tk.Toplevel) -> None:
        self._parent = parent
        self._focused = ""
        self._stopped = False
        self._keyboard = None
        with contextlib.suppress(AppError, tk.TclError):
            self._keyboard = system_keyboard(os.environ, parent.tk.interpaddr())
        self._after = parent.after(FOCUS_POLL_MS, self._poll)

    def _poll(self) -> None:
        if self._stopped:
            return
        dialog = f"{self._parent}.{DIALOG}"
        target = next((path for path in (f"{dialog}.{QUESTION}", dialog) if self._mapped(path)), "")
        if target and target != self._focused and self._keyboard is not None:
            try:
                self._keyboard.focus(int(self._parent.tk.call("winfo", "id", target), 16))
                self._focused = target
                log.info("save dialog has the focus")
            except (AppError, tk.TclError, ValueError) as error:
                log.info("could not focus the save dialog: %s", error)
        self._after = self._parent.after(FOCUS_POLL_MS, self._poll)

    def _mapped(self, path: str) -> bool:
        try:
            return bool(int(self._parent.tk.call("winfo", "exists", path))) and bool(
                int(self._parent.tk.call("winfo", "ismapped", path))
            )
        except tk.TclError:
            return False

    def stop(self) -> None:
        self._stopped = True
        with contextlib.suppress(tk.TclError):
            self._parent.after_cancel(self._after)
        if self._keyboard is not None:
            self._keyboard.close()
