"""Which start-at-login method this OS uses; the tray menu and ``main.py autostart`` both ask here.

The tray's *Start at login* item::

    autostart = autostart_for(env, sys.platform)
    checked = autostart.is_enabled()
    autostart.enable(launch_command()) if turning_on else autostart.disable()
"""

from __future__ import annotations

from collections.abc import Mapping

from desktop.autostart.base import Autostart
from desktop.autostart.macos import MacAutostart
from desktop.autostart.windows import WindowsAutostart, WinregRunKey
from desktop.autostart.xdg import XdgAutostart


def autostart_for(env: Mapping[str, str], platform: str) -> Autostart:
    """``platform`` is a ``sys.platform`` value; every OS other than Windows and macOS is treated as XDG."""
    if platform == "win32":
        return WindowsAutostart(WinregRunKey())
    if platform == "darwin":
        return MacAutostart(env)
    return XdgAutostart(env)
