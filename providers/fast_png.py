"""A PNG written without row filters, for an upload to a server on this computer or the LAN (ADR 037).

Pillow's PNG encoder picks a filter for every row (None, Sub, Up, Average, Paeth: the libpng
heuristic) before zlib sees the data; for a 1024x1024 screenshot that choice is about a third of the
encode. On the bench's screenshots the unfiltered file is as small (desktop, UI: within 1 %, often
smaller; photo-heavy: within 1 %) and the encode 30-35 % faster (``python -m bench.upload``). Photos
from a camera compress worse unfiltered, which is why this is used only where bytes are nearly
free. The file is plain PNG (PNG spec, ISO/IEC 15948: IHDR, one IDAT, IEND; filter type 0 on
every row), read by any decoder.
"""

from __future__ import annotations

import struct
import zlib
from types import MappingProxyType

from PIL import Image

SIGNATURE = b"\x89PNG\r\n\x1a\n"
# PNG colour types for the modes ``providers.fitting.encode`` hands over (8 bits a sample).
COLOUR_TYPES = MappingProxyType({"L": 0, "RGB": 2, "LA": 4, "RGBA": 6})
BIT_DEPTH = 8


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_unfiltered(image: Image.Image, level: int) -> bytes:
    """``image`` (mode L, RGB, LA or RGBA) as a PNG whose rows are not filtered, deflated at ``level``."""
    colour = COLOUR_TYPES.get(image.mode)
    if colour is None:
        raise ValueError(f"no unfiltered PNG for mode {image.mode}")
    width, height = image.size
    stride = width * len(image.mode)
    pixels = memoryview(image.tobytes())
    # Each row is preceded by its filter type byte, 0 (None): the bytearray starts as all zeros.
    rows = bytearray(height * (stride + 1))
    for y in range(height):
        start = y * (stride + 1) + 1
        rows[start : start + stride] = pixels[y * stride : (y + 1) * stride]
    header = struct.pack(">IIBBBBB", width, height, BIT_DEPTH, colour, 0, 0, 0)
    return SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows, level)) + _chunk(b"IEND", b"")
