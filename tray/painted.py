"""What the painting on a selection becomes in the request, and what the prompt bar says of it (issue 13).

The overlay hands over a mask (the brush: ``L``, 255 = edit) and markup (the strokes: ``RGBA``), both
the crop's size. A model that takes markup natively (``ProviderInfo.takes_markup``: GPT Image
2.5/2.6) gets the strokes as ``markup``, but never together with a mask (OpenAI refuses both), so
with a brush mask as well the strokes join the mask. Every other model gets the strokes widened into
a mask (``core.marks.strokes_mask``), unioned with the brush's. The mask that goes out is also what
``keep_unmasked`` composites with; markup sent as markup is a hint, so it composites with nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PIL import Image

from core import marks, paint_rules
from core.config import Config
from core.models import Selection
from core.planning import Plan
from providers.base import ProviderInfo


@dataclass(frozen=True)
class Painted:
    """The crop's paint as it will be sent; ``summary`` is the prompt bar's line ("" when unpainted)."""

    mask: Image.Image | None = None
    markup: Image.Image | None = None
    summary: str = ""


NOTHING = Painted()


def to_send(
    mask: Image.Image | None, markup: Image.Image | None, strokes: int, *, takes_markup: bool, model: str = ""
) -> Painted:
    """The mask or markup for a provider that does (``takes_markup``) or does not take markup.

    The rule itself is ``core.paint_rules.prepare`` (shared with ``main.py edit``); this adds the
    prompt bar's line, and treats an empty brush mask as none (nothing painted is "keep everything").
    """
    mask = None if marks.is_blank(mask) else mask
    markup = None if marks.is_blank(markup) else markup
    prepared = paint_rules.prepare(mask, markup, takes_markup=takes_markup, model=model or "this model")
    count = f"{strokes} stroke{'' if strokes == 1 else 's'}"
    if prepared.markup is not None:
        return Painted(markup=prepared.markup, summary=f"markup: {count}")
    if prepared.mask is None:
        return NOTHING
    if markup is None:
        summary = f"mask: {_share(prepared.mask)} of the selection"
    elif mask is None:
        summary = f"{count}, sent as a mask"
    else:
        summary = f"mask: {_share(prepared.mask)} of the selection, with {count}"
    return Painted(mask=prepared.mask, summary=summary)


def for_selection(selection: Selection, config: Config, plan: Plan, catalog: Mapping[str, ProviderInfo]) -> Painted:
    """``to_send`` for the model the plan will run."""
    if plan.provider_id is None or not plan.needs_image or (selection.mask is None and selection.markup is None):
        return NOTHING
    info = catalog.get(plan.provider_id)
    model = model_of(config, plan, info) if info is not None else None
    takes = info is not None and info.takes_markup(model)
    return to_send(selection.mask, selection.markup, selection.marks, takes_markup=takes, model=model or "")


def model_of(config: Config, plan: Plan, info: ProviderInfo) -> str | None:
    """The model the job will ask for: the preset's option, else the provider's setting, else its default."""
    chosen = plan.options.get("model")
    if isinstance(chosen, str) and chosen:
        return chosen
    settings = config.providers.get(info.id)
    return (settings.model if settings is not None else None) or info.default_model


def _share(mask: Image.Image) -> str:
    share = marks.coverage(mask) * 100
    return f"{share:.0f}%" if share >= 1 else "under 1%"
