"""X11 clipboard through xclip.

xclip forks a process that owns the selection and answers paste requests until another program
takes the clipboard. That is what keeps a result pasteable after our windows have closed, and
after the app has quit (docs/adr/003-clipboard-through-xclip.md).
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

IMAGE_TARGETS = ("image/png", "image/jpeg", "image/bmp", "image/x-bmp", "image/x-ms-bmp", "image/webp", "image/tiff")
TEXT_TARGETS = ("UTF8_STRING", "STRING", "TEXT", "text/plain", "text/plain;charset=utf-8")
TIMEOUT = 5.0


class XclipClipboard:
    name = "xclip"
    install_hint = "Install xclip (Debian/Ubuntu: sudo apt install xclip; Fedora: sudo dnf install xclip)."

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = helper_env(env)

    def fits_this_system(self) -> bool:
        # XWayland also serves xclip, so it is a fallback on Wayland sessions that have DISPLAY.
        return (
            sys.platform.startswith("linux")
            and bool(self._env.get("DISPLAY"))
            and session_type(self._env) in {"x11", "wayland"}
        )

    def is_installed(self) -> bool:
        return shutil.which("xclip", path=self._env.get("PATH")) is not None

    def write_png(self, data: bytes) -> None:
        hand_to_owner(["xclip", "-selection", "clipboard", "-t", "image/png", "-i"], data, self._env, "xclip")

    def _output(self, target: str) -> subprocess.CompletedProcess[bytes]:
        try:
            return subprocess.run(  # noqa: S603
                ["xclip", "-selection", "clipboard", "-t", target, "-o"],  # noqa: S607
                capture_output=True,
                env=self._env,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise ClipboardError("The clipboard owner did not answer within 5 seconds.") from None

    def targets(self) -> list[str]:
        result = self._output("TARGETS")
        if result.returncode != 0:
            return []
        return [line.strip() for line in result.stdout.decode(errors="replace").splitlines() if line.strip()]

    def read_image(self) -> ClipboardImage:
        targets = self.targets()
        for target in IMAGE_TARGETS:
            if target in targets:
                result = self._output(target)
                if result.returncode == 0 and result.stdout:
                    return ClipboardImage(result.stdout, target)
        if not targets:
            raise NoImageError("The clipboard is empty: copy an image first.")
        if any(target in targets for target in TEXT_TARGETS):
            raise NoImageError("The clipboard holds text, not an image: copy an image first.")
        raise NoImageError("The clipboard holds no image in a format we can read (PNG, JPEG, BMP, WebP, TIFF).")
