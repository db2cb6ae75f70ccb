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

from core import marks
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


def to_send(mask: Image.Image | None, markup: Image.Image | None, strokes: int, *, takes_markup: bool) -> Painted:
    """The mask or markup for a provider that does (``takes_markup``) or does not take markup."""
    if marks.is_blank(mask):
        mask = None
    if marks.is_blank(markup):
        markup = None
    count = f"{strokes} stroke{'' if strokes == 1 else 's'}"
    if markup is not None and mask is None and takes_markup:
        return Painted(markup=markup, summary=f"markup: {count}")
    if markup is None:
        if mask is None:
            return NOTHING
        return Painted(mask=mask, summary=f"mask: {_share(mask)} of the selection")
    widened = marks.strokes_mask(markup)
    if mask is None:
        return Painted(mask=widened, summary=f"{count}, sent as a mask")
    both = marks.union(mask, widened)
    assert both is not None  # noqa: S101 - the union of two masks is a mask
    return Painted(mask=both, summary=f"mask: {_share(both)} of the selection, with {count}")


def for_selection(selection: Selection, config: Config, plan: Plan, catalog: Mapping[str, ProviderInfo]) -> Painted:
    """``to_send`` for the model the plan will run."""
    if plan.provider_id is None or not plan.needs_image or (selection.mask is None and selection.markup is None):
        return NOTHING
    info = catalog.get(plan.provider_id)
    takes = info is not None and info.takes_markup(model_of(config, plan, info))
    return to_send(selection.mask, selection.markup, selection.marks, takes_markup=takes)


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
