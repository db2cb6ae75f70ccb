"""A barrier for xdotool input: the selector overlay has painted over the known pattern.

A mapped window is not yet a painted one, and a drag sent before the overlay draws and takes the
pointer is lost; the overlay dims the frozen screen, so one pixel that no longer matches the
pattern tells that it is there.
"""

from __future__ import annotations

from PIL import Image

PROBE = (5, 5)


def screen_pixel(display: str, x: int, y: int) -> tuple[int, int, int]:
    from Xlib import X
    from Xlib import display as xdisplay

    connection = xdisplay.Display(display)
    try:
        raw = connection.screen().root.get_image(x, y, 1, 1, X.ZPixmap, 0xFFFFFFFF)
        blue, green, red = bytes(raw.data)[:3]
        return (red, green, blue)
    finally:
        connection.close()


def overlay_painted(display: str, pattern: Image.Image) -> bool:
    return screen_pixel(display, *PROBE) != pattern.getpixel(PROBE)
