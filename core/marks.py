"""Painted marks as data: the brush's mask and the markup's strokes, and how one becomes the other.

The overlay paints two things over the crop (issue 13): a mask (``L``, 255 = the area to edit,
the convention of ``core.composite`` and ``providers.fitting``) and markup (``RGBA``, transparent
except the strokes). GPT Image 2.5/2.6 take markup as it is; every other provider gets the
strokes dilated into a mask, so both reach a provider as "change here". Pure Pillow, no UI.
"""

from __future__ import annotations

from PIL import Image, ImageChops, ImageFilter

EDIT = 255
KEEP = 0
# How far around a stroke a provider without markup may edit: a stroke is a hint of a place,
# not its outline, so the area is widened by a few brush widths' worth of pixels.
STROKE_REACH = 24


def strokes_mask(markup: Image.Image, reach: int = STROKE_REACH) -> Image.Image:
    """The area within ``reach`` pixels (a square's half side) of any visible stroke, as a mask.

    A box blur followed by "anything above zero" is a square dilation whose cost does not grow
    with ``reach`` (a MaxFilter of side 49 on a 4K crop takes seconds). It is done one axis at a
    time: a 2-D blur rounds a lone pixel's 255 / (2r+1)^2 to zero once r passes about 10.
    """
    alpha = markup.convert("RGBA").getchannel("A").point(lambda value: EDIT if value else KEEP)
    if reach <= 0:
        return alpha
    for radius in ((reach, 0), (0, reach)):
        alpha = alpha.filter(ImageFilter.BoxBlur(radius)).point(lambda value: EDIT if value else KEEP)
    return alpha


def union(first: Image.Image | None, second: Image.Image | None) -> Image.Image | None:
    """Both masks' edit areas together (None when neither is set); sizes must match."""
    if first is None or second is None:
        return first if second is None else second
    return ImageChops.lighter(first.convert("L"), second.convert("L"))


def coverage(mask: Image.Image) -> float:
    """The share of ``mask`` that is to be edited, 0.0 to 1.0, for "mask: 12% of the selection"."""
    histogram = mask.convert("L").point(lambda value: EDIT if value >= EDIT // 2 else KEEP).histogram()
    total = mask.size[0] * mask.size[1]
    return histogram[EDIT] / total if total else 0.0


def is_blank(image: Image.Image | None) -> bool:
    """True for no image, an empty mask, or markup with no visible stroke."""
    if image is None:
        return True
    channel = image.getchannel("A") if image.mode == "RGBA" else image.convert("L")
    return channel.getbbox() is None
