"""What the copy figures cannot go below with PNG level 1: encoding the same pixels, in-process.

Every copy path here ends in a PNG of the selected pixels; this times Pillow's encoder (zlib level
1, as ``core.output.encode_image`` uses) on exactly the crops the copy runs select, so the table
shows how much of each copy figure is the encoder and how much is the app around it.
"""

from __future__ import annotations

import io
import time

from bench import pattern
from bench.session import Session


def png_floor(session: Session) -> None:
    picture = pattern.desktop_picture(session.desktop.width, session.desktop.height)
    crops = {
        "ref_png_800": picture.crop((200, 150, 1000, 750)),
        f"ref_png_{session.size_tag}": picture,
    }
    for row, crop in crops.items():
        series = session.series(row, "ours")
        for _ in range(session.runs):
            buffer = io.BytesIO()
            start = time.perf_counter()
            crop.save(buffer, "PNG", compress_level=1)
            series.add((time.perf_counter() - start) * 1000)
        series.note = f"{len(buffer.getvalue()) // 1024} KiB"
