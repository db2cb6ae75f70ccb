"""Painted marks in each provider's own convention (issue 13, ADR 033), from one mask and one markup.

Ours (``core.marks``): a mask ``L`` with 255 = edit, and markup ``RGBA`` transparent but for the
strokes, both the crop's size. Every provider gets them on the frame ``providers.sizing`` planned,
placed exactly where ``fitting.frame`` puts the crop, then at the size the image was finally sent:

- OpenAI ``mask``: alpha 0 = edit (``fitting.openai_mask``); ``markup`` (GPT Image 2.5/2.6 only, never
  with ``mask``): the strokes on a transparent frame, a PNG the size of the image (openai-images.yaml).
- Ideogram: black = edit, white = keep (``fitting.ideogram_mask``), on inpaint and precise edit.
- Google: no mask field, so the mask goes as a second image (white = change) with ``MASK_INSTRUCTION``.
- PhotoRoom, BFL, OpenRouter, xAI: no mask in any form in their APIs; a mask or markup is refused in
  words before anything is sent (nothing billed), rather than dropped: the person painted for a reason.
"""

from __future__ import annotations

import io

from PIL import Image

from core.errors import InputError
from core.models import EditRequest
from providers.base import ProviderInfo
from providers.sizing import Plan

# Said once, with the mask as the second image part: Gemini has no mask field (ai.google.dev, image
# editing: "provide an image and use text prompts"), so where to edit is said in words.
MASK_INSTRUCTION = (
    "The second image is a mask of the first, the same size: change only the area that is white in the "
    "mask and keep every pixel that is black in the mask exactly as it is in the first image."
)
EDIT_WHITE = 255


def frame_markup(markup: Image.Image, plan: Plan) -> Image.Image:
    """Markup on the plan's frame, scaled and placed as ``fitting.frame`` places the crop; the padding bare."""
    x, y, width, height = plan.box
    rgba = markup.convert("RGBA")
    if rgba.size != (width, height):
        whole = plan.scale > 1 and plan.scale.is_integer() and (width, height) == _times(rgba.size, int(plan.scale))
        # As the image: a whole-number enlargement copies pixels into blocks, anything else is resampled.
        rgba = rgba.resize((width, height), Image.Resampling.NEAREST if whole else Image.Resampling.LANCZOS)
    canvas = Image.new("RGBA", plan.frame, (0, 0, 0, 0))
    canvas.paste(rgba, (x, y))
    return canvas


def markup_png(markup: Image.Image, size: tuple[int, int]) -> bytes:
    """OpenAI's ``markup`` part: the strokes at the sent image's ``size``, transparent elsewhere."""
    rgba = markup.convert("RGBA")
    if rgba.size != size:
        rgba = rgba.resize(size, Image.Resampling.LANCZOS)
    # Always RGBA, even if every pixel were opaque: the spec asks for "a transparent PNG".
    buffer = io.BytesIO()
    rgba.save(buffer, "PNG", compress_level=6)
    return buffer.getvalue()


def google_mask(mask: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The mask as a picture Gemini can read: white = change, black = keep, the sent image's size."""
    gray = mask.convert("L")
    if gray.size != size:
        gray = gray.resize(size, Image.Resampling.NEAREST)
    return gray.point(lambda value: EDIT_WHITE if value >= EDIT_WHITE // 2 else 0).convert("RGB")


def check_marks(info: ProviderInfo, request: EditRequest, model: str | None = None) -> None:
    """Refuse in words what this mode cannot send, before anything is sent (nothing is billed).

    Markup goes only to a model that takes it natively and never with a mask: for the others the
    caller turns the strokes into a mask first (``core.marks.strokes_mask``). A mask goes only to a
    mode that takes one in some form; elsewhere it would be dropped and the edit land everywhere.
    """
    name = f"{info.display_name} {model}" if model else info.display_name
    if request.markup is not None and request.mask is not None:
        raise InputError(f"{info.display_name} takes marks or a mask, not both: clear one of them and send again.")
    if request.markup is not None and not info.takes_markup(model):
        raise InputError(
            f"{name} does not take markup (only OpenAI's GPT Image 2.5 and 2.6 do): "
            "the marks must become a mask first, or pick gpt-image-2.6-flare."
        )
    if request.mask is not None and not _takes_mask(info, request.mode):
        raise InputError(
            f"{info.display_name} '{request.mode}' takes no mask: it edits the whole image as the prompt says. "
            "Clear the paint (Del) or leave out --mask, or pick OpenAI, Google or Ideogram to edit only that area."
        )


def _takes_mask(info: ProviderInfo, mode: str) -> bool:
    try:
        return info.mode(mode).accepts_mask
    except KeyError:
        return False


def _times(size: tuple[int, int], factor: int) -> tuple[int, int]:
    return size[0] * factor, size[1] * factor
