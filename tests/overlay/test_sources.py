"""Images for the selector from the clipboard and from files: formats, errors, and how they are fitted."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from core.errors import InputError, NoImageError
from core.models import Monitor, Rect, Screenshot
from desktop.clipboard.base import ClipboardImage
from overlay import sources
from tests.desktop.capture.screens import noise


class FakeClipboard:
    """A clipboard that offers fixed bytes, as a real one hands them over."""

    name = "fake"
    install_hint = ""

    def __init__(self, found: ClipboardImage | None) -> None:
        self._found = found

    def fits_this_system(self) -> bool:
        return True

    def is_installed(self) -> bool:
        return True

    def write_png(self, data: bytes) -> None:
        raise AssertionError("not used")

    def read_image(self) -> ClipboardImage:
        if self._found is None:
            raise NoImageError("The clipboard is empty: copy an image first.")
        return self._found


def encoded(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


@pytest.mark.parametrize(("fmt", "mime"), [("PNG", "image/png"), ("BMP", "image/bmp"), ("TIFF", "image/tiff")])
def test_lossless_clipboard_images_arrive_pixel_for_pixel(fmt: str, mime: str) -> None:
    image = noise(64, 48, seed=1)
    got = sources.clipboard_image(FakeClipboard(ClipboardImage(encoded(image, fmt), mime)))
    assert got.convert("RGB").tobytes() == image.tobytes()


def test_a_jpeg_on_the_clipboard_is_read() -> None:
    image = Image.new("RGB", (40, 30), (200, 100, 50))
    got = sources.clipboard_image(FakeClipboard(ClipboardImage(encoded(image, "JPEG"), "image/jpeg")))
    assert got.size == (40, 30)
    assert max(abs(a - b) for a, b in zip(got.getpixel((20, 15)), (200, 100, 50), strict=True)) < 4  # type: ignore[arg-type]


def test_a_windows_dib_without_file_header_is_read() -> None:
    image = noise(33, 17, seed=2)
    dib = encoded(image, "BMP")[14:]  # CF_DIB is a BMP without its 14-byte file header
    got = sources.clipboard_image(FakeClipboard(ClipboardImage(dib, "image/dib")))
    assert got.convert("RGB").tobytes() == image.tobytes()


def test_no_image_on_the_clipboard_is_the_clipboards_plain_message() -> None:
    with pytest.raises(NoImageError, match="The clipboard is empty: copy an image first"):
        sources.clipboard_image(FakeClipboard(None))


def test_broken_bytes_on_the_clipboard_are_an_input_error() -> None:
    with pytest.raises(InputError, match="The image on the clipboard cannot be read"):
        sources.clipboard_image(FakeClipboard(ClipboardImage(b"\x89PNG\r\n\x1a\nbroken", "image/png")))


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        sources.file_image(tmp_path / "nope.png")


def test_an_empty_file_is_no_image(tmp_path: Path) -> None:
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(NoImageError, match="is empty"):
        sources.file_image(tmp_path / "empty.png")


def test_a_palette_file_becomes_rgb_and_keeps_its_pixels(tmp_path: Path) -> None:
    image = noise(20, 10, seed=3).convert("P")
    image.save(tmp_path / "p.png")
    got = sources.file_image(tmp_path / "p.png")
    assert got.mode == "RGB"
    assert got.tobytes() == image.convert("RGB").tobytes()


def test_a_large_image_is_shown_shrunk_inside_the_margin_but_selected_in_its_own_pixels() -> None:
    monitor = Monitor(0, Rect(1920, 0, 1280, 800))
    image = noise(2560, 1600, seed=4)
    scene = sources.image_scene(image, monitor, "file")
    assert scene.screen == monitor.rect
    assert scene.shown.size == (scene.placement.width, scene.placement.height)
    assert scene.placement.width <= 1280 - 2 * sources.FIT_MARGIN
    assert scene.bounds == Rect(0, 0, 2560, 1600)
    assert scene.boundary(scene.placement.right, scene.placement.bottom) == (2560, 1600)
    assert scene.boundary(0, 0) == (0, 0)


def test_a_screenshot_is_shown_one_to_one_and_reads_out_desktop_positions() -> None:
    shot = Screenshot(Monitor(1, Rect(-1280, 0, 1280, 1024)), noise(1280, 1024, seed=5))
    (scene,) = sources.screen_scenes([shot])
    assert scene.shown is shot.image
    assert scene.placement == Rect(0, 0, 1280, 1024)
    assert scene.offset == (-1280, 0)
    assert scene.boundary(37, 41) == (37, 41)
    assert scene.to_view(Rect(3, 4, 5, 6)) == Rect(3, 4, 5, 6)
