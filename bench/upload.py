"""Which upload encoding is fastest end to end: ``python -m bench.upload [--rate-mbit 10] [--runs 5]``.

A job's upload costs its encode time plus its bytes over the uplink. For each picture (the bench's
desktop-like screen, a UI screenshot of flat areas and text, a photo-heavy screen) at the job's
1024x1024 and at 1920x1080, this times Pillow's PNG at zlib levels 0-9 and lossless WebP (OpenAI and
most providers take it), and models the upload at ``--rate-mbit`` (bytes * 8 / rate). Encode times
are the best of ``--runs``. Issue 14 asks for the level that is fastest on a 10 Mbit/s uplink over
all of them together: ``providers.fitting.UPLOAD_PNG_LEVEL`` is it. The summary also models a 1 Gbit/s
link, a provider on the LAN or on this computer (an OpenAI-compatible server): there the encode is
most of the cost, and the PNG fastest there (``pngN-none``: rows not filtered, ``providers.fast_png``)
is ``providers.uplink.LOCAL_PNG`` (ADR 037).
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw

from bench import pattern
from providers.fast_png import encode_unfiltered

RATE_MBIT = 10.0
# Link classes the summary compares (providers.uplink picks a level per class): the internet
# uplink of issue 14, and a gigabit LAN, which also bounds loopback from below.
LINKS = (("internet", 10.0), ("LAN/loopback", 1000.0))
# pngN-none: rows written unfiltered (providers.fast_png), the encoding for a server nearby (ADR 037).
ENCODINGS = (*(f"png{level}" for level in range(10)), "png1-none", "png2-none", "png3-none", "webp-m0", "webp-m4")
SIZES = ((1024, 1024), (1920, 1080))


@dataclass(frozen=True)
class Measured:
    encoding: str
    size_bytes: int
    encode_ms: float

    def upload_ms(self, rate_mbit: float) -> float:
        return self.size_bytes * 8 / (rate_mbit * 1e6) * 1000

    def total_ms(self, rate_mbit: float) -> float:
        return self.encode_ms + self.upload_ms(rate_mbit)


def fastest(measured: Sequence[Measured], rate_mbit: float) -> Measured:
    """The encoding with the least encode + upload time (ties: the first listed)."""
    return min(measured, key=lambda item: item.total_ms(rate_mbit))


def fastest_png_level(pictures: Sequence[Sequence[Measured]], rate_mbit: float) -> int:
    """Pillow's PNG level with the least encode + upload time over all ``pictures`` together (ties: the lower)."""
    totals: dict[int, float] = {}
    for measured in pictures:
        for item in measured:
            if item.encoding.startswith("png") and item.encoding[3:].isdigit():
                level = int(item.encoding[3:])
                totals[level] = totals.get(level, 0.0) + item.total_ms(rate_mbit)
    return min(sorted(totals), key=lambda level: totals[level])


def fastest_png(pictures: Sequence[Sequence[Measured]], rate_mbit: float) -> str:
    """The PNG encoding, filtered or not, with the least encode + upload time over all ``pictures`` together."""
    totals: dict[str, float] = {}
    for measured in pictures:
        for item in measured:
            if item.encoding.startswith("png"):
                totals[item.encoding] = totals.get(item.encoding, 0.0) + item.total_ms(rate_mbit)
    return min(totals, key=lambda encoding: totals[encoding])


def ui_picture(width: int, height: int, seed: int = 3) -> Image.Image:
    """A screenshot of an application: flat panels, a toolbar, buttons and many lines of real text."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (246, 246, 248))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 36), fill=(52, 58, 72))
    for x in range(12, width - 80, 96):
        draw.rounded_rectangle((x, 6, x + 80, 30), 5, fill=(78, 86, 104))
        draw.text((x + 10, 12), rng.choice(("File", "Edit", "View", "Tools", "Help")), fill=(230, 230, 235))
    draw.rectangle((0, 36, width // 5, height), fill=(232, 234, 238))
    words = ("the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "settings", "window", "layout")
    for y in range(50, height - 20, 18):
        draw.text((10, y), " ".join(rng.choices(words, k=3)), fill=(40, 40, 48))
        line = " ".join(rng.choices(words, k=rng.randrange(6, 18)))
        draw.text((width // 5 + 20, y), line, fill=(24, 24, 28))
    for _ in range(6):
        x, y = rng.randrange(width // 5, width - 160), rng.randrange(60, height - 40)
        draw.rounded_rectangle((x, y, x + 140, y + 30), 6, fill=(37, 99, 235), outline=(20, 60, 180))
        draw.text((x + 16, y + 9), "Apply changes", fill=(255, 255, 255))
    return image


def photo_picture(width: int, height: int) -> Image.Image:
    """The photo-heavy case: ``bench.edit_size``'s screen, a quarter of it incompressible pixels."""
    from bench.edit_size import screen

    return screen((width, height))


def pictures(width: int, height: int) -> dict[str, Image.Image]:
    return {
        "desktop": pattern.desktop_picture(width, height),
        "ui": ui_picture(width, height),
        "photo": photo_picture(width, height),
    }


def encode(image: Image.Image, encoding: str) -> bytes:
    buffer = io.BytesIO()
    if encoding.endswith("-none"):
        return encode_unfiltered(image, int(encoding[3]))
    if encoding.startswith("png"):
        image.save(buffer, "PNG", compress_level=int(encoding[3:]))
    else:
        image.save(buffer, "WEBP", lossless=True, method=int(encoding[-1]))
    return buffer.getvalue()


def measure(image: Image.Image, encodings: Sequence[str], runs: int) -> list[Measured]:
    """The best of ``runs`` for each encoding, taken in turn: on a shared machine the least time is the
    encoder's, the rest is waiting, and a busy spell then slows every encoding alike, not the few it hit."""
    best = dict.fromkeys(encodings, float("inf"))
    sizes = dict.fromkeys(encodings, 0)
    for _ in range(runs):
        for encoding in encodings:
            start = time.perf_counter()
            data = encode(image, encoding)
            best[encoding] = min(best[encoding], (time.perf_counter() - start) * 1000)
            sizes[encoding] = len(data)
    return [Measured(encoding, sizes[encoding], best[encoding]) for encoding in encodings]


def table(name: str, measured: Sequence[Measured], rate_mbit: float) -> str:
    best = fastest(measured, rate_mbit)
    lines = [
        f"{name}: fastest end to end at {rate_mbit:g} Mbit/s: {best.encoding}",
        "| Encoding | Bytes | Encode ms | Upload ms | Total ms |",
        "|---|---|---|---|---|",
    ]
    for item in measured:
        mark = " **fastest**" if item is best else ""
        lines.append(
            f"| {item.encoding}{mark} | {item.size_bytes} | {item.encode_ms:.1f} | {item.upload_ms(rate_mbit):.1f} "
            f"| {item.total_ms(rate_mbit):.1f} |"
        )
    return "\n".join(lines)


def summary(every: Sequence[Sequence[Measured]], rate_mbit: float) -> str:
    """Every encoding's encode, upload and total ms over all pictures together at ``rate_mbit``."""
    lines = [
        f"All {len(every)} pictures together, ms at {rate_mbit:g} Mbit/s (encode + upload):",
        "| Encoding | Encode ms | Upload ms | Total ms |",
        "|---|---|---|---|",
    ]
    for index, encoding in enumerate(ENCODINGS):
        encode_ms = sum(measured[index].encode_ms for measured in every)
        upload_ms = sum(measured[index].upload_ms(rate_mbit) for measured in every)
        lines.append(f"| {encoding} | {encode_ms:.0f} | {upload_ms:.0f} | {encode_ms + upload_ms:.0f} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.upload", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate-mbit", type=float, default=RATE_MBIT, help="uplink in Mbit/s (default 10)")
    parser.add_argument("--runs", type=int, default=5, help="encodes a figure, the best taken (default 5)")
    args = parser.parse_args(argv)
    every: list[list[Measured]] = []
    for width, height in SIZES:
        for name, image in pictures(width, height).items():
            measured = measure(image, ENCODINGS, args.runs)
            every.append(measured)
            print(table(f"{name} {width}x{height}", measured, args.rate_mbit), end="\n\n", flush=True)
    for rate in sorted({args.rate_mbit, *(rate for _, rate in LINKS)}):
        print(summary(every, rate), end="\n\n")
    for link, rate in LINKS:
        level, best = fastest_png_level(every, rate), fastest_png(every, rate)
        print(f"fastest over all, {link} ({rate:g} Mbit/s): Pillow's PNG at level {level}; of every PNG, {best}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
