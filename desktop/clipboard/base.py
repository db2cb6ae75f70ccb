"""The clipboard method protocol and the choice of the first one that works here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from core.errors import ClipboardError
from desktop.methods import first_usable


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


def choose_method(methods: Sequence[ClipboardMethod]) -> ClipboardMethod:
    """The first method that fits and is installed; otherwise an error naming what to install."""
    chosen, fitting = first_usable(methods)
    if chosen is not None:
        return chosen
    if fitting:
        hints = "; ".join(method.install_hint for method in fitting)
        raise ClipboardError(f"No clipboard tool is installed for this desktop. {hints}")
    raise ClipboardError("No clipboard method fits this desktop session.")


def session_type(env: Mapping[str, str]) -> str:
    """``wayland``, ``x11`` or ``""``, from the variables a desktop session sets."""
    if env.get("WAYLAND_DISPLAY") or env.get("XDG_SESSION_TYPE") == "wayland":
        return "wayland"
    if env.get("DISPLAY"):
        return "x11"
    return ""
