"""Which provider bytes may be passed on unchanged (ADR 036): only a checked PNG of exactly the pixels kept."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from core.errors import BadResponseError
from core.models import EditResult
from providers.fitting import match_size
from providers.images import decode_checked


def turned_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90
    return exif


def encoded(image: Image.Image, fmt: str = "PNG", **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def test_a_plain_png_is_kept_byte_for_byte_beside_its_image() -> None:
    data = encoded(Image.new("RGBA", (8, 6), (10, 200, 30, 128)), compress_level=9)
    decoded = decode_checked([data], "Test")
    assert decoded.pngs == (data,)
    assert decoded.images[0].getpixel((0, 0)) == (10, 200, 30, 128)


@pytest.mark.parametrize(
    "data",
    [
        encoded(Image.new("RGB", (8, 6), (10, 200, 30)), "JPEG"),
        encoded(Image.new("RGB", (8, 6), (10, 200, 30)), "WEBP", lossless=True),
        # A palette PNG is converted to RGB for storing: its bytes no longer show the image kept.
        encoded(Image.new("P", (8, 6), 3)),
        # EXIF in a PNG would turn the picture in some viewers and not in ours.
        encoded(Image.new("RGB", (8, 6)), exif=turned_exif()),
        # An animated PNG: we keep its first frame only.
        encoded(Image.new("RGB", (8, 6)), save_all=True, append_images=[Image.new("RGB", (8, 6), (9, 9, 9))]),
    ],
    ids=["jpeg", "webp", "palette", "exif", "apng"],
)
def test_other_answers_are_decoded_but_not_kept(data: bytes) -> None:
    decoded = decode_checked([data], "Test")
    assert decoded.pngs == (None,)
    assert decoded.images[0].size == (8, 6)


def test_a_bad_png_is_refused_before_anything_is_kept() -> None:
    with pytest.raises(BadResponseError):
        decode_checked([encoded(Image.new("RGB", (8, 6)))[:40]], "Test")


def test_the_bytes_follow_the_image_only_while_it_is_the_same_image() -> None:
    data = encoded(Image.new("RGB", (8, 6), (1, 2, 3)))
    decoded = decode_checked([data], "Test")
    cut = decoded.images[0].crop((0, 0, 4, 3))
    assert decoded.kept_for([cut]) == (None,)
    result = EditResult("test", decoded.images, encoded=decoded.kept_for(decoded.images))
    assert result.png_for(result.image) == data
    assert result.png_for(match_size(result.image, (8, 6))) == data  # the same size: the same image
    assert result.png_for(match_size(result.image, (16, 12))) is None
    assert "encoded" not in repr(result)
