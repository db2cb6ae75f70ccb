"""A kept mss instance that grabs one rectangle of the desktop as a Pillow RGB image.

Shared by the X11, Windows and macOS methods. Keeping the instance matters: on X11 setting up
its connection and shared memory costs more than a 1080p grab (docs/adr/006-capture-methods.md).
mss objects are not meant to be shared between threads, so one grabber serves one thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PIL import Image

from core.errors import CaptureError
from core.models import Rect

if TYPE_CHECKING:
    from mss import MSS


class MssGrabber:
    def __init__(self, *, display: str | None = None) -> None:
        self._display = display
        self._mss: MSS | None = None

    def grab(self, bounds: Rect) -> Image.Image:
        """The pixels of ``bounds`` (desktop coordinates) in one call, as an RGB image."""
        import mss
        from mss.exception import ScreenShotError

        try:
            if self._mss is None:
                self._mss = mss.MSS(display=self._display) if self._display else mss.MSS()
            region = {"left": bounds.x, "top": bounds.y, "width": bounds.width, "height": bounds.height}
            shot = self._mss.grab(region)
        except ScreenShotError as failure:
            self.close()
            raise CaptureError(f"The screen could not be read: {failure}") from None
        # One C pass from mss's BGRA to RGB; cheaper than mss's own .rgb property (pure Python slices).
        return Image.frombuffer("RGB", shot.size, shot.raw, "raw", "BGRX", 0, 1)

    def close(self) -> None:
        if self._mss is not None:
            self._mss.close()
            self._mss = None
