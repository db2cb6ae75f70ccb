"""core.pixels: outside bytes open only as named formats, upright, and in a mode every encoder takes."""

from __future__ import annotations

import io

import pytest
from PIL import Image, UnidentifiedImageError

from core.output import encode_image
from core.pixels import INPUT_FORMATS, RESULT_FORMATS, open_lazily, storable, upright
from tests.faults.hostile import stand_ins as hostile


@pytest.mark.parametrize("data", [hostile.EPS, hostile.PDF, b"%!PS-Adobe-2.0\n{ } loop\n"])
@pytest.mark.parametrize("formats", [INPUT_FORMATS, RESULT_FORMATS])
def test_postscript_and_pdf_are_never_identified(data: bytes, formats: tuple[str, ...]) -> None:
    with pytest.raises(UnidentifiedImageError):
        open_lazily(data, formats)


@pytest.mark.parametrize("mode", ["CMYK", "F", "I", "I;16", "I;16B", "I;16L", "LAB", "YCbCr", "HSV", "1", "P", "PA",
                                  "La", "RGBa", "RGBX"])  # fmt: skip
@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
def test_every_mode_becomes_one_that_png_jpeg_and_webp_can_write(mode: str, fmt: str) -> None:
    image = storable(Image.new(mode, (8, 6)))
    assert image.mode in {"RGB", "RGBA", "L", "LA"}
    assert image.size == (8, 6)
    assert encode_image(image, fmt)


def test_deep_grey_is_scaled_not_clipped() -> None:
    deep = Image.new("I;16", (2, 1))
    deep.putpixel((0, 0), 65535)
    deep.putpixel((1, 0), 32768)
    assert storable(deep).getpixel((0, 0)) == 255
    assert storable(deep).getpixel((1, 0)) == 127


def test_exif_orientation_is_applied_and_a_plain_picture_is_left_alone() -> None:
    with Image.open(io.BytesIO(hostile.exif_rotated_jpeg()), formats=["JPEG"]) as stored:
        turned = upright(stored)
        assert stored.size == (120, 60)
        assert turned.size == (60, 120)
    plain = Image.new("RGB", (5, 3))
    assert upright(plain) is plain
