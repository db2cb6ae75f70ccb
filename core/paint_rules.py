"""Whether what was painted may be sent: a preset's ``paint`` setting against the marks (issue 13).

``required``: nothing is sent until the person has painted the area to change (or drawn marks);
``optional``: either way; ``off``: the preset's mode takes no marks, so painted ones would be lost
without a word. The tray asks this on Enter and shows the answer instead of sending. Pure, no UI.
"""

from __future__ import annotations

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
