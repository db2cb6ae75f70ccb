"""``--mask FILE`` and ``--markup FILE`` for ``main.py edit``: read, checked, and made what the model takes.

Both must be the input image's size (a mask of another size would mark another place); markup must be
a PNG with transparency (marks drawn on a transparent background). A model that takes markup natively
(GPT Image 2.5/2.6) gets it as it is, never with a mask; for every other model, or beside ``--mask``,
the strokes are widened into the mask (``core.paint_rules.prepare``) and standard error says so
(issue 13, ADR 033).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from core import marks, paint_rules, pixels
from core.errors import InputError
from providers import fitting
from providers.base import ModeInfo, ProviderInfo

MARKUP_FORMATS = ("PNG",)


@dataclass(frozen=True)
class Marks:
    """What goes into the request, and what to tell the person about it."""

    mask: Image.Image | None = None
    markup: Image.Image | None = None
    said: tuple[str, ...] = ()


def read_marks(
    mask_file: str | None,
    markup_file: str | None,
    image: Image.Image | None,
    info: ProviderInfo,
    mode: ModeInfo,
    model: str,
    read_image: Callable[[str], Image.Image],
) -> Marks:
    """The checked mask and markup for one edit; ``InputError`` (exit 2) in words for anything wrong."""
    if mask_file is None and markup_file is None:
        return Marks()
    flag = "--mask" if markup_file is None else "--markup"
    if not mode.accepts_mask:
        raise InputError(f"{info.display_name} '{mode.id}' does not take a mask; leave out {flag}.")
    if image is None:
        raise InputError(f"{flag} needs an INPUT image to mark.")
    mask = fitting.mask_from_picture(_same_size(read_image(mask_file), image, "--mask")) if mask_file else None
    markup = _same_size(read_markup(markup_file), image, "--markup") if markup_file else None
    if markup is not None and marks.is_blank(markup):
        raise InputError(
            f"{markup_file} has no visible marks: draw on a transparent background, or leave out --markup."
        )
    prepared = paint_rules.prepare(mask, markup, takes_markup=info.takes_markup(model), model=model)
    said = (f"{info.display_name} {prepared.note}",) if prepared.note else ()
    return Marks(mask=prepared.mask, markup=prepared.markup, said=said)


def read_markup(name: str) -> Image.Image:
    """A PNG with transparency, as RGBA; else the problem in words."""
    try:
        data = Path(name).read_bytes()
    except OSError as error:
        raise InputError(f"Cannot read {name} ({error.strerror or error}).") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            # PNG only: markup is "a transparent PNG" (OpenAI's markup field); %!PS never reaches Ghostscript.
            picture = pixels.open_lazily(data, MARKUP_FORMATS)
            picture.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InputError(f"{name} is not a PNG: --markup takes a PNG with marks on a transparent background.") from None
    if not fitting.has_transparency(picture):
        raise InputError(
            f"{name} has no transparency: --markup takes marks on a transparent background "
            "(for black-and-white areas to edit, use --mask)."
        )
    return pixels.upright(picture).convert("RGBA")


def _same_size(picture: Image.Image, image: Image.Image, flag: str) -> Image.Image:
    if picture.size == image.size:
        return picture
    (width, height), (own_w, own_h) = picture.size, image.size
    differences = [
        f"{abs(width - own_w)} px {'wider' if width > own_w else 'narrower'}" if width != own_w else "",
        f"{abs(height - own_h)} px {'taller' if height > own_h else 'shorter'}" if height != own_h else "",
    ]
    how = " and ".join(part for part in differences if part)
    raise InputError(
        f"{flag} is {width}x{height} but INPUT is {own_w}x{own_h} ({how}): it must be exactly the image's size."
    )
