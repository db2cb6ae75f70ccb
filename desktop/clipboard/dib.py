"""Device-independent bitmaps (DIB) as the Windows clipboard carries them, built and read with Pillow.

CF_DIBV5 is a BITMAPV5HEADER followed by the pixels: 32 bits per pixel, BI_BITFIELDS with an alpha
mask, rows bottom-up, straight (not premultiplied) alpha, sRGB. CF_DIB is a BITMAPINFOHEADER; we
write it as 24-bit BI_RGB with the transparent parts laid on white, because most programs that only
read CF_DIB ignore a fourth byte and would show transparent pixels as black.
Reading goes through Pillow's BMP decoder after putting back the 14-byte file header that the
clipboard leaves out, so every header version, bit depth and palette Pillow knows is understood.
"""

from __future__ import annotations

import io
import struct

from PIL import Image

from core.errors import NoImageError

BI_RGB = 0
BI_BITFIELDS = 3
LCS_SRGB = 0x73524742  # 'sRGB'
LCS_GM_IMAGES = 4
V5_HEADER_SIZE = 124
INFO_HEADER_SIZE = 40
PIXELS_PER_METRE_96_DPI = 3780
FILE_HEADER_SIZE = 14
MASKS_BGRA = (0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000)


def dibv5_from_image(image: Image.Image) -> bytes:
    """A CF_DIBV5 block: BITMAPV5HEADER (124 bytes), then 32-bit BGRA rows, bottom row first."""
    rgba = image.convert("RGBA")
    width, height = rgba.size
    pixels = rgba.transpose(Image.Transpose.FLIP_TOP_BOTTOM).tobytes("raw", "BGRA")
    red, green, blue, alpha = MASKS_BGRA
    header = struct.pack(
        "<IiiHHIIiiII" + "IIII" + "I" + "36s" + "III" + "IIII",
        V5_HEADER_SIZE,
        width,
        height,  # positive: bottom-up, the form every reader understands
        1,  # planes
        32,  # bits per pixel
        BI_BITFIELDS,
        len(pixels),
        PIXELS_PER_METRE_96_DPI,
        PIXELS_PER_METRE_96_DPI,
        0,  # colours used
        0,  # colours important
        red,
        green,
        blue,
        alpha,
        LCS_SRGB,
        b"\0" * 36,  # endpoints: unused with sRGB
        0,  # gamma red
        0,  # gamma green
        0,  # gamma blue
        LCS_GM_IMAGES,
        0,  # profile data offset
        0,  # profile size
        0,  # reserved
    )
    return header + pixels


def dib_from_image(image: Image.Image, background: tuple[int, int, int] = (255, 255, 255)) -> bytes:
    """A CF_DIB block: BITMAPINFOHEADER (40 bytes), then 24-bit BGR rows padded to 4 bytes, bottom-up."""
    rgba = image.convert("RGBA")
    flat = Image.new("RGBA", rgba.size, (*background, 255))
    flat.alpha_composite(rgba)
    width, height = flat.size
    stride = (width * 3 + 3) & ~3
    # Pillow's raw "BGR" encoder with a stride pads each row exactly as a DIB wants.
    pixels = flat.convert("RGB").transpose(Image.Transpose.FLIP_TOP_BOTTOM).tobytes("raw", "BGR", stride)
    header = struct.pack(
        "<IiiHHIIiiII",
        INFO_HEADER_SIZE,
        width,
        height,
        1,
        24,
        BI_RGB,
        len(pixels),
        PIXELS_PER_METRE_96_DPI,
        PIXELS_PER_METRE_96_DPI,
        0,
        0,
    )
    return header + pixels


def image_from_dib(data: bytes) -> Image.Image:
    """Decode a CF_DIB or CF_DIBV5 block (any header version Pillow's BMP reader knows)."""
    if len(data) < INFO_HEADER_SIZE:
        raise NoImageError("The clipboard's bitmap is truncated: copy the image again.")
    header_size, _width, _height, _planes, bits, compression, _size, _xppm, _yppm, used = struct.unpack_from(
        "<IiiHHIIiiI", data
    )
    offset = FILE_HEADER_SIZE + header_size
    if compression == BI_BITFIELDS and header_size == INFO_HEADER_SIZE:
        # With the short header the three colour masks follow it as separate DWORDs.
        offset += 12
    if bits <= 8:  # noqa: PLR2004 - palette images: 1, 4 and 8 bits per pixel
        offset += 4 * (used or (1 << bits))
    file_header = b"BM" + struct.pack("<IHHI", FILE_HEADER_SIZE + len(data), 0, 0, offset)
    try:
        with Image.open(io.BytesIO(file_header + data), formats=["BMP"]) as image:
            image.load()
            return _with_alpha(image, data, bits, compression, header_size)
    except (OSError, SyntaxError, ValueError) as error:
        raise NoImageError(f"The clipboard's bitmap could not be read ({error}).") from None


def _with_alpha(image: Image.Image, data: bytes, bits: int, compression: int, header_size: int) -> Image.Image:
    """32-bit BI_RGB bitmaps often carry alpha in the fourth byte though the format says it is unused.

    Pillow drops that byte; it is taken back when it is not all zero (all zero means "no alpha").
    """
    if bits != 32 or compression != BI_RGB or image.mode != "RGB":  # noqa: PLR2004
        return image
    width, height = image.size
    start = header_size
    raw = data[start : start + width * height * 4]
    if len(raw) < width * height * 4 or not any(raw[3::4]):
        return image
    bottom_up = struct.unpack_from("<i", data, 8)[0] > 0
    rgba = Image.frombuffer("RGBA", (width, height), raw, "raw", "BGRA", 0, -1 if bottom_up else 1)
    return rgba.copy()


def png_from_image(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
