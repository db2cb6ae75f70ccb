"""X11 clipboard through xclip.

xclip forks a process that owns the selection and answers paste requests until another program
takes the clipboard. That is what keeps a result pasteable after our windows have closed, and
after the app has quit (docs/adr/003-clipboard-through-xclip.md).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING

from core.errors import ClipboardError, NoImageError
from desktop.child_env import helper_env
from desktop.clipboard.base import ClipboardImage
from desktop.clipboard.handover import hand_to_owner
from desktop.methods import session_type

if TYPE_CHECKING:
    from Xlib.display import Display

IMAGE_TARGETS = ("image/png", "image/jpeg", "image/bmp", "image/x-bmp", "image/x-ms-bmp", "image/webp", "image/tiff")
TEXT_TARGETS = ("UTF8_STRING", "STRING", "TEXT", "text/plain", "text/plain;charset=utf-8")
TIMEOUT = 5.0
OWNER_WAIT = 2.0
log = logging.getLogger(__name__)


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
        argv = ["xclip", "-selection", "clipboard", "-t", "image/png", "-i"]
        watch = _OwnerWatch.open(self._env.get("DISPLAY", ""))
        if watch is None:
            hand_to_owner(argv, data, self._env, "xclip")
            return
        with watch:
            hand_to_owner(argv, data, self._env, "xclip")
            # xclip's parent exits before its forked child has taken the selection, so a paste
            # right after could still get the previous owner's data (ADR 039): a copy is done when
            # the owner changed.
            if not watch.changed_within(OWNER_WAIT):
                log.warning("xclip exited but did not take the clipboard within %g s", OWNER_WAIT)

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


class _OwnerWatch:
    """CLIPBOARD's owner before a copy, on a python-xlib connection of its own, to see it change."""

    def __init__(self, connection: Display) -> None:
        self._connection = connection
        self._atom = connection.intern_atom("CLIPBOARD")
        self._before = connection.get_selection_owner(self._atom)

    @classmethod
    def open(cls, display_name: str) -> _OwnerWatch | None:
        """None where it cannot watch (no python-xlib, no display): the copy then goes on unwatched."""
        try:
            from Xlib import display, error

            try:
                return cls(display.Display(display_name))
            except (error.DisplayError, error.ConnectionClosedError, OSError) as problem:
                log.debug("cannot watch the clipboard's owner: %s", problem)
                return None
        except ImportError:
            return None

    def changed_within(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while self._connection.get_selection_owner(self._atom) == self._before:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.002)
        return True

    def __enter__(self) -> _OwnerWatch:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._connection.close()
