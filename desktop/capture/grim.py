"""Wayland capture with grim, on wlroots compositors (Sway, Hyprland, river, labwc...).

grim uses the wlr-screencopy protocol, which GNOME and KDE do not offer; there the portal is the
way. grim asks no permission and shows no dialog, so where it works it is tried first. It writes
uncompressed PPM to stdout, which is the cheapest format to read back.

grim renders every output into one image in layout coordinates; it does not print the layout,
so the result is a single Screenshot at scale 1, and ``monitors()`` knows its size after a grab.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from collections.abc import Mapping

from PIL import Image, UnidentifiedImageError

from core.errors import CaptureError
from core.models import Monitor, Rect, Screenshot
from desktop.methods import session_type

TIMEOUT = 10.0
# Desktops whose compositors lack wlr-screencopy: grim fails there with "compositor doesn't
# support wlr-screencopy-unstable-v1".
NO_SCREENCOPY_DESKTOPS = ("gnome", "kde", "plasma", "unity", "budgie", "cinnamon")


def grim_command() -> list[str]:
    """Every output, as PPM on stdout."""
    return ["grim", "-t", "ppm", "-"]


def read_grim_output(completed: subprocess.CompletedProcess[bytes]) -> Image.Image:
    """The image grim wrote, or a CaptureError with grim's own words."""
    if completed.returncode != 0:
        message = completed.stderr.decode(errors="replace").strip() or f"exit code {completed.returncode}"
        raise CaptureError(f"grim could not capture the screen: {message}")
    try:
        with Image.open(io.BytesIO(completed.stdout), formats=["PPM"]) as opened:
            return opened.convert("RGB")
    except (UnidentifiedImageError, OSError) as failure:
        raise CaptureError(f"grim wrote something that is not an image: {failure}") from None


class GrimCapture:
    name = "grim"
    install_hint = (
        "On Sway, Hyprland and other wlroots desktops install grim "
        "(Debian/Ubuntu: sudo apt install grim; Fedora: sudo dnf install grim; Arch: sudo pacman -S grim)."
    )

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = dict(env)
        self._last: tuple[Monitor, ...] = ()

    def fits_this_system(self) -> bool:
        desktop = self._env.get("XDG_CURRENT_DESKTOP", "").lower()
        return (
            sys.platform.startswith("linux")
            and session_type(self._env) == "wayland"
            and not any(name in desktop for name in NO_SCREENCOPY_DESKTOPS)
        )

    def is_installed(self) -> bool:
        return shutil.which("grim", path=self._env.get("PATH")) is not None

    def monitors(self) -> tuple[Monitor, ...]:
        return self._last

    def grab(self) -> tuple[Screenshot, ...]:
        try:
            completed = subprocess.run(  # noqa: S603 - a fixed command line, no user input
                grim_command(), capture_output=True, env=self._env, timeout=TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            raise CaptureError(f"grim did not finish within {TIMEOUT:.0f} seconds.") from None
        except OSError as failure:
            raise CaptureError(f"Cannot run grim: {failure}") from None
        image = read_grim_output(completed)
        monitor = Monitor(0, Rect(0, 0, image.width, image.height), 1.0, "grim")
        self._last = (monitor,)
        return (Screenshot(monitor, image),)

    def close(self) -> None:
        """Nothing is kept between grabs."""
