"""``python -m bench.upload`` picks the PNG level from encode time plus bytes over the uplink (issue 14)."""

from __future__ import annotations

import io

from PIL import Image

from bench.upload import Measured, encode, fastest, fastest_png, fastest_png_level, ui_picture


def test_the_upload_time_is_the_bytes_over_the_rate_plus_the_encode() -> None:
    item = Measured("png1", 1_250_000, 40.0)  # 10 Mbit: 1 s for 1.25 MB
    assert item.upload_ms(10) == 1000.0
    assert item.total_ms(10) == 1040.0


def test_the_fastest_level_is_judged_over_every_picture_together_not_by_wins() -> None:
    # png1 wins two small pictures by a little; png6 wins the large one by a lot.
    small = [Measured("png1", 100_000, 5.0), Measured("png6", 95_000, 12.0)]
    large = [Measured("png1", 2_000_000, 50.0), Measured("png6", 1_500_000, 120.0)]
    assert fastest(small, 10).encoding == "png1"
    assert fastest(large, 10).encoding == "png6"
    assert fastest_png_level([small, small, large], 10) == 6
    # On a fast link the encode time decides.
    assert fastest_png_level([small, small, large], 1000) == 1


def test_webp_is_reported_but_never_chosen_as_the_png_level() -> None:
    pictures = [[Measured("png3", 100_000, 5.0), Measured("webp-m0", 10_000, 1.0)]]
    assert fastest(pictures[0], 10).encoding == "webp-m0"
    assert fastest_png_level(pictures, 10) == 3


def test_the_ui_screenshot_is_mostly_flat_with_text() -> None:
    picture = ui_picture(640, 400)
    colours = picture.getcolors(maxcolors=640 * 400)
    assert colours is not None
    most = max(count for count, _ in colours)
    assert most > 640 * 400 // 3  # a flat page
    assert len(colours) > 20  # and antialiased text on it


def test_unfiltered_pngs_compete_for_the_fastest_png_but_not_for_pillows_level() -> None:
    pictures = [[Measured("png1", 100_000, 20.0), Measured("png3", 95_000, 24.0), Measured("png2-none", 101_000, 12.0)]]
    assert fastest_png_level(pictures, 1000) == 1
    assert fastest_png(pictures, 1000) == "png2-none"
    assert fastest_png(pictures, 0.1) == "png3"  # where bytes are dear, the smallest wins


def test_the_unfiltered_encoding_is_a_png_of_the_same_pixels() -> None:
    picture = ui_picture(640, 400)
    decoded = Image.open(io.BytesIO(encode(picture, "png2-none")))
    assert decoded.format == "PNG"
    assert decoded.tobytes() == picture.tobytes()
