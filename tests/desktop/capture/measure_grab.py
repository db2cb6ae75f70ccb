"""Medians of the X11 grab candidates on Xvfb: ``python -m tests.desktop.capture.measure_grab``.

Not a test (pytest does not collect it): the numbers behind docs/adr/006-capture-methods.md.
Each candidate is timed through to what the overlay takes, a Pillow RGB image of the screen.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from PIL import Image, ImageGrab

from core.models import Rect
from desktop.capture.x11 import X11Capture
from tests.desktop.capture.screens import noise, paint_root
from tests.virtual_desktop import virtual_desktop

ROUNDS = 41


def _medians_ms(actions: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Each action's median time; the actions take turns, so a busy moment hits them all alike."""
    for action in actions.values():
        action()  # the first call pays for connections and shared memory set-up
    times: dict[str, list[float]] = {label: [] for label in actions}
    for _ in range(ROUNDS):
        for label, action in actions.items():
            start = time.perf_counter()
            action()
            times[label].append((time.perf_counter() - start) * 1000)
    return {label: statistics.median(values) for label, values in times.items()}


def _grab_once(env: dict[str, str]) -> None:
    method = X11Capture(env)
    try:
        method.grab()
    finally:
        method.close()


def measure(width: int, height: int) -> dict[str, float]:
    with virtual_desktop(width, height) as desktop:
        paint_root(desktop.display, noise(width, height))
        method = X11Capture(desktop.env)
        bounds = Rect(0, 0, width, height)
        display = desktop.env["DISPLAY"]
        try:
            import mss

            with mss.MSS(display=display) as kept:
                region = {"left": 0, "top": 0, "width": width, "height": height}
                results = _medians_ms(
                    {
                        "mss kept, raw BGRA": lambda: kept.grab(region),
                        "mss kept -> RGB image": lambda: method.grab_desktop(bounds),
                        "mss kept -> RGBX image": lambda: Image.frombuffer(
                            "RGBX", (width, height), kept.grab(region).raw, "raw", "BGRX", 0, 1
                        ),
                        "mss new instance each grab -> RGB": lambda: _grab_once(desktop.env),
                        "Pillow ImageGrab -> RGB image": lambda: ImageGrab.grab(xdisplay=display),
                        "monitors() (Xinerama + Xft.dpi)": method.monitors,
                        "full grab() incl. monitors": method.grab,
                    }
                )
        finally:
            method.close()
    return results


def main() -> None:
    for width, height in ((1920, 1080), (3840, 2160)):
        for label, value in measure(width, height).items():
            print(f"{width}x{height}  {label:40s} {value:7.1f} ms")  # noqa: T201


if __name__ == "__main__":
    main()
