"""Crops whose pixels say where they were painted, so a mask can be checked against the image sent with it.

The crop is blue with red patches exactly where the mask (or markup) marks it. Whatever a provider does to
the pair (whole-factor enlargement, shrinking, padding to a frame, shrinking again for bytes), the mask
it sends must still cover the red pixels of the image it sends and none of the blue ones: checked on the
received pair, pixel for pixel, leaving out only the resampling seam along a patch's edge.
"""

from __future__ import annotations

import io
import os

from PIL import Image, ImageChops, ImageFilter

BLUE = (20, 40, 220)
RED = (230, 20, 20)
STROKE = (255, 220, 0, 255)


def patches(size: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    """Two painted areas of different shapes, away from the edges (where padding starts)."""
    width, height = size
    return [
        (width // 8, height // 6, width // 8 + max(4, width // 5), height // 6 + max(4, height // 3)),
        (width // 2, height // 2, width // 2 + max(4, width // 4), height // 2 + max(4, height // 5)),
    ]


def painted_crop(size: tuple[int, int]) -> tuple[Image.Image, Image.Image]:
    """The crop and our mask (L, 255 = edit) of its red patches."""
    image = Image.new("RGB", size, BLUE)
    mask = Image.new("L", size, 0)
    for box in patches(size):
        image.paste(RED, box)
        mask.paste(255, box)
    return image, mask


def noisy_painted_crop(size: tuple[int, int]) -> tuple[Image.Image, Image.Image]:
    """As ``painted_crop``, but random in green and in the low bits of red and blue, so PNG cannot
    compress it (about 2.6 bytes a pixel): big enough crops must be shrunk to meet a byte limit."""
    image, mask = painted_crop(size)
    count = size[0] * size[1]
    low = Image.frombytes("L", size, os.urandom(count)).point(lambda v: v // 4)
    green = Image.frombytes("L", size, os.urandom(count))
    red, _green, blue = image.split()
    red = ImageChops.add(red.point(lambda v: 192 if v > 128 else 0), low)
    blue = ImageChops.add(blue.point(lambda v: 192 if v > 128 else 0), low.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    return Image.merge("RGB", (red, green, blue)), mask


def marked_crop(size: tuple[int, int]) -> tuple[Image.Image, Image.Image]:
    """The crop and markup (RGBA, transparent but for the strokes) drawn over its red patches."""
    image, mask = painted_crop(size)
    markup = Image.new("RGBA", size, (0, 0, 0, 0))
    markup.paste(STROKE, mask=mask)
    return image, markup


def decode(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture


def misplaced(image: Image.Image, edit: Image.Image, seam: int) -> tuple[int, int]:
    """(pixels wrongly marked or unmarked, red pixels checked): the first must be 0, the second not.

    ``edit`` is L, 255 = marked, the received image's size. A pixel counts only when the image is
    plainly red or plainly blue there and no other kind lies within ``seam`` pixels (resampling blurs
    edges by a pixel or two; padding in the crop's mean colour is neither, so it must be unmarked).
    """
    assert edit.size == image.size, f"mask {edit.size} is not the image's size {image.size}"
    red, _green, blue = image.convert("RGB").split()
    is_red = ImageChops.multiply(red.point(lambda v: 255 if v > 180 else 0), blue.point(lambda v: 255 if v < 80 else 0))
    is_blue = ImageChops.multiply(
        blue.point(lambda v: 255 if v > 180 else 0), red.point(lambda v: 255 if v < 80 else 0)
    )
    size = 2 * seam + 1
    sure_red = is_red.filter(ImageFilter.MinFilter(size)) if seam else is_red
    sure_blue = is_blue.filter(ImageFilter.MinFilter(size)) if seam else is_blue
    marked = edit.convert("L").point(lambda v: 255 if v >= 128 else 0)
    unmarked = marked.point(lambda v: 255 - v)
    wrong = ImageChops.add(ImageChops.multiply(sure_red, unmarked), ImageChops.multiply(sure_blue, marked))
    # Padding is neither red nor blue: marked there is wrong too.
    other = ImageChops.invert(ImageChops.lighter(is_red, is_blue))
    other = other.filter(ImageFilter.MinFilter(size)) if seam else other
    wrong = ImageChops.lighter(wrong, ImageChops.multiply(other, marked))
    return _count(wrong), _count(sure_red)


def _count(mask: Image.Image) -> int:
    return mask.histogram()[255]


def openai_edit_area(mask_png: bytes) -> Image.Image:
    """OpenAI's mask as ours: alpha 0 = edit."""
    return decode(mask_png).getchannel("A").point(lambda v: 255 if v < 128 else 0)


def ideogram_edit_area(mask_png: bytes) -> Image.Image:
    """Ideogram's mask as ours: black = edit."""
    return decode(mask_png).convert("L").point(lambda v: 255 if v < 128 else 0)


def markup_area(markup_png: bytes) -> Image.Image:
    """Where markup has visible strokes."""
    return decode(markup_png).getchannel("A").point(lambda v: 255 if v >= 128 else 0)
