"""The screen capture method protocol and the choice of the first one that works here.

A method grabs the whole virtual desktop and hands back one ``Screenshot`` per monitor, each
exactly that monitor's physical pixels as a Pillow RGB image, with the monitor's rectangle in
the desktop's physical coordinates and its scale factor. ``monitors()`` answers the layout
without grabbing, so the overlay can place (withdrawn) windows before the hotkey.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PIL import Image

from core.models import Monitor, Screenshot


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
