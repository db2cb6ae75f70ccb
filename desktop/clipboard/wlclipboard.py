"""Wayland clipboard through wl-clipboard's wl-copy and wl-paste.

On Wayland only the focused client may own the clipboard through the core protocol; wl-copy uses
the data-control protocols (wlr, ext) where the compositor offers them, which is what lets a tray
utility with no focused window copy at all. Like xclip it forks an owner that keeps serving the
image after we exit (until something else is copied). Where the compositor has no data-control
protocol (GNOME's mutter for a long time), wl-copy briefly maps a tiny window to get focus; the
xclip method through XWayland stays as the fallback (README, Per-OS guide: Wayland).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Mapping

from core.errors import ClipboardError, NoImageError
from desktop.child_env import helper_env
from desktop.clipboard.base import ClipboardImage
from desktop.clipboard.handover import hand_to_owner
from desktop.methods import session_type

IMAGE_TYPES = ("image/png", "image/jpeg", "image/bmp", "image/webp", "image/tiff")
TEXT_TYPES = ("text/plain;charset=utf-8", "text/plain", "UTF8_STRING", "STRING", "TEXT")
TIMEOUT = 5.0


def copy_command() -> list[str]:
    return ["wl-copy", "--type", "image/png"]


def list_types_command() -> list[str]:
    return ["wl-paste", "--list-types"]


def paste_command(mime: str) -> list[str]:
    return ["wl-paste", "--no-newline", "--type", mime]


class WlClipboard:
    name = "wl-clipboard"
    install_hint = (
        "Install wl-clipboard (Debian/Ubuntu: sudo apt install wl-clipboard; Fedora: sudo dnf install wl-clipboard)."
    )

    def __init__(self, env: Mapping[str, str], platform: str = sys.platform) -> None:
        self._env = helper_env(env)
        self._platform = platform

    def fits_this_system(self) -> bool:
        return (
            self._platform.startswith("linux")
            and bool(self._env.get("WAYLAND_DISPLAY"))
            and session_type(self._env) == "wayland"
        )

    def is_installed(self) -> bool:
        path = self._env.get("PATH")
        return shutil.which("wl-copy", path=path) is not None and shutil.which("wl-paste", path=path) is not None

    def write_png(self, data: bytes) -> None:
        hand_to_owner(copy_command(), data, self._env, "wl-copy")

    def _run(self, argv: list[str]) -> subprocess.CompletedProcess[bytes]:
        try:
            return subprocess.run(  # noqa: S603 - a fixed program
                argv, capture_output=True, env=self._env, timeout=TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            raise ClipboardError("The clipboard owner did not answer within 5 seconds.") from None

    def types(self) -> list[str]:
        """The MIME types on offer; none when the clipboard is empty (wl-paste then exits 1)."""
        result = self._run(list_types_command())
        if result.returncode != 0:
            return []
        return [line.strip() for line in result.stdout.decode(errors="replace").splitlines() if line.strip()]

    def read_image(self) -> ClipboardImage:
        types = self.types()
        for mime in IMAGE_TYPES:
            if mime in types:
                result = self._run(paste_command(mime))
                if result.returncode == 0 and result.stdout:
                    return ClipboardImage(result.stdout, mime)
        if not types:
            raise NoImageError("The clipboard is empty: copy an image first.")
        if any(mime in types for mime in TEXT_TYPES):
            raise NoImageError("The clipboard holds text, not an image: copy an image first.")
        raise NoImageError("The clipboard holds no image in a format we can read (PNG, JPEG, BMP, WebP, TIFF).")
