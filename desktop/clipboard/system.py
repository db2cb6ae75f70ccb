"""The clipboard method for this system, chosen among the ones this build knows (``AIIS_CLIPBOARD`` pins one)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TypeVar

from core.errors import ClipboardError, NoImageError
from desktop.clipboard.base import ClipboardImage, ClipboardMethod, DeferredPngClipboard
from desktop.clipboard.macos import MacClipboard
from desktop.clipboard.windows import WindowsClipboard
from desktop.clipboard.wlclipboard import WlClipboard
from desktop.clipboard.x11_served import ServedClipboard
from desktop.clipboard.xclip import XclipClipboard
from desktop.methods import Capability, FallbackChain, usable

log = logging.getLogger(__name__)
T = TypeVar("T")

CLIPBOARD = Capability("clipboard", "AIIS_CLIPBOARD", ClipboardError, "No clipboard method fits this desktop session.")


def known_methods(env: Mapping[str, str], *, serve: bool = False) -> list[ClipboardMethod]:
    """Every method, best first; each one says itself whether it fits this system.

    On Wayland, wl-clipboard comes before xclip: xclip reaches Wayland programs only through the
    compositor's XWayland clipboard bridge, so it is the fallback there, not the first choice.
    ``serve``: a long-lived process (the tray) serves X11's clipboard itself, xclip behind it (ADR 039).
    """
    served: list[ClipboardMethod] = [ServedClipboard(env)] if serve else []
    return [WindowsClipboard(), MacClipboard(env), WlClipboard(env), *served, XclipClipboard(env)]


class FallbackClipboard(FallbackChain[ClipboardMethod]):
    """The first usable method; when it fails, the next usable one, said in the log (issue 12).

    "No image on the clipboard" is an answer, not a failure of the method: it is not retried.
    """

    def write_png(self, data: bytes) -> None:
        self._each(lambda method: method.write_png(data))

    def offer_png(self, encode: Callable[[], bytes]) -> None:
        """Own the clipboard now and encode after, where the method can (ADR 039); else encode, then write."""
        made: list[bytes] = []

        def once() -> bytes:
            if not made:
                made.append(encode())
            return made[0]

        def offer(method: ClipboardMethod) -> None:
            if isinstance(method, DeferredPngClipboard):
                method.offer_png(once)
            else:
                method.write_png(once())

        self._each(offer)

    def retire(self, method: ClipboardMethod) -> None:
        _close(method)

    def close(self) -> None:
        """Let each method release what it holds (the tray's own clipboard owner hands over to xclip)."""
        for method in self._methods:
            _close(method)

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


def _close(method: ClipboardMethod) -> None:
    closer = getattr(method, "close", None)
    if callable(closer):
        closer()


def system_clipboard(env: Mapping[str, str], *, serve: bool = False) -> FallbackClipboard:
    """The method to use here, or ``ClipboardError`` naming what to install; ``serve``: see ``known_methods``."""
    return FallbackClipboard(usable(known_methods(env, serve=serve), CLIPBOARD, env), CLIPBOARD)
