"""The selector for a one-shot process (``main.py capture``): a Tk root of its own, run until done.

The tray does not use this: it keeps one root and one ``SelectorHost`` alive (issue 5).
"""

from __future__ import annotations

import logging
import tkinter as tk
from collections.abc import Callable, Mapping, Sequence

from PIL import Image

from core import geometry
from core.errors import CaptureError
from core.models import Monitor, Rect, Screenshot, Selection
from desktop.capture.base import CaptureMethod
from desktop.capture.overlay_method import screen_freezer
from overlay.selector import OnPainted, SelectorHost
from overlay.window import WM_CLASS

log = logging.getLogger(__name__)

Start = Callable[[SelectorHost, Callable[[Selection | None], None]], None]


def new_root() -> tk.Tk:
    """A withdrawn Tk root whose windows carry the app's WM_CLASS."""
    try:
        root = tk.Tk(className=WM_CLASS)
    except tk.TclError as error:
        raise CaptureError(f"No window can be opened on this display ({error}). Is DISPLAY set?") from None
    root.withdraw()
    return root


def _run(root: tk.Tk, start: Start, env: Mapping[str, str] | None = None) -> Selection | None:
    result: list[Selection | None] = []
    host = SelectorHost(root) if env is None else SelectorHost(root, freezer=screen_freezer(env))

    def done(selection: Selection | None) -> None:
        result.append(selection)
        root.quit()

    try:
        start(host, done)
        root.mainloop()
    finally:
        host.close()
    return result[0] if result else None


def run_selection(
    screenshots: Sequence[Screenshot], root: tk.Tk | None = None, on_painted: OnPainted | None = None
) -> Selection | None:
    """Block until the person selects a region on these screenshots (None when cancelled)."""
    owned = root is None
    root = root or new_root()
    try:
        return _run(root, lambda host, done: host.select(screenshots, done, on_painted))
    finally:
        if owned:
            root.destroy()


def run_screen_selection(
    capture: CaptureMethod,
    env: Mapping[str, str],
    root: tk.Tk | None = None,
    on_painted: OnPainted | None = None,
) -> Selection | None:
    """Freeze the screen now (in the X server where ``env`` allows, ADR 034) and block until a region is selected."""
    owned = root is None
    root = root or new_root()
    try:
        return _run(root, lambda host, done: host.select_screen(capture, done, on_painted), env)
    finally:
        if owned:
            root.destroy()


def run_image_selection(
    image: Image.Image,
    origin: str,
    monitors: Sequence[Monitor] = (),
    root: tk.Tk | None = None,
) -> Selection | None:
    """Block until the person crops ``image`` (or takes it whole); shown on the pointer's monitor."""
    owned = root is None
    root = root or new_root()
    try:
        monitor = pointer_monitor(root, monitors)
        return _run(root, lambda host, done: host.select_image(image, monitor, origin, done))
    finally:
        if owned:
            root.destroy()


def pointer_monitor(root: tk.Misc, monitors: Sequence[Monitor]) -> Monitor:
    """The monitor under the pointer; without a monitor list, Tk's whole screen."""
    if not monitors:
        monitors = (Monitor(0, Rect(0, 0, root.winfo_screenwidth(), root.winfo_screenheight())),)
    return geometry.nearest_monitor(monitors, *root.winfo_pointerxy())
