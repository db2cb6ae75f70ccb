"""What every start-at-login method offers, and the command line it registers."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

APP_ID = "ai-image-studio"
APP_NAME = "AI Image Studio"

# main.py sits two folders above this file in a checkout; a frozen build has no main.py at all.
_MAIN_SCRIPT = Path(__file__).resolve().parents[2] / "main.py"


class Autostart(Protocol):
    """One OS's way of starting the app when the person logs in."""

    def where(self) -> str:
        """Where the registration lives, in words a person can look up (a path or a registry key)."""
        ...

    def enable(self, command: Sequence[str]) -> None:
        """Register ``command`` (program first) to run at login, replacing an older registration."""
        ...

    def disable(self) -> None:
        """Remove our registration; doing it twice is fine."""
        ...

    def is_enabled(self) -> bool: ...


def launch_command(
    executable: str | None = None, *, frozen: bool | None = None, main_script: Path = _MAIN_SCRIPT
) -> tuple[str, ...]:
    """The command that starts the tray app: the one-file binary, or this venv's python with main.py.

    ``sys.executable`` is kept as it is, not resolved: in a venv it is a symlink whose location is
    what makes Python use the venv's packages.
    """
    program = str(Path(executable or sys.executable).absolute())
    is_frozen = bool(getattr(sys, "frozen", False)) if frozen is None else frozen
    if is_frozen:
        return (program,)
    return (program, str(main_script))
