"""What each key does in the result viewer, and the one-line help that names them (issue 18).

Kept apart from the window so the mapping can be read (and tested) as data. Actions are names the
viewer dispatches on; digits pick a variant by number.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Protocol

from PIL import Image

MAX_VARIANTS = 9
HELP = (
    "Space/drag: original   1-9 \N{LEFTWARDS ARROW}\N{RIGHTWARDS ARROW}: variant   Enter: use   "
    "E: refine   R: retry   S: save as   Esc: close"
)

KEY_ACTIONS = MappingProxyType(
    {
        "Right": "next",
        "Down": "next",
        "Left": "previous",
        "Up": "previous",
        "Return": "deliver",
        "KP_Enter": "deliver",
        "Escape": "close",
        "e": "refine",
        "E": "refine",
        "r": "retry",
        "R": "retry",
        "s": "save",
        "S": "save",
    }
)


def action_for(keysym: str) -> str | None:
    """``pick:N`` (0-based) for 1-9, an action name from ``KEY_ACTIONS``, or None for other keys."""
    if len(keysym) == 1 and keysym.isdigit() and keysym != "0":
        return f"pick:{int(keysym) - 1}"
    return KEY_ACTIONS.get(keysym)


def variants_of(images: Sequence[Image.Image]) -> tuple[Image.Image, ...]:
    """At most nine: the keys 1-9 name them."""
    return tuple(images[:MAX_VARIANTS])


class ViewerActions(Protocol):
    """What the tray does for the viewer's E and R (``tray.refine``); the viewer only asks."""

    def refine(self) -> None: ...

    def retry(self) -> None: ...
