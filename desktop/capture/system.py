"""The capture method for this system, chosen among the ones this build knows (``AIIS_CAPTURE`` pins one)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from core.errors import CaptureError
from core.models import Monitor, Screenshot
from desktop.capture.base import CaptureMethod
from desktop.capture.grim import GrimCapture
from desktop.capture.macos import MacCapture
from desktop.capture.portal import PortalCapture
from desktop.capture.windows import WindowsCapture
from desktop.capture.x11 import X11Capture
from desktop.methods import Capability, usable

log = logging.getLogger(__name__)

CAPTURE = Capability(
    "screen capture",
    "AIIS_CAPTURE",
    CaptureError,
    "No screen capture method fits this desktop session: run the app inside an X11 or Wayland "
    "session (DISPLAY or WAYLAND_DISPLAY set), on Windows or on macOS.",
)


def known_methods(env: Mapping[str, str]) -> list[CaptureMethod]:
    """Every method, best first; each one says itself whether it fits this system.

    On Wayland grim comes before the portal: where it works (wlroots) it needs no permission
    dialog and no D-Bus round trips.
    """
    return [X11Capture(env), GrimCapture(env), PortalCapture(env), WindowsCapture(env), MacCapture(env)]


class FallbackCapture:
    """The first usable method; when a grab fails, the next usable one, said in the log (issue 12)."""

    def __init__(self, methods: list[CaptureMethod]) -> None:
        self._methods = methods
        self.name = methods[0].name
        self.install_hint = methods[0].install_hint

    def fits_this_system(self) -> bool:
        return True

    def is_installed(self) -> bool:
        return True

    def monitors(self) -> tuple[Monitor, ...]:
        return self._methods[0].monitors()

    def grab(self) -> tuple[Screenshot, ...]:
        while True:
            method = self._methods[0]
            try:
                return method.grab()
            except CaptureError as error:
                if len(self._methods) == 1:
                    raise
                method.close()
                self._methods.pop(0)
                self.name = self._methods[0].name
                log.warning("screen capture through %s failed (%s); using %s", method.name, error, self.name)

    def close(self) -> None:
        for method in self._methods:
            method.close()


def system_capture(env: Mapping[str, str]) -> CaptureMethod:
    """The method to use here, or ``CaptureError`` naming what to install."""
    return FallbackCapture(usable(known_methods(env), CAPTURE, env))
