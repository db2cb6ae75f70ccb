"""Clipboard and file images in the selector: shown fitted to the screen, cropped in *source* pixels.

GIVEN an image larger than the screen (so it is shown shrunk) or smaller (shown 1:1, centred),
WHEN a region is dragged on screen or Enter is pressed with nothing selected, THEN the result is
the exact source pixels under that region (the whole image for Enter), never resampled.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from core import geometry
from core.models import Rect
from overlay.sources import FIT_MARGIN
from tests.desktop.capture.screens import noise, paint_root
from tests.overlay.capture_run import CaptureProcess, capture
from tests.virtual_desktop import VirtualDesktop, virtual_desktop

pytestmark = pytest.mark.desktop

WIDTH, HEIGHT = 1280, 800
PROBE = (5, 5)


@pytest.fixture(scope="module")
def screen() -> Iterator[tuple[VirtualDesktop, Image.Image]]:
    with virtual_desktop(WIDTH, HEIGHT) as desktop:
        pattern = noise(WIDTH, HEIGHT, seed=5)
        paint_root(desktop.display, pattern)
        yield desktop, pattern


def started(run: CaptureProcess, pattern: Image.Image) -> CaptureProcess:
    # Around a fitted image the overlay shows its own dark background, which the probe sees.
    run.wait_painted(PROBE, pattern.getpixel(PROBE))  # type: ignore[arg-type]
    return run


def fit_on_screen(size: tuple[int, int]) -> geometry.Fit:
    area = Rect(FIT_MARGIN, FIT_MARGIN, WIDTH - 2 * FIT_MARGIN, HEIGHT - 2 * FIT_MARGIN)
    return geometry.fit_image(size, area)


def saved(path: Path) -> Image.Image:
    with Image.open(path) as image:
        image.load()
        return image


def test_a_large_clipboard_png_is_shrunk_to_fit_and_the_crop_is_exact_source_pixels(
    screen: tuple[VirtualDesktop, Image.Image], tmp_path: Path
) -> None:
    desktop, pattern = screen
    source = noise(2600, 1500, seed=6)
    buffer = io.BytesIO()
    source.save(buffer, "PNG", compress_level=1)
    desktop.set_clipboard(buffer.getvalue(), "image/png")
    fit = fit_on_screen(source.size)
    assert fit.scale < 1  # the premise: shown shrunk
    start, end = (fit.display.x + 100, fit.display.y + 80), (fit.display.x + 350, fit.display.y + 260)
    output = tmp_path / "out.png"
    with capture(desktop, tmp_path, ["--from-clipboard", "--output", str(output)]) as run:
        started(run, pattern).drag(start, end)
        run.xdotool("key", "Return")
        result = run.finish()
    assert result.returncode == 0, result.stderr
    expected = fit.to_source(Rect(start[0], start[1], end[0] - start[0], end[1] - start[1]))
    assert expected.width > 250  # more source pixels than screen pixels were dragged
    assert saved(output).convert("RGB").tobytes() == source.crop(expected.as_box()).tobytes()


def test_enter_with_no_drag_takes_the_whole_clipboard_image_unchanged(
    screen: tuple[VirtualDesktop, Image.Image], tmp_path: Path
) -> None:
    desktop, pattern = screen
    source = noise(2000, 1700, seed=8)
    buffer = io.BytesIO()
    source.save(buffer, "BMP")
    desktop.set_clipboard(buffer.getvalue(), "image/bmp")
    output = tmp_path / "out.png"
    with capture(desktop, tmp_path, ["--from-clipboard", "--output", str(output)]) as run:
        started(run, pattern)
        run.xdotool("mousemove", "640", "400", "key", "Return")
        result = run.finish()
    assert result.returncode == 0, result.stderr
    assert saved(output).convert("RGB").tobytes() == source.tobytes()


def test_a_small_file_is_shown_at_true_size_centred_and_keeps_its_alpha(
    screen: tuple[VirtualDesktop, Image.Image], tmp_path: Path
) -> None:
    desktop, pattern = screen
    source = noise(300, 200, seed=9).convert("RGBA")
    source.putalpha(Image.linear_gradient("L").resize((300, 200)))
    path = tmp_path / "in.png"
    source.save(path)
    fit = fit_on_screen(source.size)
    assert fit.scale == 1
    left, top = fit.display.x, fit.display.y
    output = tmp_path / "out.png"
    with capture(desktop, tmp_path, ["--file", str(path), "--output", str(output)]) as run:
        started(run, pattern).drag((left + 10, top + 20), (left + 110, top + 70))
        run.xdotool("key", "Return")
        result = run.finish()
    assert result.returncode == 0, result.stderr
    crop = saved(output)
    assert crop.mode == "RGBA"
    assert crop.tobytes() == source.crop((10, 20, 110, 70)).tobytes()


def test_a_clipboard_holding_text_says_there_is_no_image_and_opens_nothing(
    screen: tuple[VirtualDesktop, Image.Image], tmp_path: Path
) -> None:
    desktop, _pattern = screen
    desktop.set_clipboard(b"just words")
    with capture(desktop, tmp_path, ["--from-clipboard", "--output", str(tmp_path / "out.png")]) as run:
        result = run.finish()
    assert result.returncode == 2
    assert "The clipboard holds text, not an image: copy an image first." in result.stderr
    assert not (tmp_path / "out.png").exists()


def test_a_file_that_is_not_an_image_is_named_in_the_error(
    screen: tuple[VirtualDesktop, Image.Image], tmp_path: Path
) -> None:
    desktop, _pattern = screen
    path = tmp_path / "notes.png"
    path.write_bytes(b"not a png at all")
    with capture(desktop, tmp_path, ["--file", str(path), "--output", str(tmp_path / "out.png")]) as run:
        result = run.finish()
    assert result.returncode == 2
    assert f"The image on {path} cannot be read" in result.stderr
