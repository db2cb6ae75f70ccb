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
from desktop.methods import Capability, FallbackChain, usable

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


class FallbackCapture(FallbackChain[CaptureMethod]):
    """The first usable method; when a grab fails, the next usable one, said in the log (issue 12)."""

    def retire(self, method: CaptureMethod) -> None:
        method.close()

    def monitors(self) -> tuple[Monitor, ...]:
        return self.current.monitors()

    def grab(self) -> tuple[Screenshot, ...]:
        while True:
            try:
                return self.current.grab()
            except CaptureError as error:
                if not self.hand_over(error):
                    raise

    def close(self) -> None:
        for method in self._methods:
            method.close()


def system_capture(env: Mapping[str, str]) -> CaptureMethod:
    """The method to use here, or ``CaptureError`` naming what to install."""
    return FallbackCapture(usable(known_methods(env), CAPTURE, env), CAPTURE)
