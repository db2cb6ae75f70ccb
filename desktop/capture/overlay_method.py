"""Which overlay draws the frozen screen: the X server (``server``) or Tk photos (``tk``).

The method rule of ``desktop.methods``: ``server`` where it fits (an X11 session) and works (libX11,
libXrender, a RENDER extension, a 24/32-bit screen), else ``tk``, today's path on every OS.
``AIIS_OVERLAY=server|tk`` pins one; the choice and why the other was passed over go to the log.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.errors import CaptureError
from desktop.capture.x11_pixmap import ServerFreeze
from desktop.methods import Capability, OsMethod, usable

OVERLAY = Capability(
    "frozen screen",
    "AIIS_OVERLAY",
    CaptureError,
    "No overlay method fits this desktop session.",
)


class TkPhotos:
    """The ``tk`` method: grab with the capture method, show through Tk photos (ADR 012's path)."""

    name = "tk"
    install_hint = ""

    def fits_this_system(self) -> bool:
        return True

    def is_installed(self) -> bool:
        return True


def screen_freezer(env: Mapping[str, str]) -> ServerFreeze | None:
    """The server-side freezer where it is chosen, None for the Tk path."""
    server = ServerFreeze(env)
    methods: list[OsMethod] = [server, TkPhotos()]
    chosen = usable(methods, OVERLAY, env)[0]
    if chosen is server:
        return server
    server.close()
    return None
