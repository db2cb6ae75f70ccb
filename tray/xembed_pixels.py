"""The tray icon's picture as the bytes of an X ZPixmap for our XEmbed window (``tray.xembed_icon``).

Two cases from the System Tray Protocol 0.3: a tray that offers a 32-bit ARGB visual composites
our window, so the pixels carry premultiplied alpha; any other tray shows our window over its own
background (ParentRelative), which we read back and draw the icon over, so its soft edges blend
into the panel instead of showing a black box. The picture is scaled to the side the tray gave
us and centred. Only 32 bits per pixel (depth 24 or 32) is handled: every TrueColor X server of
the last decades; others are refused at start so the next tray method is used.
"""

from __future__ import annotations

from typing import Any

from PIL import Image

MSB_FIRST = 1
BITS_PER_PIXEL = 32


def pixel_format_problem(info: Any, depth: int) -> str:  # noqa: ANN401 - python-xlib's display info
    """Why our pixels cannot be drawn on this display's default visual, or '' when they can."""
    formats = {int(entry.depth): int(entry.bits_per_pixel) for entry in info.pixmap_formats}
    if depth not in {24, 32} or formats.get(depth) != BITS_PER_PIXEL:
        return f"The XEmbed tray icon needs a 24- or 32-bit display (this one is {depth}-bit)."
    return ""


def _raw_mode(info: Any) -> str:  # noqa: ANN401
    # The pixel is 0xAARRGGBB in the server's byte order (TrueColor, the usual masks).
    return "ARGB" if info.image_byte_order == MSB_FIRST else "BGRA"


def icon_canvas(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``image`` scaled to the smaller side of ``size`` and centred on a transparent RGBA canvas."""
    width, height = size
    side = max(1, min(width, height))
    canvas = Image.new("RGBA", size, (0, 0, 0, 0))
    icon = image.convert("RGBA").resize((side, side), Image.Resampling.LANCZOS)
    canvas.paste(icon, ((width - side) // 2, (height - side) // 2))
    return canvas


def over_background(canvas: Image.Image, background: bytes, info: Any) -> Image.Image:  # noqa: ANN401
    """The icon drawn over the tray's background as read back from the window (opaque RGBA)."""
    behind = Image.frombuffer("RGBA", canvas.size, background, "raw", _raw_mode(info), 0, 1)
    behind.putalpha(255)
    return Image.alpha_composite(behind, canvas)


def window_pixels(
    image: Image.Image,
    size: tuple[int, int],
    background: bytes | None,
    info: Any,  # noqa: ANN401
) -> bytes:
    """The ZPixmap bytes to put: over ``background`` (the default visual), or premultiplied ARGB."""
    canvas = icon_canvas(image, size)
    if background is not None:
        return over_background(canvas, background, info).tobytes("raw", _raw_mode(info))
    # Premultiplied: each colour times its alpha, which is the icon composited over black.
    black = Image.new("RGBA", size, (0, 0, 0, 255))
    premultiplied = Image.alpha_composite(black, canvas)
    premultiplied.putalpha(canvas.getchannel("A"))
    return premultiplied.tobytes("raw", _raw_mode(info))
