r"""Windows: a value under HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run.

Per user, no administrator rights, and the place Task Manager's "Startup apps" page lists and lets
the person switch off. The registry sits behind ``RunKey`` so that the exact value we would write is
checked by tests on any OS; ``winreg`` is imported only when the real key is touched.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path, PureWindowsPath
from typing import Protocol

from core.errors import AutostartError
from desktop.autostart.base import APP_NAME

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
_NOT_WINDOWS = "The Windows registry is only there on Windows."


class RunKey(Protocol):
    """The string values of the per-user Run key."""

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...


if sys.platform == "win32":

    class WinregRunKey:
        """The real HKCU Run key, through ``winreg``."""

        def get(self, name: str) -> str | None:
            import winreg

            try:
                with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_READ) as key:
                    value, kind = winreg.QueryValueEx(key, name)
            except FileNotFoundError:
                return None
            return value if kind in {winreg.REG_SZ, winreg.REG_EXPAND_SZ} and isinstance(value, str) else None

        def set(self, name: str, value: str) -> None:
            import winreg

            # CreateKeyEx opens the key if it exists; it is missing on some freshly made profiles.
            with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
                winreg.SetValueEx(key, name, 0, winreg.REG_SZ, value)

        def delete(self, name: str) -> None:
            import winreg

            try:
                with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE) as key:
                    winreg.DeleteValue(key, name)
            except FileNotFoundError:
                return

else:

    class WinregRunKey:
        """Stands in for the registry elsewhere: building it is harmless, touching it says why not."""

        def get(self, name: str) -> str | None:
            raise AutostartError(_NOT_WINDOWS)

        def set(self, name: str, value: str) -> None:
            raise AutostartError(_NOT_WINDOWS)

        def delete(self, name: str) -> None:
            raise AutostartError(_NOT_WINDOWS)


def run_value(command: Sequence[str]) -> str:
    """The command line stored in the Run value, quoted the way CreateProcess splits it again."""
    return subprocess.list2cmdline(windowless(command))


def windowless(command: Sequence[str]) -> list[str]:
    """Use pythonw.exe beside python.exe, so that logging in does not open a console window."""
    if command and PureWindowsPath(command[0]).name.lower() == "python.exe":
        # Cut by length, not by path parsing, so the folder part stays exactly as it was given.
        quiet = command[0][: -len("python.exe")] + "pythonw.exe"
        if Path(quiet).exists():
            return [quiet, *command[1:]]
    return list(command)


class WindowsAutostart:
    def __init__(self, run_key: RunKey, value_name: str = APP_NAME) -> None:
        self._key = run_key
        self._name = value_name

    def where(self) -> str:
        return f"HKEY_CURRENT_USER\\{RUN_KEY}\\{self._name}"

    def enable(self, command: Sequence[str]) -> None:
        try:
            self._key.set(self._name, run_value(command))
        except OSError as error:
            raise AutostartError(f"Could not write the registry value {self.where()}: {error}.") from None

    def disable(self) -> None:
        try:
            self._key.delete(self._name)
        except OSError as error:
            raise AutostartError(f"Could not remove the registry value {self.where()}: {error}.") from None

    def is_enabled(self) -> bool:
        try:
            return bool(self._key.get(self._name))
        except OSError:
            return False
