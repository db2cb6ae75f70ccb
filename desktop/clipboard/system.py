"""The clipboard method for this system, chosen among the ones this build knows."""

from __future__ import annotations

from collections.abc import Mapping

from desktop.clipboard.base import ClipboardMethod, choose_method
from desktop.clipboard.xclip import XclipClipboard


def known_methods(env: Mapping[str, str]) -> list[ClipboardMethod]:
    """Every method, best first; each one says itself whether it fits this system."""
    return [XclipClipboard(env)]


def system_clipboard(env: Mapping[str, str]) -> ClipboardMethod:
    return choose_method(known_methods(env))
