"""Fitting crops to providers and results back to crops: formats, limits, nearest shapes, masks."""

from __future__ import annotations

import io
import math
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from core.errors import InputError
from providers.base import InputLimits
from providers.fitting import (
    UPLOAD_PNG_LEVEL,
    fit_image,
    ideogram_mask,
    mask_from_picture,
    match_size,
    nearest_aspect_ratio,
    nearest_size,
    openai_mask,
    parse_dimensions,
)

OPENAI_SIZES = ("1024x1024", "1536x1024", "1024x1536")
GOOGLE_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "9:16", "16:9", "21:9")
sides = st.integers(min_value=1, max_value=20_000)


def noise(size: tuple[int, int]) -> Image.Image:
    return Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))


def pixel(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    value = image.getpixel(xy)
    assert isinstance(value, tuple)
    return value


def shape_distance(width: int, height: int, choice: str) -> float:
    w, h = parse_dimensions(choice)
    return abs(math.log(w / h) - math.log(width / height))


@pytest.mark.parametrize(
    ("size", "expected"),
    [((300, 200), "1536x1024"), ((200, 300), "1024x1536"), ((500, 480), "1024x1024"), ((4000, 100), "1536x1024")],
)
def test_nearest_openai_size_follows_the_crops_shape(size: tuple[int, int], expected: str) -> None:
    assert nearest_size(*size, OPENAI_SIZES) == expected


@pytest.mark.parametrize(
    ("size", "expected"), [((1920, 1080), "16:9"), ((1080, 1920), "9:16"), ((2560, 1080), "21:9"), ((800, 600), "4:3")]
)
def test_nearest_aspect_ratio_for_common_screens(size: tuple[int, int], expected: str) -> None:
    assert nearest_aspect_ratio(*size, GOOGLE_RATIOS) == expected


@given(sides, sides)
def test_no_listed_ratio_is_closer_in_shape_than_the_chosen_one(width: int, height: int) -> None:
    chosen = nearest_aspect_ratio(width, height, GOOGLE_RATIOS)
    best = min(shape_distance(width, height, choice) for choice in GOOGLE_RATIOS)
    assert shape_distance(width, height, chosen) == pytest.approx(best)


@given(sides, sides)
def test_turning_the_crop_turns_the_chosen_size(width: int, height: int) -> None:
    chosen_w, chosen_h = parse_dimensions(nearest_size(width, height, OPENAI_SIZES))
    turned_w, turned_h = parse_dimensions(nearest_size(height, width, OPENAI_SIZES))
    if not math.isclose(shape_distance(width, height, "1536x1024"), shape_distance(width, height, "1024x1024")):
        assert (turned_w, turned_h) == (chosen_h, chosen_w)


@pytest.mark.parametrize("text", ["1024", "0x5", "axb", "16-9", ""])
def test_bad_dimensions_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a size"):
        parse_dimensions(text)


def test_a_small_crop_is_sent_as_it_is() -> None:
    image = noise((64, 48))
    fitted = fit_image(image, InputLimits(formats=("PNG",)), "Test")
    assert fitted.scale == 1
    assert fitted.size == (64, 48)
    assert fitted.mime == "image/png"
    assert Image.open(io.BytesIO(fitted.data)).tobytes() == image.tobytes()


def test_the_upload_is_one_png_at_the_level_the_upload_bench_found_fastest() -> None:
    # bench.upload, 10 Mbit/s, six screenshots: level 3 beat 1 (bytes) and 6 (encode time); ADR 036.
    assert UPLOAD_PNG_LEVEL == 3
    image = noise((64, 48))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=UPLOAD_PNG_LEVEL)
    assert fit_image(image, InputLimits(formats=("PNG",)), "Test").data == buffer.getvalue()


def test_transparency_picks_a_format_that_keeps_it() -> None:
    image = Image.new("RGBA", (10, 10), (255, 0, 0, 0))
    fitted = fit_image(image, InputLimits(formats=("JPEG", "WEBP", "PNG")), "Test")
    assert fitted.format == "WEBP"
    decoded = Image.open(io.BytesIO(fitted.data))
    assert pixel(decoded.convert("RGBA"), (5, 5))[3] == 0


def test_a_jpeg_only_provider_gets_transparency_flattened_onto_white() -> None:
    image = Image.new("RGBA", (10, 10), (255, 0, 0, 0))
    fitted = fit_image(image, InputLimits(formats=("JPEG",)), "Test")
    decoded = Image.open(io.BytesIO(fitted.data)).convert("RGB")
    assert all(channel > 245 for channel in pixel(decoded, (5, 5)))


def test_the_longest_side_and_pixel_count_are_respected_keeping_the_shape() -> None:
    image = noise((800, 400))
    by_side = fit_image(image, InputLimits(max_side=200), "Test")
    by_pixels = fit_image(image, InputLimits(max_pixels=20_000), "Test")
    assert by_side.size == (200, 100)
    assert by_pixels.size[0] * by_pixels.size[1] <= 20_000
    assert by_pixels.size[0] == pytest.approx(2 * by_pixels.size[1], abs=1)


def test_bytes_over_the_limit_shrink_the_image_until_it_fits() -> None:
    image = noise((400, 400))
    limits = InputLimits(max_bytes=100_000)
    fitted = fit_image(image, limits, "Test")
    assert len(fitted.data) <= 100_000
    assert fitted.size[0] < 400
    assert fitted.size[0] == fitted.size[1]


def test_an_impossible_byte_limit_says_to_select_a_smaller_region() -> None:
    with pytest.raises(InputError, match="smaller region"):
        fit_image(noise((50, 50)), InputLimits(max_bytes=10), "Test")


def edit_left_half(size: tuple[int, int]) -> Image.Image:
    mask = Image.new("L", size, 0)
    mask.paste(255, (0, 0, size[0] // 2, size[1]))
    return mask


def test_openai_mask_is_transparent_where_to_edit_and_the_images_size() -> None:
    mask = Image.open(io.BytesIO(openai_mask(edit_left_half((40, 20)), (80, 40))))
    assert mask.mode == "RGBA"
    assert mask.size == (80, 40)
    assert pixel(mask, (10, 20))[3] == 0
    assert pixel(mask, (70, 20))[3] == 255


def test_ideogram_mask_is_black_where_to_edit() -> None:
    mask = Image.open(io.BytesIO(ideogram_mask(edit_left_half((40, 20)), (40, 20)))).convert("L")
    assert mask.getpixel((5, 5)) == 0
    assert mask.getpixel((35, 5)) == 255


def test_a_drawn_mask_means_transparent_or_else_black_is_the_area_to_edit() -> None:
    transparent = Image.new("RGBA", (10, 10), (255, 255, 255, 255))
    transparent.paste((0, 0, 0, 0), (0, 0, 5, 10))
    black = Image.new("RGB", (10, 10), (255, 255, 255))
    black.paste((0, 0, 0), (0, 0, 5, 10))
    for picture in (transparent, black):
        ours = mask_from_picture(picture)
        assert ours.mode == "L"
        assert (ours.getpixel((1, 1)), ours.getpixel((8, 8))) == (255, 0)


@given(st.integers(1, 300), st.integers(1, 300))
def test_match_size_always_gives_the_crops_exact_size(width: int, height: int) -> None:
    assert match_size(Image.new("RGB", (64, 32)), (width, height)).size == (width, height)
