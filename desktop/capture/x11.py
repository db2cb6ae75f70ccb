"""X11 capture: one XShmGetImage of the whole virtual desktop through a kept mss instance.

Why mss and not Pillow's ImageGrab, with the numbers: docs/adr/006-capture-methods.md.
Monitors come from Xinerama (python-xlib), which nested and real multi-head servers answer even
where RandR sees a single output (Xephyr); with no Xinerama the whole screen is one monitor.

The scale factor is Xft.dpi / 96: it is the setting GTK, Qt and Tk-based apps follow on X11, so
it matches how large the person sees text. The screen's millimetre size is not used: X servers
commonly report a made-up 96 DPI, and EDID sizes are often wrong. X11 has one such setting for
every monitor, so all monitors get the same scale.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from PIL import Image

from core.errors import CaptureError
from core.geometry import virtual_bounds
from core.models import Monitor, Rect, Screenshot
from desktop.capture.base import split_by_monitor
from desktop.capture.mss_grab import MssGrabber
from desktop.methods import session_type

if TYPE_CHECKING:
    from Xlib.display import Display

log = logging.getLogger(__name__)

BASE_DPI = 96.0


def parse_xft_scale(resources: str) -> float:
    """The scale factor from an X resource database string (``Xft.dpi: 144`` -> 1.5), 1.0 if unset.

    Rounded to a quarter, as desktops offer scales in steps like 1.25 and 1.5; a bogus value
    (zero, negative, not a number) counts as unset.
    """
    for line in resources.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "Xft.dpi":
            try:
                dpi = float(value.strip())
            except ValueError:
                return 1.0
            if dpi <= 0:
                return 1.0
            return max(0.25, round(dpi / BASE_DPI * 4) / 4)
    return 1.0


def heads_to_monitors(heads: list[tuple[int, int, int, int]], scale: float) -> tuple[Monitor, ...]:
    """Xinerama heads ``(x, y, width, height)`` as Monitors; duplicated heads (mirroring) once."""
    seen: list[tuple[int, int, int, int]] = []
    for head in heads:
        if head not in seen and head[2] > 0 and head[3] > 0:
            seen.append(head)
    return tuple(Monitor(index=i, rect=Rect(*head), scale=scale, name=f"Xinerama-{i}") for i, head in enumerate(seen))


class X11Capture:
    """Keeps an mss instance and an Xlib connection between grabs; use it from one thread.

    The kept instance holds a screen-sized shared memory buffer (32 MB at 4K); ``close()`` frees
    it and the next grab reconnects (docs/adr/006-capture-methods.md, "Memory").
    """

    name = "x11"
    install_hint = (
        "Install the Python packages mss and python-xlib into the app's environment (pip install -r requirements.txt)."
    )

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = dict(env)
        self._grabber = MssGrabber(display=self._env.get("DISPLAY"))
        self._xlib: Display | None = None

    def fits_this_system(self) -> bool:
        # On Wayland, XWayland would hand back only X clients' windows and black elsewhere.
        return sys.platform.startswith("linux") and session_type(self._env) == "x11"

    def is_installed(self) -> bool:
        return all(importlib.util.find_spec(name) is not None for name in ("mss", "Xlib"))

    def monitors(self) -> tuple[Monitor, ...]:
        from Xlib import X, Xatom, error

        connection = self._connection()
        try:
            root = connection.screen().root
            prop = root.get_full_property(Xatom.RESOURCE_MANAGER, X.AnyPropertyType)
            resources = prop.value.decode(errors="replace") if prop is not None else ""
            heads = _xinerama_heads(connection)
            if not heads:
                geometry = root.get_geometry()
                heads = [(0, 0, geometry.width, geometry.height)]
        except (error.ConnectionClosedError, OSError) as failure:
            self.close()
            raise CaptureError(f"Lost the connection to the X display: {failure}") from None
        return heads_to_monitors(heads, parse_xft_scale(resources))

    def _connection(self) -> Display:
        from Xlib import display, error

        if self._xlib is None:
            # Kept: opening a connection costs about 4 ms in pure Python, the queries 0.3 ms.
            try:
                self._xlib = display.Display(self._env.get("DISPLAY"))
            except (error.DisplayError, error.ConnectionClosedError, OSError) as failure:
                raise CaptureError(
                    f"Cannot open the X display {self._env.get('DISPLAY')!r}: {failure}. "
                    "Is the X session running and DISPLAY right?"
                ) from None
        return self._xlib

    def grab(self) -> tuple[Screenshot, ...]:
        monitors = self.monitors()
        image, origin = self.grab_desktop(virtual_bounds(monitors))
        return split_by_monitor(image, origin, monitors)

    def grab_desktop(self, bounds: Rect) -> tuple[Image.Image, tuple[int, int]]:
        """The pixels of ``bounds`` in one X round trip, as an RGB image, and its top-left corner."""
        return self._grabber.grab(bounds), (bounds.x, bounds.y)

    def close(self) -> None:
        self._grabber.close()
        if self._xlib is not None:
            self._xlib.close()
            self._xlib = None


def _xinerama_heads(connection: Display) -> list[tuple[int, int, int, int]]:
    if not connection.has_extension("XINERAMA"):
        return []
    try:
        if not connection.xinerama_is_active():
            return []
        screens = connection.xinerama_query_screens().screens
    except Exception:  # a broken extension answer means "no layout", not a failed capture
        log.debug("Xinerama query failed", exc_info=True)
        return []
    return [(s.x, s.y, s.width, s.height) for s in screens]
