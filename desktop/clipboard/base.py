"""The clipboard method protocol and the choice of the first one that works here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from core.delivery import DeferredPngClipboard

__all__ = ["ClipboardImage", "ClipboardMethod", "DeferredPngClipboard"]


@dataclass(frozen=True)
class ClipboardImage:
    """Image bytes as the clipboard offered them, with their MIME type."""

    data: bytes
    mime: str


class ClipboardMethod(Protocol):
    name: str
    install_hint: str

    def fits_this_system(self) -> bool:
        """Is this the right method for this OS and session (X11, Wayland, Windows, macOS)?"""
        ...

    def is_installed(self) -> bool:
        """Are the tools or libraries it needs present?"""
        ...

    def write_png(self, data: bytes) -> None:
        """Own the clipboard with ``data`` as image/png; it must outlive our windows."""
        ...

    def read_image(self) -> ClipboardImage:
        """The image on the clipboard, or ``NoImageError`` saying what is there instead."""
        ...
