"""macOS: Notification Center through ``osascript`` (no actions: AppleScript notifications cannot call back).

The texts go in as ``argv`` of an AppleScript ``on run`` handler, never spliced into the script,
so quotes in a file name cannot change what runs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Mapping

from core.errors import NotificationError
from desktop.child_env import helper_env
from desktop.notify.base import ActionSink, Notification

SCRIPT = (
    "on run argv",
    "display notification (item 2 of argv) with title (item 1 of argv)",
    "end run",
)
TIMEOUT = 5.0


def osascript_argv(program: str, note: Notification) -> list[str]:
    argv = [program]
    for line in SCRIPT:
        argv += ["-e", line]
    return [*argv, "--", note.title, note.body]


class MacNotifier:
    name = "osascript"
    install_hint = "osascript is part of macOS; allow notifications for Script Editor in System Settings."
    supports_actions = False

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = helper_env(env)

    def fits_this_system(self) -> bool:
        return sys.platform == "darwin"

    def is_installed(self) -> bool:
        return shutil.which("osascript", path=self._env.get("PATH")) is not None

    def show(self, note: Notification, on_action: ActionSink | None = None) -> None:
        del on_action
        program = shutil.which("osascript", path=self._env.get("PATH"))
        if program is None:
            raise NotificationError(f"osascript was not found. {self.install_hint}")
        try:
            subprocess.run(  # noqa: S603 - fixed program and script; texts are arguments
                osascript_argv(program, note.clipped()),
                env=self._env,
                check=True,
                timeout=TIMEOUT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        except subprocess.CalledProcessError as error:
            detail = error.stderr.decode(errors="replace").strip()[:200]
            raise NotificationError(f"The notification could not be shown ({detail or error.returncode}).") from None
        except (OSError, subprocess.TimeoutExpired) as error:
            raise NotificationError(f"osascript could not be run ({error}).") from None

    def close(self) -> None:
        return None
