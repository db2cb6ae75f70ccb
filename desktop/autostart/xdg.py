"""Linux and other freedesktop systems: a .desktop file in $XDG_CONFIG_HOME/autostart.

The XDG Autostart specification: the session starts every entry of that folder at login unless it
says ``Hidden=true``. GNOME also honours ``X-GNOME-Autostart-enabled``; both are written so that
turning it off in the desktop's own settings and here agree.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from core.errors import AutostartError
from desktop.autostart.base import APP_ID, APP_NAME

log = logging.getLogger(__name__)

# Desktop Entry Specification, "The Exec key": an argument holding one of these must be quoted.
_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")
_ESCAPED_IN_QUOTES = frozenset('"`$\\')


def config_home(env: Mapping[str, str]) -> Path:
    value = env.get("XDG_CONFIG_HOME", "")
    # The spec says a relative value is invalid and must be ignored.
    if value and Path(value).is_absolute():
        return Path(value)
    home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    return home / ".config"


def exec_value(command: Sequence[str]) -> str:
    """``command`` as the value of an Exec key: quoted per argument, then string-escaped."""
    return " ".join(_quote(argument) for argument in command).replace("\\", "\\\\")


def _quote(argument: str) -> str:
    # A literal % starts a field code (%f, %u ...) unless doubled.
    text = argument.replace("%", "%%")
    if argument and not _RESERVED.intersection(argument):
        return text
    inner = "".join(f"\\{char}" if char in _ESCAPED_IN_QUOTES else char for char in text)
    return f'"{inner}"'


def autostart_entry(command: Sequence[str]) -> str:
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={APP_NAME}\n"
        "Comment=Tray icon: select a screen region and edit it with an AI image provider\n"
        f"Exec={exec_value(command)}\n"
        f"Icon={APP_ID}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


class XdgAutostart:
    def __init__(self, env: Mapping[str, str]) -> None:
        self.path = config_home(env) / "autostart" / f"{APP_ID}.desktop"

    def where(self) -> str:
        return str(self.path)

    def enable(self, command: Sequence[str]) -> None:
        text = autostart_entry(command)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Written beside and renamed so that a session starting right now never reads half a file.
            partial = self.path.with_name(f".{self.path.name}.partial")
            partial.write_text(text, encoding="utf-8")
            partial.replace(self.path)
        except OSError as error:
            raise AutostartError(
                f"Could not write {self.path}: {error.strerror or error}. Check that folder's permissions."
            ) from None
        log.info("autostart entry written to %s", self.path)

    def disable(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError as error:
            raise AutostartError(f"Could not remove {self.path}: {error.strerror or error}.") from None

    def is_enabled(self) -> bool:
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return False
        lines = {line.strip().replace(" ", "") for line in text.splitlines()}
        return "Hidden=true" not in lines and "X-GNOME-Autostart-enabled=false" not in lines
