"""Time the result loop's windows on a private Xvfb (issue 18): ``python -m bench.result_views``.

For a full-screen result at 1080p and at 4K (each on its own Xvfb of that size, in its own process:
Tk keeps every display it opened): from the provider's answer (the images in hand) to the thumbnail
painted, through the real delivery to a real clipboard (xclip); and from the viewer asked for (what
the hotkey's event does) to its pixels on the screen. "Painted" is the root window showing the
result's colour where the window is, polled with a deadline.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import tkinter as tk

from PIL import Image

from core.delivery import Destination, Naming, deliver
from core.models import Rect
from desktop.clipboard.xclip import XclipClipboard
from tests.overlay.capture_run import screen_pixel
from tests.virtual_desktop import virtual_desktop
from tray.results import LastResult, ResultViews, finished

SIZES = ((1920, 1080), (3840, 2160))
RUNS = 5
COLOURS = ((200, 40, 40), (40, 180, 60), (40, 60, 200), (220, 200, 30), (160, 40, 200))
DEADLINE = 10.0


def wait_pixel(root: tk.Tk, display: str, x: int, y: int, colour: tuple[int, int, int]) -> float:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        root.update()
        if screen_pixel(display, x, y) == colour:
            return time.perf_counter()
    raise SystemExit(f"nothing painted at {x},{y} within {DEADLINE} s")


def one_size(width: int, height: int) -> None:
    display = os.environ["DISPLAY"]
    root = tk.Tk()
    root.withdraw()
    board = XclipClipboard(os.environ)
    region = Rect(0, 0, width, height)
    views = ResultViews(root, lambda image: None)
    thumbs, viewers = [], []
    for run in range(RUNS):
        colour = COLOURS[run % len(COLOURS)]
        crop = Image.new("RGB", (width, height), (10, 10, 10))
        answer = (Image.new("RGB", (width, height), colour),)
        started = time.perf_counter()
        images = finished(answer, crop, None, match=True, keep_unmasked=True)
        deliver([images[0]], Destination(copy=True), Naming("", "openai", "edit"), lambda: board)
        views.show(LastResult(crop, images, region))
        shown = views.thumbnail
        if shown is None:
            raise SystemExit("no thumbnail was shown")
        root.update_idletasks()
        x, y = shown.label.winfo_rootx() + 20, shown.label.winfo_rooty() + 20
        thumbs.append(wait_pixel(root, display, x, y, colour) - started)
        started = time.perf_counter()
        if not views.open() or views.viewer is None:
            raise SystemExit("the viewer did not open")
        viewers.append(wait_pixel(root, display, width // 2, height // 3, colour) - started)
        views.viewer.close()
        root.update()
    views.close()
    root.destroy()
    print(
        f"{width}x{height}: answer -> thumbnail painted median {statistics.median(thumbs) * 1000:.0f} ms "
        f"(max {max(thumbs) * 1000:.0f}); viewer asked -> painted median {statistics.median(viewers) * 1000:.0f} ms "
        f"(max {max(viewers) * 1000:.0f}), {RUNS} runs"
    )


def main() -> None:
    if len(sys.argv) == 3:
        one_size(int(sys.argv[1]), int(sys.argv[2]))
        return
    for width, height in SIZES:
        with virtual_desktop(width, height) as desktop:
            subprocess.run(
                [sys.executable, "-m", "bench.result_views", str(width), str(height)],
                env=desktop.env,
                check=True,
                timeout=300,
            )


if __name__ == "__main__":
    main()
