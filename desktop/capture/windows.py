"""Windows capture: one BitBlt of the whole virtual desktop through a kept mss instance.

mss was measured faster than Pillow's ImageGrab on X11 (docs/adr/006-capture-methods.md); on
Windows both use GDI BitBlt, and mss lets us keep the device contexts between grabs. Monitor
rectangles are physical pixels because the process is per-monitor DPI aware (``dpi.py``; mss
also declares it when it starts, but that is too late for windows made before). Each monitor's
scale is its effective DPI / 96 from GetDpiForMonitor, the factor Windows' display settings show.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Mapping

from core.errors import CaptureError
from core.geometry import virtual_bounds
from core.models import Monitor, Rect, Screenshot
from desktop.capture.base import split_by_monitor
from desktop.capture.mss_grab import MssGrabber

MONITOR_DEFAULTTONEAREST = 2
MDT_EFFECTIVE_DPI = 0
BASE_DPI = 96.0


def monitor_scale(x: int, y: int) -> float:
    """The scale of the monitor at desktop point (x, y); 1.0 where Windows cannot say (before 8.1)."""
    if sys.platform == "win32":
        dpi = _effective_dpi(x, y)
    else:
        dpi = BASE_DPI
    return dpi / BASE_DPI


if sys.platform == "win32":
    import ctypes
    from ctypes import wintypes

    def _effective_dpi(x: int, y: int) -> float:
        try:
            handle = ctypes.windll.user32.MonitorFromPoint(wintypes.POINT(x, y), MONITOR_DEFAULTTONEAREST)
            dpi_x, dpi_y = ctypes.c_uint(), ctypes.c_uint()
            result = ctypes.windll.shcore.GetDpiForMonitor(
                handle, MDT_EFFECTIVE_DPI, ctypes.byref(dpi_x), ctypes.byref(dpi_y)
            )
        except (AttributeError, OSError):
            return BASE_DPI
        return float(dpi_x.value) if result == 0 and dpi_x.value else BASE_DPI


class WindowsCapture:
    name = "windows"
    install_hint = "Install the Python package mss into the app's environment (pip install -r requirements.txt)."

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = dict(env)
        self._grabber = MssGrabber()

    def fits_this_system(self) -> bool:
        return sys.platform == "win32"

    def is_installed(self) -> bool:
        return importlib.util.find_spec("mss") is not None

    def monitors(self) -> tuple[Monitor, ...]:
        import mss

        try:
            with mss.MSS() as probe:
                found = probe.monitors[1:]
        except mss.exception.ScreenShotError as failure:
            raise CaptureError(f"Windows did not list the monitors: {failure}") from None
        monitors = []
        for index, entry in enumerate(found):
            rect = Rect(entry["left"], entry["top"], entry["width"], entry["height"])
            scale = monitor_scale(rect.x + rect.width // 2, rect.y + rect.height // 2)
            monitors.append(Monitor(index, rect, scale, f"DISPLAY{index + 1}"))
        return tuple(monitors)

    def grab(self) -> tuple[Screenshot, ...]:
        monitors = self.monitors()
        bounds = virtual_bounds(monitors)
        return split_by_monitor(self._grabber.grab(bounds), (bounds.x, bounds.y), monitors)

    def close(self) -> None:
        self._grabber.close()
