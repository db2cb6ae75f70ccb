"""macOS: a LaunchAgent property list in ~/Library/LaunchAgents.

launchd loads every agent of that folder when the person logs in; ``RunAtLoad`` starts it then, and
without ``KeepAlive`` it is not restarted after Quit. No ``launchctl`` call is made: the file alone
takes effect at the next login, which is what "start at login" promises, and it keeps an already
running app from being started twice. macOS 13+ shows it under Login Items > Allow in the Background.
"""

from __future__ import annotations

import plistlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from core.errors import AutostartError

LABEL = "io.github.ai-image-studio"


def launch_agent(command: Sequence[str]) -> bytes:
    """The plist bytes; ProgramArguments is an argv, so no shell quoting is involved."""
    document = {
        "Label": LABEL,
        "ProgramArguments": list(command),
        "RunAtLoad": True,
        # Interactive: a tray app the person uses, not a background job launchd may throttle.
        "ProcessType": "Interactive",
    }
    return plistlib.dumps(document, fmt=plistlib.FMT_XML, sort_keys=True)


class MacAutostart:
    def __init__(self, env: Mapping[str, str]) -> None:
        home = Path(env["HOME"]) if env.get("HOME") else Path.home()
        self.path = home / "Library" / "LaunchAgents" / f"{LABEL}.plist"

    def where(self) -> str:
        return str(self.path)

    def enable(self, command: Sequence[str]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(f".{self.path.name}.partial")
            partial.write_bytes(launch_agent(command))
            partial.replace(self.path)
        except OSError as error:
            raise AutostartError(f"Could not write {self.path}: {error.strerror or error}.") from None

    def disable(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError as error:
            raise AutostartError(f"Could not remove {self.path}: {error.strerror or error}.") from None

    def is_enabled(self) -> bool:
        try:
            document = plistlib.loads(self.path.read_bytes())
        except (OSError, plistlib.InvalidFileException, ValueError):
            return False
        return isinstance(document, dict) and document.get("Disabled") is not True
