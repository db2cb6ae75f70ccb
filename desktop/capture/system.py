"""The capture method for this system, chosen among the ones this build knows."""

from __future__ import annotations

from collections.abc import Mapping

from desktop.capture.base import CaptureMethod, choose_method
from desktop.capture.grim import GrimCapture
from desktop.capture.macos import MacCapture
from desktop.capture.portal import PortalCapture
from desktop.capture.windows import WindowsCapture
from desktop.capture.x11 import X11Capture


def known_methods(env: Mapping[str, str]) -> list[CaptureMethod]:
    """Every method, best first; each one says itself whether it fits this system.

    On Wayland grim comes before the portal: where it works (wlroots) it needs no permission
    dialog and no D-Bus round trips.
    """
    return [X11Capture(env), GrimCapture(env), PortalCapture(env), WindowsCapture(env), MacCapture(env)]


def system_capture(env: Mapping[str, str]) -> CaptureMethod:
    """The method to use here, or ``CaptureError`` naming what to install."""
    return choose_method(known_methods(env))
