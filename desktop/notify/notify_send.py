"""Fallback on Linux: the ``notify-send`` command (libnotify-bin). No actions: it cannot call back."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Mapping

from core.errors import NotificationError
from desktop.child_env import helper_env
from desktop.notify.base import ActionSink, Notification

APP_NAME = "AI Image Studio"
TIMEOUT = 5.0


class NotifySendNotifier:
    name = "notify-send"
    install_hint = "Install notify-send (Debian/Ubuntu: sudo apt install libnotify-bin)."
    supports_actions = False

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = helper_env(env)

    def fits_this_system(self) -> bool:
        return sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))

    def is_installed(self) -> bool:
        return shutil.which("notify-send", path=self._env.get("PATH")) is not None

    def show(self, note: Notification, on_action: ActionSink | None = None) -> None:
        del on_action  # notify-send cannot report clicks without blocking a process per notification
        note = note.clipped()
        program = shutil.which("notify-send", path=self._env.get("PATH"))
        if program is None:
            raise NotificationError(f"notify-send is not installed. {self.install_hint}")
        argv = [program, f"--app-name={APP_NAME}", f"--urgency={note.urgency}"]
        if note.timeout_ms >= 0:
            argv.append(f"--expire-time={note.timeout_ms}")
        # "--" so a title that starts with "-" is never read as an option.
        argv += ["--", note.title, note.body]
        try:
            subprocess.run(  # noqa: S603 - fixed program, arguments are plain text, no shell
                argv, env=self._env, check=True, timeout=TIMEOUT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
        except subprocess.CalledProcessError as error:
            detail = error.stderr.decode(errors="replace").strip()[:200]
            raise NotificationError(f"notify-send failed ({detail or error.returncode}).") from None
        except (OSError, subprocess.TimeoutExpired) as error:
            raise NotificationError(f"notify-send could not be run ({error}).") from None

    def close(self) -> None:
        return None
