"""The clipboard method for this system, chosen among the ones this build knows (``AIIS_CLIPBOARD`` pins one)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TypeVar

from core.errors import ClipboardError, NoImageError
from desktop.clipboard.base import ClipboardImage, ClipboardMethod
from desktop.clipboard.macos import MacClipboard
from desktop.clipboard.windows import WindowsClipboard
from desktop.clipboard.wlclipboard import WlClipboard
from desktop.clipboard.xclip import XclipClipboard
from desktop.methods import Capability, FallbackChain, usable

log = logging.getLogger(__name__)
T = TypeVar("T")

CLIPBOARD = Capability("clipboard", "AIIS_CLIPBOARD", ClipboardError, "No clipboard method fits this desktop session.")


def known_methods(env: Mapping[str, str]) -> list[ClipboardMethod]:
    """Every method, best first; each one says itself whether it fits this system.

    On Wayland, wl-clipboard comes before xclip: xclip reaches Wayland programs only through the
    compositor's XWayland clipboard bridge, so it is the fallback there, not the first choice.
    """
    return [WindowsClipboard(), MacClipboard(env), WlClipboard(env), XclipClipboard(env)]


class FallbackClipboard(FallbackChain[ClipboardMethod]):
    """The first usable method; when it fails, the next usable one, said in the log (issue 12).

    "No image on the clipboard" is an answer, not a failure of the method: it is not retried.
    """

    def write_png(self, data: bytes) -> None:
        self._each(lambda method: method.write_png(data))

    def read_image(self) -> ClipboardImage:
        return self._each(lambda method: method.read_image())

    def _each(self, call: Callable[[ClipboardMethod], T]) -> T:
        while True:
            try:
                return call(self.current)
            except NoImageError:
                raise
            except ClipboardError as error:
                if not self.hand_over(error):
                    raise


def system_clipboard(env: Mapping[str, str]) -> ClipboardMethod:
    """The method to use here, or ``ClipboardError`` naming what to install."""
    return FallbackClipboard(usable(known_methods(env), CLIPBOARD, env), CLIPBOARD)
