"""Opening image bytes that came from outside: only named formats, upright, in a mode PNG can store.

Pillow's ``Image.open`` without ``formats=`` tries every plugin it has, EPS included, and the EPS
plugin hands ``%!PS`` bytes to Ghostscript (issue 16: a long record of sandbox escapes, and ``{ } loop``
hangs past every timeout). So every open of outside bytes names what it expects here.

Pictures people give us (a file, the clipboard, a mask) may be phone photos whose EXIF says "rotate
me"; every viewer shows them turned, so they are turned here before anything is cropped or sent.
Results and inputs in modes PNG cannot store (CMYK, F, I, I;16L, LAB, YCbCr ...) are converted
before anything is saved or sent, so a paid job never fails at the last step.
"""

from __future__ import annotations

import io
import logging

from PIL import ExifTags, Image, ImageOps

log = logging.getLogger(__name__)

# What a person may hand us: files, clipboards (X11 offers BMP and TIFF, macOS TIFF), masks.
INPUT_FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "DIB", "TIFF", "GIF")
# What the providers answer with (PROVIDERS.md: png, jpeg or webp). Pillow reads multi-picture JPEGs
# (MPO, from phones) through its JPEG opener, so "JPEG" covers them.
RESULT_FORMATS = ("PNG", "JPEG", "WEBP")
STORABLE_MODES = frozenset({"RGB", "RGBA", "L", "LA"})
_SIXTEEN_BIT = frozenset({"I;16", "I;16L", "I;16B", "I;16N"})
_EIGHT_BIT_MAX = 255


def open_lazily(data: bytes, formats: tuple[str, ...]) -> Image.Image:
    """The image header parsed (no pixels decoded yet) by one of ``formats`` only.

    Raises Pillow's own ``UnidentifiedImageError`` (an ``OSError``) when no named format fits.
    """
    return Image.open(io.BytesIO(data), formats=list(formats))


def upright(image: Image.Image) -> Image.Image:
    """``image`` turned the way its EXIF orientation says it is shown; itself when it says nothing."""
    try:
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    except (OSError, ValueError, SyntaxError):
        # A broken EXIF block is no reason to refuse a picture that decodes; it is shown as stored.
        return image
    if orientation in {None, 1}:
        return image
    turned = ImageOps.exif_transpose(image)
    log.debug("turned a picture upright (EXIF orientation %s)", orientation)
    return turned if turned is not None else image


def storable(image: Image.Image) -> Image.Image:
    """``image`` in RGB, RGBA, L or LA: the modes every encoder we write (PNG, JPEG, WebP) takes."""
    mode = image.mode
    if mode in STORABLE_MODES:
        return image
    if mode == "1":
        return image.convert("L")
    if mode in {"P", "PA"}:
        has_alpha = mode == "PA" or "transparency" in image.info
        try:
            return image.convert("RGBA" if has_alpha else "RGB")
        except (ValueError, OSError):
            # A palette that does not fit its data; the indexes as grey at least keep the shapes.
            return image.convert("L")
    if mode in _SIXTEEN_BIT or mode in {"I", "F"}:
        return _eight_bit(image)
    # LAB's "A" band is a colour axis, not alpha; premultiplied La/RGBa convert to their plain forms.
    targets = {"LAB": ("RGB",), "La": ("LA", "L"), "RGBa": ("RGBA", "RGB")}.get(mode, ("RGB", "L"))
    for target in targets:
        try:
            return image.convert(target)
        except ValueError:
            continue
    raise ValueError(f"image mode {mode} cannot be converted")


def _eight_bit(image: Image.Image) -> Image.Image:
    """Deep grey (16-bit, 32-bit integer, float) scaled into 0..255, not clipped to white."""
    deep = image.convert("F")
    extrema = deep.getextrema()
    low, high = (float(extrema[0]), float(extrema[1])) if isinstance(extrema[0], (int, float)) else (0.0, 0.0)
    if image.mode in _SIXTEEN_BIT:
        low, high = 0.0, 65535.0
    elif low >= 0 and high <= _EIGHT_BIT_MAX:
        # Already 8-bit values in a wide mode (Pillow opens some greyscale files as I): keep them.
        low, high = 0.0, float(_EIGHT_BIT_MAX)
    if not high > low:
        return Image.new("L", image.size, 0 if high <= 0 else _EIGHT_BIT_MAX)
    scale = _EIGHT_BIT_MAX / (high - low)
    return deep.point(lambda value: (value - low) * scale).convert("L")
