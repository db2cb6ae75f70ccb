"""Checking what a provider sent back: is it an image Pillow can open, and not a decompression bomb?

A result is shown, pasted and saved, so it is decoded fully here, once, before anyone sees it. Only
PNG, JPEG and WebP are tried (``core.pixels``: ``%!PS`` must never reach Ghostscript, issue 16), and a
result in a mode PNG cannot store is converted here, before anything is saved. The pixel limits, one
per image and one for the whole answer, are checked on the headers before any pixel is allocated;
Pillow's own global limit is left alone (no module-level state is changed), only its warnings are
silenced while we check our own.

A PNG answer that decodes to exactly the pixels we keep (one frame, a mode we store as it is, no
EXIF orientation) is kept as the provider sent it, beside its image: delivery then hands those bytes
to the clipboard or a file instead of encoding the same pixels again (issue 14, ADR 036). Only bytes
that passed every check above are kept.
"""

from __future__ import annotations

import base64
import binascii
import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from PIL import Image, UnidentifiedImageError

from core.errors import BadResponseError
from core.pixels import RESULT_FORMATS, open_lazily, storable

log = logging.getLogger(__name__)

# 4K squared is 16.7 MP; 80 MP leaves room for any real result and refuses absurd headers.
DEFAULT_MAX_PIXELS = 80_000_000
# All images of one answer together (issue 16: twelve 8880x8880 PNGs took 3.9 GiB). Ten 4K-square
# results are 168 MP; 200 MP is about 800 MB of RGBA at most, decoded one after the other.
MAX_JOB_PIXELS = 200_000_000
T = TypeVar("T")
NOT_AN_IMAGE = "answered something that is not an image. Try again; if it keeps happening, check the base_url."


@dataclass(frozen=True)
class Decoded:
    """Checked results and, for each, the provider's own PNG bytes when they are exactly its pixels."""

    images: tuple[Image.Image, ...]
    pngs: tuple[bytes | None, ...]

    def kept_for(self, final: Sequence[Image.Image]) -> tuple[bytes | None, ...]:
        """The bytes for each of ``final`` that is still the decoded image itself (not cut out or scaled)."""
        return tuple(
            png if image is source else None for image, source, png in zip(final, self.images, self.pngs, strict=True)
        )


def decode_image(data: bytes, provider: str, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
    """``data`` as a fully loaded Pillow image, or ``BadResponseError`` in plain words."""
    return _decode(data, provider, max_pixels)[0]


def _decode(data: bytes, provider: str, max_pixels: int) -> tuple[Image.Image, bytes | None]:
    if not data:
        raise BadResponseError(provider, "answered with an empty image. Try again.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            probe = open_lazily(data, RESULT_FORMATS)
            width, height = probe.size
            if width * height > max_pixels:
                raise _bomb(provider, width, height)
            probe.verify()
            # verify() leaves the image unusable; a second open decodes the pixels for real.
            image = open_lazily(data, RESULT_FORMATS)
            image.load()
            loaded = image
            image = storable(image)
    except Image.DecompressionBombError:
        raise BadResponseError(
            provider,
            "answered with an image whose header claims hundreds of millions of pixels, too large to "
            "open safely; it was refused.",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        log.info("%s: result not decodable (%s)", provider, type(error).__name__)
        raise BadResponseError(provider, NOT_AN_IMAGE) from None
    return image, data if _plain_png(loaded, image) else None


def _plain_png(loaded: Image.Image, kept: Image.Image) -> bool:
    """The bytes show exactly ``kept``: a PNG of one frame, not converted, that no viewer would turn."""
    return (
        loaded.format == "PNG"
        and kept is loaded
        and not getattr(loaded, "is_animated", False)
        and "exif" not in loaded.info
    )


def decode_all(
    blobs: Sequence[bytes], provider: str, *, max_pixels: int = DEFAULT_MAX_PIXELS, max_total: int = MAX_JOB_PIXELS
) -> tuple[Image.Image, ...]:
    """Every result decoded, after their headers together were checked against ``max_total`` pixels."""
    return decode_checked(blobs, provider, max_pixels=max_pixels, max_total=max_total).images


def decode_checked(
    blobs: Sequence[bytes], provider: str, *, max_pixels: int = DEFAULT_MAX_PIXELS, max_total: int = MAX_JOB_PIXELS
) -> Decoded:
    """``decode_all``, keeping each plain PNG's bytes for delivery to pass on unchanged."""
    _check_total(blobs, provider, max_total)
    pairs = [_decode(data, provider, max_pixels) for data in blobs]
    return Decoded(tuple(image for image, _ in pairs), tuple(png for _, png in pairs))


def _check_total(blobs: Sequence[bytes], provider: str, max_total: int) -> None:
    total = 0
    for data in blobs:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                width, height = open_lazily(data, RESULT_FORMATS).size
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
            continue  # decode_image below says what is wrong with this one
        total += width * height
    if total > max_total:
        raise BadResponseError(
            provider,
            f"answered with {len(blobs)} images of {total / 1e6:.0f} million pixels in all, more than the "
            f"{max_total // 1_000_000} million one job may hold; they were refused.",
        )


def keep_asked(items: Sequence[T], asked: object, provider: str, notes: list[str]) -> list[T]:
    """At most the ``n`` images asked for (1 when not asked): a server may not fill a folder (issue 16)."""
    wanted = asked if isinstance(asked, int) and not isinstance(asked, bool) and asked > 0 else 1
    if len(items) <= wanted:
        return list(items)
    log.info("%s: the answer held %d images, %d asked for; the rest were dropped", provider, len(items), wanted)
    notes.append(f"{provider} sent {len(items)} images where {wanted} was asked for; only the first {wanted} kept.")
    return list(items[:wanted])


def _bomb(provider: str, width: int, height: int) -> BadResponseError:
    return BadResponseError(
        provider,
        f"answered with an image that claims to be {width}x{height} pixels, too large to open safely; it was refused.",
    )


def decode_base64(text: object, provider: str) -> bytes:
    """Base64 image data (plain or a ``data:`` URL), or ``BadResponseError`` when it is not base64."""
    if not isinstance(text, str) or not text.strip():
        raise BadResponseError(provider, "answered without image data. Try again.")
    payload = text.strip()
    if payload.startswith("data:"):
        payload = payload.partition(",")[2]
    payload = "".join(payload.split())
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise BadResponseError(provider, NOT_AN_IMAGE) from None
