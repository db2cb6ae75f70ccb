"""providers.images: an answer holds at most the images asked for and a bounded number of pixels in all."""

from __future__ import annotations

import pytest

from core.errors import BadResponseError
from providers.images import decode_all, decode_image, keep_asked
from tests.faults.hostile import stand_ins as hostile


@pytest.mark.parametrize(("asked", "kept"), [(None, 1), (3, 3), (0, 1), (True, 1), ("7", 1), (50, 10)])
def test_only_the_images_asked_for_are_kept_and_the_rest_is_said(asked: object, kept: int) -> None:
    notes: list[str] = []
    assert len(keep_asked(list(range(10)), asked, "Test", notes)) == kept
    assert bool(notes) == (kept < 10)


def test_images_over_the_jobs_pixel_budget_are_refused_on_their_headers() -> None:
    blobs = [hostile.encoded(hostile.mode_image("RGB"))] * 3  # 64x48 each: 9,216 pixels in all
    assert len(decode_all(blobs, "Test", max_total=9216)) == 3
    with pytest.raises(BadResponseError, match="3 images of 0 million pixels in all"):
        decode_all(blobs, "Test", max_total=9215)


def test_an_eps_answer_is_not_an_image() -> None:
    with pytest.raises(BadResponseError, match="not an image"):
        decode_image(hostile.EPS, "Test")


def test_a_cmyk_jpeg_result_comes_back_in_rgb() -> None:
    assert decode_image(hostile.encoded(hostile.mode_image("CMYK"), "JPEG"), "Test").mode == "RGB"
