"""What the selector shows: a screen's frozen pixels, or a clipboard/file image fitted to a screen.

A ``Scene`` is one overlay window's content. Screenshots are shown at their true pixel size; other
images are shrunk to fit the monitor (never enlarged) for display only, while every selection is
kept and returned in the source image's own pixels.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from core import geometry, pixels
from core.errors import InputError, NoImageError
from core.models import Monitor, Rect, Screenshot
from desktop.clipboard.base import ClipboardMethod

log = logging.getLogger(__name__)

FIT_MARGIN = 48
# 200 million pixels: a 16000x12500 photo opens; a header claiming 60000x60000 does not.
MAX_SOURCE_PIXELS = 200_000_000
"""Display pixels kept free around a fitted image, so its edges can be grabbed and seen."""


@dataclass(frozen=True)
class Scene:
    """One overlay window: where it goes, what it shows and the image a selection refers to.

    ``fit.display`` is where ``shown`` is drawn, in the window's own pixels; ``offset`` is added
    to source coordinates in the readout (a monitor's desktop position; zero for images).
    """

    screen: Rect
    source: Image.Image
    shown: Image.Image
    fit: geometry.Fit
    origin: str
    offset: tuple[int, int] = (0, 0)

    @property
    def placement(self) -> Rect:
        return self.fit.display

    @property
    def bounds(self) -> Rect:
        """The source image's own rectangle: what every selection is clamped to."""
        return Rect(0, 0, self.source.width, self.source.height)

    def boundary(self, x: int, y: int) -> geometry.Point:
        """The source pixel boundary nearest the window point (x, y), clamped to the image.

        Drags are kept in source pixels so that a nudge moves by one *source* pixel on a
        shrunk image too; at true size this is the point itself.
        """
        cx, cy = geometry.clamp_point(x, y, self.fit.display)
        mapped = self.fit.to_source(Rect(cx, cy, 0, 0))
        return (mapped.x, mapped.y)

    def pixel_under(self, x: int, y: int) -> geometry.Point:
        """The source pixel shown at window pixel (x, y), for the magnifier."""
        d = self.fit.display
        return ((x - d.x) * self.source.width // d.width, (y - d.y) * self.source.height // d.height)

    def to_view(self, rect: Rect) -> Rect:
        """A source rectangle as it appears in the window (its edges on the fitted image)."""
        return self.fit.to_display(rect)


def screen_scenes(screenshots: Sequence[Screenshot]) -> tuple[Scene, ...]:
    """One scene per monitor, each drawn 1:1 at the monitor's place on the desktop."""
    scenes = []
    for shot in screenshots:
        rect = shot.monitor.rect
        scenes.append(
            Scene(
                screen=rect,
                source=shot.image,
                shown=shot.image if shot.image.mode == "RGB" else shot.image.convert("RGB"),
                fit=geometry.fit_image(shot.image.size, Rect(0, 0, shot.image.width, shot.image.height)),
                origin="screen",
                offset=(rect.x, rect.y),
            )
        )
    return tuple(scenes)


def image_scene(image: Image.Image, monitor: Monitor, origin: str) -> Scene:
    """``image`` centred on ``monitor``, shrunk to fit with a margin, never enlarged."""
    screen = monitor.rect
    area = Rect(FIT_MARGIN, FIT_MARGIN, screen.width - 2 * FIT_MARGIN, screen.height - 2 * FIT_MARGIN)
    fit = geometry.fit_image(image.size, area)
    shown = _opaque(image)
    size = (fit.display.width, fit.display.height)
    if size != image.size:
        # Display only: the selection still refers to ``image`` and its crop is never resampled.
        shown = shown.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    return Scene(screen=screen, source=image, shown=shown, fit=fit, origin=origin)


def _opaque(image: Image.Image) -> Image.Image:
    """What an image with transparency looks like pasted on white: Tk shows RGB only."""
    if image.mode == "RGB":
        return image
    if "A" not in image.getbands():
        return image.convert("RGB")
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


def open_image_bytes(data: bytes, what: str) -> Image.Image:
    """Decode PNG, JPEG, BMP/DIB, WebP, TIFF or GIF bytes, and no other kind (``core.pixels``, issue 16).

    Errors name ``what`` the bytes came from.
    """
    try:
        with warnings.catch_warnings():
            # Our own limit below replaces Pillow's warning; its hard error stays as a backstop.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = pixels.open_lazily(data, pixels.INPUT_FORMATS)
            _refuse_huge(image.size, what)
            image.load()
    except Image.DecompressionBombError:
        raise InputError(f"The image on {what} is too large to open safely.") from None
    except UnidentifiedImageError:
        raise InputError(
            f"The image on {what} cannot be read (not a PNG, JPEG, WebP, BMP, TIFF or GIF image)."
        ) from None
    except (OSError, ValueError, SyntaxError) as error:
        raise InputError(f"The image on {what} cannot be read ({error}).") from None
    return image


def _refuse_huge(size: tuple[int, int], what: str) -> None:
    """A header can claim any size; decoding 60000x60000 would take 10 GB before anything is shown."""
    width, height = size
    if width * height > MAX_SOURCE_PIXELS:
        raise InputError(
            f"The image on {what} is {width}x{height} pixels, too large to open safely "
            f"(at most {MAX_SOURCE_PIXELS // 1_000_000} million pixels)."
        )


def open_dib(data: bytes) -> Image.Image:
    """A Windows DIB (BMP without its file header), as Windows clipboards offer it."""
    try:
        from PIL import BmpImagePlugin

        image = BmpImagePlugin.DibImageFile(io.BytesIO(data))
        _refuse_huge(image.size, "the clipboard")
        image.load()
    except (OSError, ValueError, SyntaxError) as error:
        raise InputError(f"The image on the clipboard cannot be read ({error}).") from None
    return image


def clipboard_image(clipboard: ClipboardMethod) -> Image.Image:
    """The clipboard's image, or ``NoImageError`` (raised by the clipboard) saying what is there."""
    found = clipboard.read_image()
    log.debug("clipboard offered %s, %d bytes", found.mime, len(found.data))
    if found.mime.lower() in {"image/dib", "image/x-dib", "cf_dib"}:
        return _usable(open_dib(found.data))
    return _usable(open_image_bytes(found.data, "the clipboard"))


def file_image(path: Path) -> Image.Image:
    """An image file, or ``InputError`` naming the file and what is wrong with it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"The file {path} does not exist.") from None
    except OSError as error:
        raise InputError(f"The file {path} cannot be read ({error.strerror or error}).") from None
    if not data:
        raise NoImageError(f"The file {path} is empty.")
    return _usable(open_image_bytes(data, str(path)))


def _usable(image: Image.Image) -> Image.Image:
    """Upright as viewers show it (EXIF), and in RGB(A) so that crops encode the same everywhere.

    Odd modes (CMYK, 16-bit, float, LAB ...) go through ``core.pixels.storable`` first, so every
    mode ends as RGB or RGBA and a crop of it can always be sent and saved.
    """
    image = pixels.storable(pixels.upright(image))
    if image.mode in {"RGB", "RGBA"}:
        return image
    return image.convert("RGBA" if "A" in image.getbands() else "RGB")
