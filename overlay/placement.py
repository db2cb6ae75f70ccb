"""Where a small window goes next to a selection: below it, else above it, else inside its bottom edge.

Pure functions on ``Rect`` so the rule is tested without a display; the windows only apply it.
"""

from __future__ import annotations

from core.models import Rect

GAP = 8


def place_beside(anchor: Rect, size: tuple[int, int], screen: Rect, *, gap: int = GAP) -> tuple[int, int]:
    """Top-left corner for a ``size`` window near ``anchor``, kept whole inside ``screen``."""
    width, height = size
    x = anchor.x
    if anchor.bottom + gap + height <= screen.bottom:
        y = anchor.bottom + gap
    elif anchor.y - gap - height >= screen.y:
        y = anchor.y - gap - height
    else:
        y = anchor.bottom - gap - height
    x = min(max(x, screen.x), screen.right - width)
    y = min(max(y, screen.y), screen.bottom - height)
    return max(x, screen.x), max(y, screen.y)


def stacked(anchor: Rect, index: int, height: int, *, gap: int = GAP) -> Rect:
    """The anchor for the ``index``-th of several toasts, each below the one before."""
    return Rect(anchor.x, anchor.y, anchor.width, anchor.height + index * (height + gap))
