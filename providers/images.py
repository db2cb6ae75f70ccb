"""Checking what a provider sent back: is it an image Pillow can open, and not a decompression bomb?

A result is shown, pasted and saved, so it is decoded fully here, once, before anyone sees it. The
pixel limit is checked on the header before any pixel is allocated; Pillow's own global limit is left
alone (no module-level state is changed), only its warnings are silenced while we check our own.
"""

from __future__ import annotations

import base64
import binascii
import io
import logging
import warnings

from PIL import Image, UnidentifiedImageError

from core.errors import BadResponseError

log = logging.getLogger(__name__)

# 4K squared is 16.7 MP; 80 MP leaves room for any real result and refuses absurd headers.
DEFAULT_MAX_PIXELS = 80_000_000
NOT_AN_IMAGE = "answered something that is not an image. Try again; if it keeps happening, check the base_url."


def decode_image(data: bytes, provider: str, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
    """``data`` as a fully loaded Pillow image, or ``BadResponseError`` in plain words."""
    if not data:
        raise BadResponseError(provider, "answered with an empty image. Try again.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            width, height = probe.size
            if width * height > max_pixels:
                raise _bomb(provider, width, height)
            probe.verify()
            # verify() leaves the image unusable; a second open decodes the pixels for real.
            image = Image.open(io.BytesIO(data))
            image.load()
    except Image.DecompressionBombError:
        raise BadResponseError(
            provider,
            "answered with an image whose header claims hundreds of millions of pixels, too large to "
            "open safely; it was refused.",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        log.info("%s: result not decodable (%s)", provider, type(error).__name__)
        raise BadResponseError(provider, NOT_AN_IMAGE) from None
    return image


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
