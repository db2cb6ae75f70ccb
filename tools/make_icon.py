"""Draw the app icon with Pillow and write the files the builds and desktop entries use.

Run from the checkout: ``.venv/bin/python tools/make_icon.py``. Outputs are committed so that a
build needs no drawing step: assets/icons/ai-image-studio-<N>.png, assets/ai-image-studio.ico
(Windows, several sizes in one file) and assets/ai-image-studio.icns (macOS; Pillow writes it itself).

The picture matches the tray icon's language (tray/icon.py): a blue rounded square standing for
the screen, white corner brackets for the selected region, and a four-pointed spark for the AI edit.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from the checkout: tray/ is beside tools/

from tray.icon import spark_points  # noqa: E402 - needs the checkout on sys.path first

ASSETS = ROOT / "assets"
NAME = "ai-image-studio"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
MASTER = 1024

BACKGROUND = (40, 110, 220, 255)
BACKGROUND_DARK = (25, 70, 160, 255)
WHITE = (255, 255, 255, 255)


def draw_master(side: int = MASTER) -> Image.Image:
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    unit = side / 32
    # A darker lower edge gives the square some depth at large sizes without a gradient.
    draw.rounded_rectangle((unit, 2 * unit, side - unit, side - unit), radius=6 * unit, fill=BACKGROUND_DARK)
    draw.rounded_rectangle((unit, unit, side - unit, side - 2 * unit), radius=6 * unit, fill=BACKGROUND)
    _draw_brackets(draw, (7 * unit, 7 * unit, side - 7 * unit, side - 8 * unit), 5 * unit, int(2.2 * unit))
    _draw_spark(draw, side / 2, side / 2 - unit / 2, 7.5 * unit)
    return image


def _draw_brackets(draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float], arm: float, width: int) -> None:
    left, top, right, bottom = box
    for x, y, dx, dy in ((left, top, 1, 1), (right, top, -1, 1), (left, bottom, 1, -1), (right, bottom, -1, -1)):
        draw.line([(x, y + dy * arm), (x, y), (x + dx * arm, y)], fill=WHITE, width=width, joint="curve")


def _draw_spark(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float) -> None:
    # The app icon's star is slimmer than the tray's, which must read at 16 px.
    draw.polygon(spark_points(cx, cy, radius, radius * 0.22), fill=WHITE)


def main() -> int:
    master = draw_master()
    icons = ASSETS / "icons"
    icons.mkdir(parents=True, exist_ok=True)
    for size in PNG_SIZES:
        master.resize((size, size), Image.Resampling.LANCZOS).save(icons / f"{NAME}-{size}.png", optimize=True)
    master.resize((256, 256), Image.Resampling.LANCZOS).save(
        ASSETS / f"{NAME}.ico", sizes=[(size, size) for size in ICO_SIZES]
    )
    master.save(ASSETS / f"{NAME}.icns")
    print(f"icons written to {ASSETS}", file=sys.stderr)  # noqa: T201 - a developer tool's one line
    return 0


if __name__ == "__main__":
    sys.exit(main())
