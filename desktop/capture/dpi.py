"""Per-monitor DPI awareness on Windows, declared before the first window exists.

Without it Windows scales our windows up on high-DPI monitors and hands back coordinates and
screenshots in scaled pixels: a selection would be blurry and off by the scale factor. It must
be declared before any window (Tk or tray) is created, so ``main`` calls this first thing.
Elsewhere it does nothing.
"""

from __future__ import annotations

import logging
import sys

log = logging.getLogger(__name__)

# DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2, a pseudo-handle (Windows 10 1703+).
PER_MONITOR_AWARE_V2 = -4
# PROCESS_PER_MONITOR_DPI_AWARE for shcore.SetProcessDpiAwareness (Windows 8.1+).
PROCESS_PER_MONITOR_DPI_AWARE = 2
E_ACCESSDENIED = -2147024891  # 0x80070005 as a signed HRESULT: awareness was already set


def declare_dpi_awareness() -> str:
    """Make this process per-monitor DPI aware if it runs on Windows; the level reached, for the log.

    Tries the newest API first and falls back for older Windows: ``per-monitor-v2`` (10 1703+),
    ``per-monitor`` (8.1+), ``system`` (Vista+). Returns ``not-windows`` elsewhere.
    """
    if sys.platform == "win32":
        level = _declare_on_windows()
        log.debug("DPI awareness: %s", level)
    else:
        level = "not-windows"
    return level


if sys.platform == "win32":
    import ctypes

    def _declare_on_windows() -> str:
        user32 = ctypes.windll.user32
        try:
            # FALSE with ERROR_ACCESS_DENIED when a manifest or an earlier call already set the
            # awareness; that setting stands, which is what we want, so fall through.
            if user32.SetProcessDpiAwarenessContext(ctypes.c_void_p(PER_MONITOR_AWARE_V2)):
                return "per-monitor-v2"
        except AttributeError:
            pass
        try:
            result = ctypes.windll.shcore.SetProcessDpiAwareness(PROCESS_PER_MONITOR_DPI_AWARE)
        except (AttributeError, OSError):
            result = None
        if result == 0:
            return "per-monitor"
        if result == E_ACCESSDENIED:
            return "already-set"
        if user32.SetProcessDPIAware():
            return "system"
        return "unaware"
