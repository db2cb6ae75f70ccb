"""A per-user application entry for Linux menus: a .desktop file and the icon in the hicolor theme.

Desktop Entry Specification and Icon Theme Specification: menus read
$XDG_DATA_HOME/applications, icon lookups fall back to $XDG_DATA_HOME/icons/hicolor/<N>x<N>/apps.
The entry's "Capture region" action is what Wayland users can bind or pin, since global hotkeys do
not reach the app there.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from core.errors import DesktopEntryError
from desktop.autostart.base import APP_ID, APP_NAME
from desktop.autostart.xdg import exec_value

log = logging.getLogger(__name__)

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def assets_dir() -> Path:
    """The icons: unpacked beside the code in a one-file build (sys._MEIPASS), else in the checkout."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "assets"
    return Path(__file__).resolve().parents[1] / "assets"


def data_home(env: Mapping[str, str]) -> Path:
    value = env.get("XDG_DATA_HOME", "")
    if value and Path(value).is_absolute():
        return Path(value)
    home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    return home / ".local" / "share"


def desktop_entry(command: Sequence[str]) -> str:
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={APP_NAME}\n"
        "GenericName=AI image editor\n"
        "Comment=Select a screen region and edit it with an AI image provider\n"
        f"Exec={exec_value(command)}\n"
        f"Icon={APP_ID}\n"
        "Terminal=false\n"
        "Categories=Graphics;2DGraphics;RasterGraphics;\n"
        "Keywords=screenshot;capture;AI;image;edit;clipboard;\n"
        "StartupNotify=false\n"
        "Actions=capture;clipboard;\n"
        "\n"
        "[Desktop Action capture]\n"
        "Name=Capture region\n"
        f"Exec={exec_value([*command, 'capture'])}\n"
        "\n"
        "[Desktop Action clipboard]\n"
        "Name=Edit clipboard image\n"
        f"Exec={exec_value([*command, 'capture', '--from-clipboard'])}\n"
    )


@dataclass(frozen=True)
class DesktopEntryFiles:
    """Where the entry and its icons go for one person."""

    entry: Path
    icons: tuple[tuple[int, Path], ...]

    @classmethod
    def under(cls, data: Path) -> DesktopEntryFiles:
        icons = tuple(
            (size, data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png") for size in ICON_SIZES
        )
        return cls(entry=data / "applications" / f"{APP_ID}.desktop", icons=icons)

    def all_paths(self) -> list[Path]:
        return [self.entry, *(path for _size, path in self.icons)]


def install(files: DesktopEntryFiles, command: Sequence[str], assets: Path) -> list[Path]:
    """Write the icons, then the entry (so a menu never shows an entry whose icon is missing)."""
    written: list[Path] = []
    try:
        for size, target in files.icons:
            source = assets / "icons" / f"{APP_ID}-{size}.png"
            _write_atomically(target, source.read_bytes())
            written.append(target)
        _write_atomically(files.entry, desktop_entry(command).encode())
        written.append(files.entry)
    except OSError as error:
        raise DesktopEntryError(
            f"Could not install the desktop entry: {error}. Check the folder's permissions."
        ) from None
    log.info("desktop entry installed: %d files", len(written))
    return written


def remove(files: DesktopEntryFiles) -> list[Path]:
    """Remove what ``install`` wrote; the folders stay, since other apps share them."""
    removed: list[Path] = []
    for path in files.all_paths():
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as error:
            raise DesktopEntryError(f"Could not remove {path}: {error.strerror or error}.") from None
        removed.append(path)
    return removed


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_bytes(data)
    partial.replace(target)
