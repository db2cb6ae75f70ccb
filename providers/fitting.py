"""Fitting a crop to what a provider accepts, and a result back to the crop. Pure functions.

- Format: the first of the provider's formats that keeps what the image needs (alpha stays in PNG or
  WebP; JPEG flattens onto white).
- Size: downscaled only when needed, to fit ``max_side``, ``max_pixels`` and then ``max_bytes``.
- Output size or aspect ratio: the provider's nearest to the crop's own, compared as log(w/h) so
  that 2:1 and 1:2 are equally far from 1:1.
- Masks: ours are mode ``L`` with 255 = the area to edit; each provider's convention is made here.
- Shape (issue 11): ``frame`` pads a crop to the frame ``providers.sizing`` planned, ``unframe`` cuts the
  crop's region back out of the answer. Never a stretch either way.
- ``match_size``: the result scaled to the crop's size so a paste lands where the region came from.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType

from PIL import Image, ImageOps

from core.errors import InputError
from providers.base import InputLimits
from providers.fast_png import encode_unfiltered
from providers.sizing import Plan, answer_box, nearest_shape, parse_shape

MIME_TYPES = MappingProxyType({"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"})
EXTENSIONS = MappingProxyType({"PNG": "png", "JPEG": "jpg", "WEBP": "webp"})
ALPHA_FORMATS = frozenset({"PNG", "WEBP"})
EDIT = 255
KEEP = 0
# zlib level of every upload PNG: the fastest end to end (encode + bytes at 10 Mbit/s) over six screenshots,
# `python -m bench.upload` on 2026-12-01: level 3 3157 ms in all, level 1 3287, level 6 (used before) 3427,
# level 9 4898 (issue 14, ADR 036; docs/benchmarks.md has the table).
UPLOAD_PNG_LEVEL = 3
# Each pass shrinks a little more than the byte ratio suggests: compressed size is not linear in area.
BYTES_MARGIN = 0.9
MAX_SHRINK_PASSES = 8


@dataclass(frozen=True)
class PngEncoding:
    """How an upload PNG is written: its zlib ``level``, rows filtered by Pillow or not (``providers.fast_png``)."""

    level: int = UPLOAD_PNG_LEVEL
    filtered: bool = True


# For a provider on the internet (ADR 036); ``providers.uplink`` picks the one for a server nearby.
INTERNET_PNG = PngEncoding()


@dataclass(frozen=True)
class Fitted:
    """An image ready to upload: its encoded bytes and what they are."""

    data: bytes
    format: str
    size: tuple[int, int]
    scale: float

    @property
    def mime(self) -> str:
        return MIME_TYPES[self.format]

    @property
    def filename(self) -> str:
        return f"image.{EXTENSIONS[self.format]}"


def parse_dimensions(text: str) -> tuple[int, int]:
    """``1024x1536``, ``16:9`` or Ideogram's ``16x9`` as two positive numbers."""
    return parse_shape(text)


def nearest_aspect_ratio(width: int, height: int, choices: Sequence[str]) -> str:
    """The choice whose shape is closest to ``width`` x ``height`` (ties: the first listed)."""
    if not choices:
        raise ValueError("no aspect ratios to choose from")
    own = math.log(width / height)
    return min(choices, key=lambda choice: abs(math.log(_ratio(choice)) - own))


def _ratio(choice: str) -> float:
    w, h = parse_shape(choice)
    return w / h


def nearest_size(width: int, height: int, choices: Sequence[str]) -> str:
    """The exact size closest in shape, then in area, to ``width`` x ``height``."""
    if not choices:
        raise ValueError("no sizes to choose from")
    return nearest_shape(width, height, choices)


def has_transparency(image: Image.Image) -> bool:
    if image.mode in {"RGBA", "LA", "PA"}:
        low = image.getchannel("A").getextrema()[0]
        return isinstance(low, int | float) and low < EDIT
    return image.mode == "P" and "transparency" in image.info


def choose_format(image: Image.Image, formats: Sequence[str]) -> str:
    """The first accepted format that keeps the alpha channel when the image has one."""
    if has_transparency(image):
        for fmt in formats:
            if fmt in ALPHA_FORMATS:
                return fmt
    return formats[0] if formats else "PNG"


def limit_scale(size: tuple[int, int], limits: InputLimits) -> float:
    """The largest scale <= 1 that meets the side and pixel limits."""
    width, height = size
    scale = 1.0
    if limits.max_side is not None and max(width, height) > limits.max_side:
        scale = min(scale, limits.max_side / max(width, height))
    if limits.max_pixels is not None and width * height > limits.max_pixels:
        scale = min(scale, math.sqrt(limits.max_pixels / (width * height)))
    return scale


def scaled_size(size: tuple[int, int], scale: float) -> tuple[int, int]:
    return max(1, math.floor(size[0] * scale)), max(1, math.floor(size[1] * scale))


def encode(image: Image.Image, fmt: str, png: PngEncoding = INTERNET_PNG) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        flat = image if image.mode in {"RGB", "L"} else flatten(image)
        flat.save(buffer, "JPEG", quality=92)
        return buffer.getvalue()
    mode = "RGBA" if has_transparency(image) else "RGB"
    # No copy of a crop that is already in the mode sent (a 4K convert copies 33 MB).
    ready = image if image.mode == mode else image.convert(mode)
    if fmt == "WEBP":
        ready.save(buffer, "WEBP", lossless=True)
    elif not png.filtered:
        return encode_unfiltered(ready, png.level)
    else:
        ready.save(buffer, "PNG", compress_level=png.level)
    return buffer.getvalue()


def flatten(image: Image.Image) -> Image.Image:
    """Alpha onto white, as JPEG has none."""
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def fit_image(image: Image.Image, limits: InputLimits, provider: str, *, png: PngEncoding = INTERNET_PNG) -> Fitted:
    """Encode ``image`` the way ``limits`` allow, downscaling only as far as needed.

    ``png``: how a PNG is written (``providers.uplink.png_encoding``). A faster encoding's bigger
    file over ``max_bytes`` is written again as ``INTERNET_PNG`` before any pixel is given up.
    """
    fmt = choose_format(image, limits.formats)
    scale = limit_scale(image.size, limits)
    encodings = (png,) if fmt != "PNG" or png == INTERNET_PNG else (png, INTERNET_PNG)
    for _pass in range(MAX_SHRINK_PASSES):
        size = scaled_size(image.size, scale)
        resized = image if size == image.size else image.resize(size, Image.Resampling.LANCZOS)
        for each in encodings:
            data = encode(resized, fmt, each)
            if len(data) <= limits.max_bytes:
                return Fitted(data, fmt, size, size[0] / image.size[0])
        encodings = encodings[-1:]
        scale *= math.sqrt(limits.max_bytes / len(data)) * BYTES_MARGIN
    raise InputError(
        f"The image cannot be made small enough for {provider} (at most {limits.max_bytes // (1024 * 1024)} MB). "
        "Select a smaller region."
    )


def mask_from_picture(picture: Image.Image) -> Image.Image:
    """A mask a person drew, as ours: transparent pixels, or else black ones, are the area to edit."""
    if has_transparency(picture):
        alpha = picture.convert("RGBA").getchannel("A")
        return alpha.point(lambda value: EDIT if value < EDIT // 2 else KEEP)
    gray = picture.convert("L")
    return gray.point(lambda value: EDIT if value < EDIT // 2 else KEEP)


def _binary(mask: Image.Image, size: tuple[int, int]) -> Image.Image:
    gray = mask.convert("L")
    if gray.size != size:
        gray = gray.resize(size, Image.Resampling.NEAREST)
    return gray.point(lambda value: EDIT if value >= EDIT // 2 else KEEP)


def openai_mask(mask: Image.Image, size: tuple[int, int]) -> bytes:
    """OpenAI's mask: a PNG the image's size, transparent where it may edit, opaque elsewhere."""
    edit = _binary(mask, size)
    rgba = Image.new("RGBA", size, (0, 0, 0, 255))
    rgba.putalpha(ImageOps.invert(edit))
    return encode(rgba, "PNG")


def ideogram_mask(mask: Image.Image, size: tuple[int, int]) -> bytes:
    """Ideogram's mask: black where it may edit, white elsewhere, the image's size."""
    return encode(ImageOps.invert(_binary(mask, size)).convert("RGB"), "PNG")


def _fill_colour(image: Image.Image) -> tuple[int, int, int]:
    """The crop's mean colour: padding that reads as "more of the same", not a hard border to continue."""
    mean = image.convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    return mean if isinstance(mean, tuple) else (127, 127, 127)  # type: ignore[return-value]


def frame(image: Image.Image, plan: Plan) -> Image.Image:
    """``image`` scaled uniformly by the plan and centred on its frame; the padding in its mean colour."""
    x, y, width, height = plan.box
    if (width, height) == plan.frame and image.size == plan.frame:
        return image
    # A whole-number enlargement copies pixels into blocks (see sizing); anything else is resampled.
    whole = plan.scale > 1 and plan.scale.is_integer() and (width, height) == _times(image.size, int(plan.scale))
    resample = Image.Resampling.NEAREST if whole else Image.Resampling.LANCZOS
    content = image if image.size == (width, height) else image.resize((width, height), resample)
    mode = "RGBA" if has_transparency(image) else "RGB"
    canvas = Image.new(mode, plan.frame, (*_fill_colour(image), 255) if mode == "RGBA" else _fill_colour(image))
    canvas.paste(content.convert(mode), (x, y))
    return canvas


def frame_mask(mask: Image.Image, plan: Plan) -> Image.Image:
    """Our mask (255 = edit) on the plan's frame: the padding is never an area to edit."""
    x, y, width, height = plan.box
    canvas = Image.new("L", plan.frame, KEEP)
    canvas.paste(_binary(mask, (width, height)), (x, y))
    return canvas


def unframe(answer: Image.Image, plan: Plan) -> Image.Image:
    """The crop's region of the provider's answer, at the answer's resolution (or back down, see sizing).

    Only what the plan did is undone: an answer to a frame that was neither padded nor scaled up is
    returned as it came, whatever its shape (``match_size`` then treats it as before).
    """
    if not plan.padded and plan.scale <= 1.0:
        return answer
    box, size = answer_box(answer.size, plan)
    piece = answer if box == (0, 0, *answer.size) else answer.crop(box)
    if piece.size == size:
        return piece
    factor = piece.size[0] // size[0]
    if factor > 1 and piece.size == _times(size, factor):
        # Block averages: the exact inverse of a whole-number enlargement (reduce() drifts past ~300x).
        return piece.resize(size, Image.Resampling.BOX)
    return piece.resize(size, Image.Resampling.LANCZOS)


def _times(size: tuple[int, int], factor: int) -> tuple[int, int]:
    return size[0] * factor, size[1] * factor


def match_size(result: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The result scaled to exactly ``size``.

    Results come back in the crop's own shape (``unframe``), so this is a uniform scale up to a pixel
    of rounding; asked for by ``output.match_size``, so a paste lands where the region came from.
    """
    if result.size == size:
        return result
    return result.resize(size, Image.Resampling.LANCZOS)
