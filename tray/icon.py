"""The tray icon's pictures, drawn with Pillow so no image file has to ship: idle, busy and error.

A frame (the selected region) with a spark in it. Busy adds an amber dot, error a red one with a
bar, so the states differ in shape as well as colour for people who do not see the colours.
"""

from __future__ import annotations

from typing import Literal

from PIL import Image, ImageDraw

State = Literal["idle", "busy", "error"]
STATES: tuple[State, ...] = ("idle", "busy", "error")

SIZE = 64
FRAME = (40, 110, 220, 255)
SPARK = (255, 255, 255, 255)
BUSY = (245, 160, 20, 255)
ERROR = (215, 40, 40, 255)
OUTLINE = (255, 255, 255, 255)


def draw_icon(state: State, size: int = SIZE) -> Image.Image:
    """An RGBA square picture for ``state``; drawn at 4x and scaled down for smooth edges."""
    scale = 4
    side = size * scale
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    unit = side / 16
    draw.rounded_rectangle((unit, unit, side - unit, side - unit), radius=3 * unit, fill=FRAME)
    _draw_spark(draw, side / 2, side / 2, 5 * unit)
    if state != "idle":
        colour = BUSY if state == "busy" else ERROR
        box = (side - 7 * unit, side - 7 * unit, side, side)
        draw.ellipse(box, fill=colour, outline=OUTLINE, width=int(unit))
        if state == "error":
            mid = side - 3.5 * unit
            draw.rectangle((mid - unit / 2, mid - 2 * unit, mid + unit / 2, mid + 2 * unit), fill=OUTLINE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def spark_points(cx: float, cy: float, radius: float, waist: float) -> list[tuple[float, float]]:
    """A four-pointed star, the conventional mark for 'AI'; ``waist`` is its inner radius."""
    return [
        (cx, cy - radius),
        (cx + waist, cy - waist),
        (cx + radius, cy),
        (cx + waist, cy + waist),
        (cx, cy + radius),
        (cx - waist, cy + waist),
        (cx - radius, cy),
        (cx - waist, cy - waist),
    ]


def _draw_spark(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float) -> None:
    draw.polygon(spark_points(cx, cy, radius, radius / 4), fill=SPARK)


class IconImages:
    """The three pictures, drawn once when the app starts and handed to whoever shows them."""

    def __init__(self, size: int = SIZE) -> None:
        self._images = {state: draw_icon(state, size) for state in STATES}

    def __getitem__(self, state: State) -> Image.Image:
        return self._images[state]
