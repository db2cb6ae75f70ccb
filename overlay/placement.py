"""Where a small window goes next to a selection, and where the result viewer goes.

A small window (prompt bar, toast, thumbnail): below the selection, else above it, else inside its
bottom edge. The viewer (issue 18): over the selection, or fitted into the screen's middle.
Pure functions on ``Rect`` so the rule is tested without a display; the windows only apply it.
"""

from __future__ import annotations

from core.models import Rect

GAP = 8
FIT_SHARE = 0.8


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


def viewer_box(size: tuple[int, int], region: Rect | None, screen: Rect) -> Rect:
    """The region itself, or ``size`` fitted uniformly into the middle of ``screen`` (never enlarged)."""
    if region is not None:
        return region
    width, height = size
    scale = min(1.0, FIT_SHARE * screen.width / max(width, 1), FIT_SHARE * screen.height / max(height, 1))
    fitted = (max(1, round(width * scale)), max(1, round(height * scale)))
    return Rect(
        screen.x + (screen.width - fitted[0]) // 2, screen.y + (screen.height - fitted[1]) // 2, fitted[0], fitted[1]
    )
