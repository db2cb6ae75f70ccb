"""The known picture on the bench screen, and where to look for an overlay's first paint.

The picture looks like a desktop (flat panels, text, a photo-like gradient) so PNG encoding costs
what it costs on a real screen, not what a flat colour costs. At each probe point sits a saturated
red marker: every selector tested dims the frozen screen (ours by 0.45, Flameshot by its contrast
shade), and a dimmed marker stays red-dominant, while a window's plain background (grey, black)
does not. So "painted" means: every probe turned into a darker red.
"""

from __future__ import annotations

import random

from PIL import Image, ImageDraw, ImageFilter

MARKER = (230, 40, 40)
MARKER_SIZE = 24
RGB = tuple[int, int, int]


def probe_points(width: int, height: int) -> tuple[tuple[int, int], ...]:
    """Spread over the screen, away from its centre and edges where selectors draw their help."""
    return tuple((int(width * fx), int(height * fy)) for fx, fy in ((0.2, 0.25), (0.8, 0.25), (0.2, 0.8), (0.8, 0.8)))


def park_point(width: int, height: int) -> tuple[int, int]:
    """Where the pointer rests during overlay runs: away from every probe (loupes follow the cursor)."""
    return width // 2, height // 2


def desktop_picture(width: int, height: int, seed: int = 7) -> Image.Image:
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (236, 239, 244))
    draw = ImageDraw.Draw(image)
    # A photo-like band (a sixth of the screen): gradients and soft grain, which PNG compresses poorly.
    band = Image.linear_gradient("L").resize((width, height // 6))
    grain = Image.effect_noise((width, height // 6), 24).filter(ImageFilter.GaussianBlur(1))
    photo = Image.merge("RGB", (band, grain, band.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    image.paste(photo, (0, height // 3))
    # Window-like panels with lines of "text".
    for _ in range(12):
        panel_width = rng.randrange(width // 8, width // 3 + 1)
        panel_height = rng.randrange(height // 8, height // 3 + 1)
        x0, y0 = rng.randrange(0, width - panel_width), rng.randrange(0, height - panel_height)
        x1, y1 = x0 + panel_width, y0 + panel_height
        draw.rectangle((x0, y0, x1, y1), fill=(250, 250, 250), outline=(120, 120, 130))
        draw.rectangle((x0, y0, x1, y0 + 22), fill=(rng.randrange(40, 90), 90, rng.randrange(120, 200)))
        for line in range(y0 + 30, y1 - 12, 16):
            words = "".join(rng.choice("abcdefghij klmnop qrstuvwxyz") for _ in range(rng.randrange(20, 70)))
            draw.text((x0 + 8, line), words, fill=(30, 30, 30))
    for x, y in probe_points(width, height):
        half = MARKER_SIZE // 2
        draw.rectangle((x - half, y - half, x + half, y + half), fill=MARKER)
    return image


def is_dimmed_marker(pixel: RGB) -> bool:
    """A marker shown darker, as a selector's shade shows it (not the marker itself, not grey)."""
    red, green, blue = pixel
    return red < MARKER[0] - 20 and red > 2 * max(green, blue) + 8 and red > 30
