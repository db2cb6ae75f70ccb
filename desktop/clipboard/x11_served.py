"""The tray's X11 clipboard: served from our process while the tray runs, handed to xclip when it quits.

The long-lived tray owns CLIPBOARD itself (``x11_owner``), so a copy is offered the moment it is
accepted instead of after the PNG encode and xclip's fork, exec and X connection (ADR 039). ADR 003's
promise still holds: ``close`` gives the PNG we still own to xclip before the tray's connection ends,
so the result stays pasteable after Quit. The command line keeps plain xclip: it exits right away.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from core.errors import ClipboardError
from desktop.clipboard.base import ClipboardImage
from desktop.clipboard.xclip import XclipClipboard

if TYPE_CHECKING:
    from desktop.clipboard.x11_owner import X11SelectionOwner

log = logging.getLogger(__name__)

HANDOVER_TIMEOUT = 5.0


class ServedClipboard:
    name = "x11-owner"
    install_hint = XclipClipboard.install_hint

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env
        self._xclip = XclipClipboard(env)
        self._owner: X11SelectionOwner | None = None

    def fits_this_system(self) -> bool:
        return self._xclip.fits_this_system()

    def is_installed(self) -> bool:
        # xclip too: it takes over what we still own when the tray quits.
        return importlib.util.find_spec("Xlib") is not None and self._xclip.is_installed()

    def _serving(self) -> X11SelectionOwner:
        if self._owner is None:
            # python-xlib is a Linux-only dependency: imported where this method fits.
            from desktop.clipboard.x11_owner import X11SelectionOwner

            self._owner = X11SelectionOwner(self._env.get("DISPLAY", ""))
        return self._owner

    def write_png(self, data: bytes) -> None:
        self.offer_png(lambda: data)

    def offer_png(self, encode: Callable[[], bytes]) -> None:
        """Own the clipboard now, then ``encode()`` its PNG; pasters that ask meanwhile wait for it."""
        self._serving().offer(encode)

    def owns(self) -> bool:
        return self._owner is not None and self._owner.owns()

    def read_image(self) -> ClipboardImage:
        # Our own copy needs no round trip through a paster process.
        png = self._owner.owned_png() if self._owner is not None else None
        if png is not None:
            return ClipboardImage(png, "image/png")
        return self._xclip.read_image()

    def close(self) -> None:
        """Hand what we still own to xclip (ADR 003), then stop serving."""
        owner, self._owner = self._owner, None
        if owner is None:
            return
        try:
            png = owner.owned_png()
            if png is not None:
                # xclip takes the selection from us while we still answer, so no paste falls between.
                # write_png returns once xclip's forked child owns it; here our own thread confirms
                # it saw the SelectionClear before it stops answering.
                self._xclip.write_png(png)
                if owner.wait_taken_away(HANDOVER_TIMEOUT):
                    log.info("the clipboard's image was handed to xclip, so it outlives the tray")
                else:
                    log.warning("xclip did not take the clipboard within %.0f s of Quit", HANDOVER_TIMEOUT)
        except ClipboardError as problem:
            log.warning("the copied image could not be handed to xclip at quit (%s)", problem)
        finally:
            owner.stop()
