"""Keep only what was meant to change (issue 18): pixel for pixel, kept pixels are the original's and
pixels deeper inside the mask than the feather are the result's; the seam between is a blend."""

from __future__ import annotations

import random

import pytest
from PIL import Image, ImageDraw

from core.composite import composite, feathered_weight

SIZE = (64, 48)


def noise(seed: int, mode: str = "RGB") -> Image.Image:
    rng = random.Random(seed)
    bands = len(mode)
    data = bytes(rng.randrange(256) for _ in range(SIZE[0] * SIZE[1] * bands))
    return Image.frombytes(mode, SIZE, data)


def odd_mask() -> Image.Image:
    """An ellipse, a bar that runs off the right and bottom edges, and a one-pixel speck."""
    mask = Image.new("L", SIZE, 0)
    draw = ImageDraw.Draw(mask)
    draw.ellipse((4, 4, 30, 28), fill=255)
    draw.rectangle((40, 20, 63, 47), fill=255)
    mask.putpixel((10, 40), 255)
    return mask


def depth(mask: Image.Image, x: int, y: int) -> int:
    """Chebyshev distance from an edit pixel to the nearest kept one (the image's edge is no kept pixel)."""
    width, height = mask.size
    for radius in range(1, max(width, height)):
        for dy in range(-radius, radius + 1):
            for dx in range(-radius, radius + 1):
                px, py = x + dx, y + dy
                if 0 <= px < width and 0 <= py < height and mask.getpixel((px, py)) == 0:
                    return radius
    return max(width, height)


@pytest.mark.parametrize("feather", [0, 1, 3, 4])
def test_kept_pixels_are_the_originals_and_deep_ones_the_results(feather: int) -> None:
    original, result, mask = noise(1), noise(2), odd_mask()
    out = composite(original, result, mask, feather)
    assert out.size == SIZE
    assert out.mode == "RGB"
    blended = 0
    for y in range(SIZE[1]):
        for x in range(SIZE[0]):
            got = out.getpixel((x, y))
            if mask.getpixel((x, y)) == 0:
                assert got == original.getpixel((x, y)), (x, y)
            elif depth(mask, x, y) > feather:
                assert got == result.getpixel((x, y)), (x, y)
            else:
                blended += 1
    # The feather is really there: some seam pixels are neither exactly one nor the other.
    assert (blended > 0) == (feather > 0)


def test_seam_weight_rises_inward() -> None:
    mask = Image.new("L", SIZE, 0)
    mask.paste(255, (20, 0, 64, 48))
    weight = feathered_weight(mask, SIZE, 4)
    row = [int(weight.getpixel((x, 24)) or 0) for x in range(16, 30)]  # type: ignore[arg-type]
    assert row[:4] == [0, 0, 0, 0]
    assert row == sorted(row)
    assert 0 < row[4] < 255
    assert row[-1] == 255


def test_a_mask_at_another_scale_is_the_same_area() -> None:
    original, result = noise(3), noise(4)
    small = odd_mask().resize((32, 24), Image.Resampling.NEAREST)
    out = composite(original, result, small, 0)
    scaled = small.resize(SIZE, Image.Resampling.NEAREST)
    for y in range(SIZE[1]):
        for x in range(SIZE[0]):
            expected = result if scaled.getpixel((x, y)) else original
            assert out.getpixel((x, y)) == expected.getpixel((x, y))


def test_a_transparent_result_keeps_its_alpha_inside_and_the_original_outside() -> None:
    original = Image.new("RGB", SIZE, (9, 8, 7))
    result = Image.new("RGBA", SIZE, (200, 100, 50, 0))
    out = composite(original, result, odd_mask(), 2)
    assert out.mode == "RGBA"
    assert out.getpixel((0, 0)) == (9, 8, 7, 255)
    assert out.getpixel((60, 44)) == (200, 100, 50, 0)
