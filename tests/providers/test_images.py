"""Results are checked before anyone sees them: real images pass, garbage and bombs are refused plainly."""

from __future__ import annotations

import base64
import io
import struct
import time
import zlib

import pytest
from PIL import Image

from core.errors import BadResponseError
from providers.images import decode_base64, decode_image


def png_bytes(size: tuple[int, int] = (8, 6), color: tuple[int, int, int, int] = (10, 200, 30, 255)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size; its data is tiny (the classic decompression bomb shape)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def test_a_real_png_is_decoded_with_its_pixels() -> None:
    image = decode_image(png_bytes((8, 6)), "Test")
    assert image.size == (8, 6)
    assert image.getpixel((3, 3)) == (10, 200, 30, 255)


def test_a_60000_square_header_is_refused_as_a_bomb_without_allocating_it() -> None:
    started = time.monotonic()
    with pytest.raises(BadResponseError, match="too large to open safely") as caught:
        decode_image(png_header_claiming(60000, 60000), "Test")
    assert time.monotonic() - started < 1
    assert str(caught.value).startswith("Test: ")


def test_an_image_over_our_own_pixel_limit_is_refused() -> None:
    with pytest.raises(BadResponseError, match="20x20"):
        decode_image(png_bytes((20, 20)), "Test", max_pixels=100)


@pytest.mark.parametrize(
    "data", [b"<html>Bad gateway</html>", b'{"data": []}', png_bytes()[:40], b"\x89PNG\r\n\x1a\n" + b"\0" * 50]
)
def test_garbage_and_truncated_images_are_not_an_image(data: bytes) -> None:
    with pytest.raises(BadResponseError, match="answered something that is not an image"):
        decode_image(data, "Test")


def test_an_empty_answer_says_so() -> None:
    with pytest.raises(BadResponseError, match="empty"):
        decode_image(b"", "Test")


def test_base64_plain_wrapped_and_data_url_forms_decode() -> None:
    raw = png_bytes()
    encoded = base64.b64encode(raw).decode()
    wrapped = "\n".join(encoded[i : i + 60] for i in range(0, len(encoded), 60))
    assert decode_base64(encoded, "Test") == raw
    assert decode_base64(wrapped, "Test") == raw
    assert decode_base64("data:image/png;base64," + encoded, "Test") == raw


@pytest.mark.parametrize("value", ["not base64 at all!", "", None, 42])
def test_bad_base64_is_a_bad_response(value: object) -> None:
    with pytest.raises(BadResponseError):
        decode_base64(value, "Test")
