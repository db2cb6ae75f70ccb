"""The screen capture method protocol and the choice of the first one that works here.

A method grabs the whole virtual desktop and hands back one ``Screenshot`` per monitor, each
exactly that monitor's physical pixels as a Pillow RGB image, with the monitor's rectangle in
the desktop's physical coordinates and its scale factor. ``monitors()`` answers the layout
without grabbing, so the overlay can place (withdrawn) windows before the hotkey.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from PIL import Image

from core.errors import CaptureError
from core.models import Monitor, Screenshot
from desktop.methods import first_usable


class CaptureMethod(Protocol):
    name: str
    install_hint: str

    def fits_this_system(self) -> bool:
        """Is this the right method for this OS and session (X11, Wayland, Windows, macOS)?"""
        ...

    def is_installed(self) -> bool:
        """Are the tools, libraries or services it needs present?"""
        ...

    def monitors(self) -> tuple[Monitor, ...]:
        """The monitor layout in physical pixels, cheaply and without grabbing; index order."""
        ...

    def grab(self) -> tuple[Screenshot, ...]:
        """Every monitor's pixels now, one ``Screenshot`` per monitor in ``monitors()`` order.

        Raises ``CaptureError`` in plain words when the screen cannot be read.
        """
        ...

    def close(self) -> None:
        """Release connections and buffers the method keeps between grabs."""
        ...


def choose_method(methods: Sequence[CaptureMethod]) -> CaptureMethod:
    """The first method that fits and is installed; otherwise an error naming what to install."""
    chosen, fitting = first_usable(methods)
    if chosen is not None:
        return chosen
    if fitting:
        hints = " ".join(method.install_hint for method in fitting)
        names = ", ".join(method.name for method in fitting)
        raise CaptureError(f"No screen capture method is installed for this desktop (tried {names}). {hints}")
    raise CaptureError(
        "No screen capture method fits this desktop session: run the app inside an X11 or Wayland "
        "session (DISPLAY or WAYLAND_DISPLAY set), on Windows or on macOS."
    )


def session_type(env: Mapping[str, str]) -> str:
    """``wayland``, ``x11`` or ``""``, from the variables a desktop session sets."""
    if env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland":
        return "wayland"
    if env.get("DISPLAY"):
        return "x11"
    return ""


def split_by_monitor(
    image: Image.Image, origin: tuple[int, int], monitors: Sequence[Monitor]
) -> tuple[Screenshot, ...]:
    """Cut one grab of the whole desktop (top-left at ``origin``) into one Screenshot per monitor.

    A monitor that covers the whole grab gets the image itself: no copy, which matters at 4K.
    Parts of a monitor outside the grab (should not happen) are left black by Pillow's crop.
    """
    shots = []
    for monitor in monitors:
        box = monitor.rect.translated(-origin[0], -origin[1])
        if box.x == 0 and box.y == 0 and (box.width, box.height) == image.size:
            shots.append(Screenshot(monitor, image))
        else:
            shots.append(Screenshot(monitor, image.crop(box.as_box())))
    return tuple(shots)
