"""macOS capture: each display grabbed at its full (Retina) resolution through mss.

macOS lays displays out in points; a Retina display has 2 pixels per point. mss by default asks
CoreGraphics for nominal (point) resolution, which would hand us a scaled-down picture, so the
grab asks for full resolution (``IMAGE_OPTIONS = 0``, mss's documented switch, issue #257).
Displays are grabbed one by one because they may differ in scale; each one's scale is the
ratio of its image to its size in points, known after the first grab (``monitors()`` reports
scale 1 before that). A monitor's rectangle is its point rectangle times its scale, so that
``core.geometry.logical_rect(rect, scale)`` gives back the window's place in points.

Needs the Screen Recording permission (System Settings > Privacy & Security); without it macOS
returns only the desktop background and our own windows.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Mapping

from core.errors import CaptureError
from core.models import Monitor, Rect, Screenshot
from desktop.capture.mss_grab import MssGrabber


def points_to_monitor(index: int, points: Rect, scale: float) -> Monitor:
    """A display's point rectangle as a Monitor in pixels at ``scale``."""
    x, y = round(points.x * scale), round(points.y * scale)
    rect = Rect(x, y, round(points.width * scale), round(points.height * scale))
    return Monitor(index, rect, scale, f"display-{index + 1}")


class MacCapture:
    name = "macos"
    install_hint = (
        "Install the Python package mss into the app's environment (pip install -r requirements.txt), "
        "and allow Screen Recording for this app in System Settings > Privacy & Security."
    )

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = dict(env)
        self._grabber = MssGrabber()
        self._scales: dict[int, float] = {}

    def fits_this_system(self) -> bool:
        return sys.platform == "darwin"

    def is_installed(self) -> bool:
        return importlib.util.find_spec("mss") is not None

    def _points(self) -> list[Rect]:
        import mss

        try:
            with mss.MSS() as probe:
                return [Rect(m["left"], m["top"], m["width"], m["height"]) for m in probe.monitors[1:]]
        except mss.exception.ScreenShotError as failure:
            raise CaptureError(f"macOS did not list the displays: {failure}") from None

    def monitors(self) -> tuple[Monitor, ...]:
        return tuple(points_to_monitor(i, rect, self._scales.get(i, 1.0)) for i, rect in enumerate(self._points()))

    def grab(self) -> tuple[Screenshot, ...]:
        import mss.darwin

        mss.darwin.IMAGE_OPTIONS = 0
        shots = []
        for index, points in enumerate(self._points()):
            image = self._grabber.grab(points)
            scale = image.width / points.width
            self._scales[index] = scale
            shots.append(Screenshot(points_to_monitor(index, points, scale), image))
        return tuple(shots)

    def close(self) -> None:
        self._grabber.close()
