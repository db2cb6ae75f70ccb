"""Crop-shaped requests (issue 11, ADR 020): every rule obeyed, the crop mapped back exactly, no stretch.

Crop shapes run from 1x1 to 8K strips (7680x16, 16x4320). "Within a pixel" means the crop's region
and the returned size differ from the crop's exact aspect ratio by at most one pixel on the short side.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageStat

from providers import fitting, sizing
from providers.sizing import GEMINI, GEMINI_STRIPS, GPT_IMAGE_2, GPT_IMAGE_FIXED, Plan, SizeRule

IDEOGRAM_RATIOS = SizeRule("ideogram", ratios=("1x3", "3x1", "1x2", "2x1", "9x16", "16x9", "10x16", "16x10", "1x1"))
PRECISE = SizeRule("ideogram-precise-edit", max_ratio=6.0)
LISTED = (GEMINI, GEMINI_STRIPS, GPT_IMAGE_FIXED, IDEOGRAM_RATIOS)
crops = st.tuples(st.integers(1, 7680), st.integers(1, 4320))
strips = st.sampled_from([(7680, 16), (16, 4320), (7680, 1), (1, 4320), (1, 1), (3, 1), (1920, 1080), (3840, 2160)])
any_crop = st.one_of(crops, strips)


def within_a_pixel(size: tuple[int, int], crop: tuple[int, int]) -> bool:
    """``size`` has ``crop``'s aspect ratio to a pixel: rounding either side by < 1 px explains it."""
    width, height = size
    return abs(width * crop[1] / crop[0] - height) <= 1 or abs(height * crop[0] / crop[1] - width) <= 1


def assert_box_inside(plan: Plan) -> None:
    x, y, width, height = plan.box
    assert x >= 0
    assert y >= 0
    assert width >= 1
    assert height >= 1
    assert x + width <= plan.frame[0]
    assert y + height <= plan.frame[1]


@settings(max_examples=400)
@given(any_crop)
def test_an_any_size_request_obeys_every_gpt_image_2_limit(crop: tuple[int, int]) -> None:
    plan = sizing.plan(crop, GPT_IMAGE_2)
    width, height = plan.frame
    assert plan.request == f"{width}x{height}"
    assert width % 16 == 0
    assert height % 16 == 0
    assert max(width, height) <= 3 * min(width, height)
    assert max(width, height) <= 3840
    assert 655_360 <= width * height <= 8_294_400
    assert_box_inside(plan)
    assert within_a_pixel(plan.box[2:], crop)


@settings(max_examples=300)
@given(any_crop, st.sampled_from(LISTED))
def test_a_listed_shape_is_asked_for_and_the_frame_has_exactly_its_ratio(crop: tuple[int, int], rule: SizeRule) -> None:
    plan = sizing.plan(crop, rule)
    assert plan.request in (rule.sizes or rule.ratios)
    assert plan.request is not None
    ratio_w, ratio_h = sizing.parse_shape(plan.request)
    assert plan.frame[0] * ratio_h == plan.frame[1] * ratio_w
    # The crop itself is untouched (scale 1), only padded around.
    assert plan.box[2:] == crop
    assert plan.scale == 1.0
    assert_box_inside(plan)


@settings(max_examples=300)
@given(any_crop, st.sampled_from((GPT_IMAGE_2, PRECISE, *LISTED)), st.sampled_from((1.0, 0.5, 0.25)))
def test_the_answer_maps_back_to_the_crops_shape_without_stretch(
    crop: tuple[int, int], rule: SizeRule, answer_scale: float
) -> None:
    plan = sizing.plan(crop, rule)
    answer = (max(1, round(plan.frame[0] * answer_scale)), max(1, round(plan.frame[1] * answer_scale)))
    (left, top, right, bottom), size = sizing.answer_box(answer, plan)
    assert 0 <= left < right <= answer[0]
    assert 0 <= top < bottom <= answer[1]
    assert within_a_pixel(size, crop)
    region = (right - left, bottom - top)
    # Never upscaled past what came back, except the 1-px floor of a degenerate side.
    assert size[0] <= max(1, region[0] + 1)
    assert size[1] <= max(1, region[1] + 1)
    if answer_scale == 1.0 and plan.scale >= 1.0:
        assert size == crop  # sent as is, or scaled up to the minimum and brought back down exactly


@given(any_crop)
def test_a_precise_edit_crop_is_only_padded_beyond_six_to_one(crop: tuple[int, int]) -> None:
    plan = sizing.plan(crop, PRECISE)
    assert plan.request is None
    assert plan.scale == 1.0
    assert max(plan.frame) <= 6 * min(plan.frame) + 1
    assert plan.padded == (max(crop) > 6 * min(crop))


@pytest.mark.parametrize(
    ("crop", "frame", "box"),
    [
        ((1920, 1080), (1920, 1088), (0, 4, 1920, 1080)),  # 1080 is not 16-aligned: 8 rows of padding
        ((7680, 16), (3840, 1280), (0, 636, 3840, 8)),  # beyond 3:1, halved for the 3840 edge
        ((16, 4320), (1280, 3840), (633, 0, 14, 3840)),
        ((7680, 4320), (3840, 2160), (0, 0, 3840, 2160)),  # 8K: exactly the pixel ceiling, no padding
        ((1, 1), (816, 816), (3, 3, 810, 810)),  # scaled up to the 655,360-pixel floor
    ],
)
def test_gpt_image_2_frames_for_known_crops(
    crop: tuple[int, int], frame: tuple[int, int], box: tuple[int, int, int, int]
) -> None:
    plan = sizing.plan(crop, GPT_IMAGE_2)
    assert (plan.frame, plan.box) == (frame, box)


def test_a_three_to_one_strip_is_asked_for_as_three_to_one_everywhere() -> None:
    assert sizing.plan((1536, 512), GPT_IMAGE_2).request == "1536x512"
    assert sizing.plan((1536, 512), GEMINI).request == "21:9"  # the nearest Gemini has; padded to it
    assert sizing.plan((1536, 512), IDEOGRAM_RATIOS).request == "3x1"


def striped(size: tuple[int, int]) -> Image.Image:
    image = Image.new("RGB", size, (20, 60, 200))
    for x in range(0, size[0], 8):
        image.paste((240, 200, 10), (x, 0, x + 4, size[1]))
    image.paste((200, 30, 30), (0, 0, max(1, size[0] // 3), max(1, size[1] // 3)))
    return image


@pytest.mark.parametrize(
    ("crop", "rule"),
    [((600, 200), GEMINI), ((1920, 1080), GPT_IMAGE_2), ((900, 100), GPT_IMAGE_2), ((90, 70), GPT_IMAGE_2)],
)
def test_pixels_come_back_where_they_were_after_a_round_trip(crop: tuple[int, int], rule: SizeRule) -> None:
    """A provider that answers the frame it was sent (at its own resolution) gives back the crop itself."""
    image = striped(crop)
    plan = sizing.plan(crop, rule)
    sent = fitting.frame(image, plan)
    assert sent.size == plan.frame
    answer = sent.resize((plan.frame[0] // 2 * 2, plan.frame[1] // 2 * 2), Image.Resampling.LANCZOS)
    back = fitting.unframe(answer, plan)
    assert within_a_pixel(back.size, crop)
    compared = fitting.match_size(back, crop)
    difference = ImageStat.Stat(ImageChops.difference(compared, image)).mean
    assert max(difference) < 40, difference  # stripes in place; a stretch or an offset would smear them


@settings(max_examples=25, deadline=None)
@given(st.tuples(st.integers(1, 300), st.integers(1, 300)))
def test_a_small_crop_scaled_up_by_whole_pixels_comes_back_exactly(crop: tuple[int, int]) -> None:
    """Below the pixel floor each pixel is sent as a k x k block; a faithful answer reduces to the crop itself."""
    image = striped(crop)
    plan = sizing.plan(crop, GPT_IMAGE_2)
    assert plan.scale.is_integer()
    assert plan.scale > 1
    back = fitting.unframe(fitting.frame(image, plan), plan)
    assert ImageChops.difference(back, image).getbbox() is None


def test_an_answer_to_an_unpadded_unscaled_frame_is_returned_as_it_came() -> None:
    plan = sizing.plan((160, 90), GEMINI)  # exactly 16:9: nothing padded, nothing scaled
    answer = Image.new("RGB", (96, 64))
    assert fitting.unframe(answer, plan) is answer


def test_the_mask_frame_never_lets_the_padding_be_edited() -> None:
    plan = sizing.plan((1920, 1080), GPT_IMAGE_2)
    mask = fitting.frame_mask(Image.new("L", (1920, 1080), fitting.EDIT), plan)
    assert mask.size == plan.frame
    assert mask.getpixel((5, 1)) == fitting.KEEP
    assert mask.getpixel((5, 1087)) == fitting.KEEP
    assert mask.getpixel((960, 544)) == fitting.EDIT


def test_a_crop_with_nothing_in_it_is_refused() -> None:
    with pytest.raises(ValueError, match="nothing to send"):
        sizing.plan((0, 10), GPT_IMAGE_2)


def test_nearest_shape_compares_ratios_on_a_log_scale() -> None:
    # 2:1 is 1.0 from both 1:1 and 3:1 by w/h, but log(3/2) < log(2): 3:1 is nearer in shape.
    assert math.log(3 / 2) < math.log(2)
    assert sizing.nearest_shape(2000, 1000, ("1:1", "3:1")) == "3:1"
    assert sizing.nearest_shape(1000, 2000, ("1:1", "1:3")) == "1:3"
