"""Whether what was painted may be sent: a preset's ``paint`` setting against the marks (issue 13).

``required``: nothing is sent until the person has painted the area to change (or drawn marks);
``optional``: either way; ``off``: the preset's mode takes no marks, so painted ones would be lost
without a word. The tray asks this on Enter and shows the answer instead of sending. ``prepare``
turns the marks into what the model takes (tray and ``main.py edit`` alike). Pure, no UI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from PIL import Image

from core import marks

REQUIRED = "required"
OPTIONAL = "optional"
OFF = "off"


class PaintPlan(Protocol):
    """What the rule reads of a job's plan (``core.planning.Plan`` is one)."""

    @property
    def preset(self) -> str: ...
    @property
    def provider_name(self) -> str: ...
    @property
    def mode_label(self) -> str: ...
    @property
    def paint(self) -> str: ...


def check(plan: PaintPlan, mask: Image.Image | None, markup: Image.Image | None) -> str | None:
    """None when the job may be sent as painted; else the problem in plain words, with the fix."""
    painted = not (marks.is_blank(mask) and marks.is_blank(markup))
    if plan.paint == REQUIRED and not painted:
        return (
            f"The preset '{plan.preset}' needs you to paint the area to change first "
            "(B to paint over it, or A to draw marks), then press Enter."
        )
    if plan.paint == OFF and painted:
        where = f"{plan.provider_name} '{plan.mode_label}'" if plan.provider_name else f"The preset '{plan.preset}'"
        return f"{where} takes no painted area: clear the paint (Del) or pick another preset."
    return None


@dataclass(frozen=True)
class Prepared:
    """The marks as the model takes them: markup only where native, never beside a mask."""

    mask: Image.Image | None
    markup: Image.Image | None
    note: str = ""


def prepare(mask: Image.Image | None, markup: Image.Image | None, *, takes_markup: bool, model: str) -> Prepared:
    """Markup as it is for a model that takes it; else (or beside a painted mask) widened into the mask.

    Markup with no visible stroke counts as none (a mask is kept as given: the caller decides whether
    an empty one means "nothing painted"). Markup cannot go with a mask (OpenAI refuses the pair), so
    when both were painted the strokes join the mask, and the note says so, as for every other model.
    """
    markup = None if marks.is_blank(markup) else markup
    if markup is None:
        return Prepared(mask, None)
    if takes_markup and mask is None:
        return Prepared(None, markup)
    strokes = marks.strokes_mask(markup)
    widened = marks.union(mask, strokes) or strokes
    share = round(100 * marks.coverage(widened))
    why = f"{model} takes markup or a mask, not both" if takes_markup else f"{model} takes no markup"
    reach = f"{marks.STROKE_REACH} px around each stroke, {share}% of the image"
    note = f"{why}: the marks were widened into a mask ({reach})."
    return Prepared(widened, None, note)
