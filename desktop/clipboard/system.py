"""The clipboard method for this system, chosen among the ones this build knows."""

from __future__ import annotations

from collections.abc import Mapping

from desktop.clipboard.base import ClipboardMethod, choose_method
from desktop.clipboard.macos import MacClipboard
from desktop.clipboard.windows import WindowsClipboard
from desktop.clipboard.wlclipboard import WlClipboard
from desktop.clipboard.xclip import XclipClipboard


def known_methods(env: Mapping[str, str]) -> list[ClipboardMethod]:
    """Every method, best first; each one says itself whether it fits this system.

    On Wayland, wl-clipboard comes before xclip: xclip reaches Wayland programs only through the
    compositor's XWayland clipboard bridge, so it is the fallback there, not the first choice.
    """
    return [WindowsClipboard(), MacClipboard(env), WlClipboard(env), XclipClipboard(env)]


def system_clipboard(env: Mapping[str, str]) -> ClipboardMethod:
    return choose_method(known_methods(env))
