"""The Windows clipboard's bitmaps, built and read here: exact headers, bottom-up rows, alpha kept."""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image

from core.errors import ClipboardError, NoImageError
from desktop.clipboard.dib import dib_from_image, dibv5_from_image, image_from_dib
from desktop.clipboard.windows import (
    CF_DIB,
    CF_DIBV5,
    CF_HDROP,
    CF_UNICODETEXT,
    WindowsClipboard,
    image_from_clipboard_data,
    no_image_reason,
    payloads,
)

# A 2x2 picture: top row red (opaque), green (half transparent); bottom row blue, transparent white.
TOP = [(255, 0, 0, 255), (0, 255, 0, 128)]
BOTTOM = [(0, 0, 255, 255), (255, 255, 255, 0)]


def two_by_two() -> Image.Image:
    image = Image.new("RGBA", (2, 2))
    image.putdata([*TOP, *BOTTOM])
    return image


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_dibv5_header_is_byte_for_byte_a_32_bit_bitfields_v5_header_with_an_alpha_mask() -> None:
    data = dibv5_from_image(two_by_two())
    expected_header = (
        bytes.fromhex("7c000000")  # bV5Size 124
        + bytes.fromhex("02000000")  # width 2
        + bytes.fromhex("02000000")  # height +2: bottom-up
        + bytes.fromhex("0100")  # planes 1
        + bytes.fromhex("2000")  # 32 bits per pixel
        + bytes.fromhex("03000000")  # BI_BITFIELDS
        + bytes.fromhex("10000000")  # image size 16 bytes
        + bytes.fromhex("c40e0000") * 2  # 3780 pixels per metre = 96 dpi
        + bytes.fromhex("00000000") * 2  # colours used, important
        + bytes.fromhex("0000ff00")  # red mask 0x00FF0000
        + bytes.fromhex("00ff0000")  # green mask 0x0000FF00
        + bytes.fromhex("ff000000")  # blue mask 0x000000FF
        + bytes.fromhex("000000ff")  # alpha mask 0xFF000000
        + b"BGRs"  # LCS_sRGB 0x73524742, little-endian
        + bytes(36)  # CIEXYZTRIPLE endpoints
        + bytes(12)  # gamma red, green, blue
        + bytes.fromhex("04000000")  # LCS_GM_IMAGES
        + bytes(12)  # profile data, profile size, reserved
    )
    assert len(expected_header) == 124
    assert data[:124] == expected_header
    # Rows bottom-up, pixels as B, G, R, A with straight alpha.
    assert data[124:] == bytes([255, 0, 0, 255, 255, 255, 255, 0, 0, 0, 255, 255, 0, 255, 0, 128])


def test_dib_is_24_bit_on_white_with_rows_padded_to_four_bytes() -> None:
    data = dib_from_image(two_by_two())
    assert struct.unpack_from("<IiiHHI", data) == (40, 2, 2, 1, 24, 0)
    # Each 2-pixel row is 6 bytes of BGR plus 2 bytes of padding; bottom row first.
    half_green_on_white = 255 - round((255 - 0) * 128 / 255)
    assert data[40:] == (
        bytes([255, 0, 0, 255, 255, 255, 0, 0])
        + bytes([0, 0, 255, half_green_on_white, 255, half_green_on_white, 0, 0])
    )


def test_dibv5_round_trips_every_pixel_and_alpha_through_the_reader() -> None:
    image = Image.new("RGBA", (37, 11))
    image.putdata(
        [(x * 7 % 256, y * 23 % 256, (x * y) % 256, (x + y * 37) % 256) for y in range(11) for x in range(37)]
    )
    back = image_from_dib(dibv5_from_image(image))
    assert back.mode == "RGBA"
    assert back.size == (37, 11)
    assert back.tobytes() == image.tobytes()


def test_dib_round_trips_an_odd_width_opaque_image() -> None:
    image = Image.new("RGB", (5, 3))
    image.putdata([(x * 50, y * 80, 200) for y in range(3) for x in range(5)])
    back = image_from_dib(dib_from_image(image))
    assert back.convert("RGB").tobytes() == image.tobytes()


def test_top_down_32_bit_dib_with_alpha_in_the_spare_byte_keeps_its_alpha() -> None:
    # GIVEN what some programs write: BITMAPINFOHEADER, BI_RGB, 32 bits, negative height, alpha in byte 4
    header = struct.pack("<IiiHHIIiiII", 40, 2, -1, 1, 32, 0, 8, 0, 0, 0, 0)
    pixels = bytes([0, 0, 255, 200, 255, 0, 0, 100])  # red a=200, blue a=100, top row first
    # THEN the reader returns them in order with their alpha
    back = image_from_dib(header + pixels)
    assert back.mode == "RGBA"
    assert [back.getpixel((0, 0)), back.getpixel((1, 0))] == [(255, 0, 0, 200), (0, 0, 255, 100)]


def test_bitfields_dib_with_masks_after_the_short_header_is_read() -> None:
    header = struct.pack("<IiiHHIIiiII", 40, 1, 1, 1, 32, 3, 4, 0, 0, 0, 0)
    masks = struct.pack("<III", 0x00FF0000, 0x0000FF00, 0x000000FF)
    back = image_from_dib(header + masks + bytes([10, 20, 30, 0]))
    assert back.convert("RGB").getpixel((0, 0)) == (30, 20, 10)


def test_truncated_or_garbage_bitmaps_are_reported_as_no_image() -> None:
    with pytest.raises(NoImageError, match="truncated"):
        image_from_dib(b"\x28\x00")
    with pytest.raises(NoImageError, match="could not be read"):
        image_from_dib(struct.pack("<IiiHHIIiiII", 40, 4000, 4000, 1, 32, 0, 0, 0, 0, 0, 0))


def test_written_formats_are_png_first_then_dibv5_then_dib() -> None:
    source = png(two_by_two())
    items = payloads(source)
    assert [kind for kind, _data in items] == ["PNG", CF_DIBV5, CF_DIB]
    assert items[0][1] == source
    assert items[1][1] == dibv5_from_image(two_by_two())
    with pytest.raises(ClipboardError, match="not a PNG"):
        payloads(b"not an image")


def test_read_formats_become_png_bytes_with_the_same_pixels() -> None:
    from_dib = image_from_clipboard_data(CF_DIBV5, dibv5_from_image(two_by_two()))
    assert from_dib.mime == "image/png"
    with Image.open(io.BytesIO(from_dib.data)) as image:
        assert image.convert("RGBA").tobytes() == two_by_two().tobytes()
    source = png(two_by_two())
    assert image_from_clipboard_data("PNG", source).data == source


def test_what_is_there_instead_of_an_image_is_named() -> None:
    assert "empty" in no_image_reason([])
    assert "holds text" in no_image_reason([CF_UNICODETEXT, 1])
    assert "holds a file" in no_image_reason([CF_HDROP, CF_UNICODETEXT])
    assert "no image in a format" in no_image_reason([49999])


def test_windows_method_fits_only_windows_and_does_not_touch_user32_elsewhere() -> None:
    assert not WindowsClipboard().fits_this_system()
    assert not WindowsClipboard().is_installed()
    assert WindowsClipboard("win32").fits_this_system()
    with pytest.raises(ClipboardError, match="only there on Windows"):
        WindowsClipboard().write_png(png(two_by_two()))
