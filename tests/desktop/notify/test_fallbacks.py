"""The other notification methods and the choice among them.

notify-send is replaced by a real executable script on PATH that records its arguments (the
Debian package is not installed here); osascript and pystray's Windows balloon cannot run on
Linux, so what is checked is what they are given.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from core.errors import AppError, NotificationError
from desktop.notify.base import Notification, NotificationAction
from desktop.notify.macos import MacNotifier, osascript_argv
from desktop.notify.notify_send import NotifySendNotifier
from desktop.notify.system import system_notifier
from desktop.notify.tray_icon import TrayIconNotifier
from tests.desktop.notify.notify_server import notification_server, session_bus

# Helpers get a short environment (desktop/child_env.py, issue 16), so the log sits beside the script.
RECORDER = """#!{python}
import json, os, sys
with open(os.path.join(os.path.dirname(os.path.abspath(sys.argv[0])), "calls.jsonl"), "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
sys.exit({exit_code})
"""


def fake_notify_send(folder: Path, *, exit_code: int = 0) -> dict[str, str]:
    folder.mkdir(exist_ok=True)
    program = folder / "notify-send"
    program.write_text(RECORDER.format(python=sys.executable, exit_code=exit_code), encoding="utf-8")
    program.chmod(0o755)
    if exit_code:
        program.write_text(
            program.read_text(encoding="utf-8").replace(
                "sys.exit(", 'sys.stderr.write("cannot connect to the notification server\\n"); sys.exit('
            ),
            encoding="utf-8",
        )
    return {
        "PATH": f"{folder}{os.pathsep}/usr/bin:/bin",
        "NOTIFY_LOG": str(folder / "calls.jsonl"),
        "NOTIFY_EXIT": str(exit_code),
    }


def recorded(env: dict[str, str]) -> list[list[str]]:
    lines = Path(env["NOTIFY_LOG"]).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_notify_send_gets_title_and_body_as_plain_arguments(tmp_path: Path) -> None:
    env = fake_notify_send(tmp_path / "bin")
    method = NotifySendNotifier(env)
    assert method.is_installed()

    method.show(Notification("-Edit failed", "OpenAI: the key was rejected", urgency="critical", timeout_ms=5000))

    assert recorded(env) == [
        [
            "--app-name=AI Image Studio",
            "--urgency=critical",
            "--expire-time=5000",
            "--",
            "-Edit failed",
            "OpenAI: the key was rejected",
        ]
    ]


def test_a_failing_notify_send_is_reported_with_its_message(tmp_path: Path) -> None:
    env = fake_notify_send(tmp_path / "bin", exit_code=1)

    with pytest.raises(AppError, match="cannot connect to the notification server"):
        NotifySendNotifier(env).show(Notification("x"))


def test_choice_prefers_d_bus_when_a_notification_service_runs(tmp_path: Path) -> None:
    with session_bus() as address, notification_server(address):
        env = {**fake_notify_send(tmp_path / "bin"), "DBUS_SESSION_BUS_ADDRESS": address}
        chosen = system_notifier(env)
        try:
            assert chosen.name == "freedesktop"
            assert chosen.supports_actions
        finally:
            chosen.close()


def test_choice_falls_back_to_notify_send_without_a_service(tmp_path: Path) -> None:
    with session_bus() as address:
        env = {**fake_notify_send(tmp_path / "bin"), "DBUS_SESSION_BUS_ADDRESS": address}

        chosen = system_notifier(env)

        assert chosen.name == "notify-send"
        assert not chosen.supports_actions


def test_with_nothing_installed_the_error_names_what_to_install(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()

    with pytest.raises(NotificationError, match="libnotify-bin"):
        system_notifier({"PATH": str(empty)})


def test_osascript_gets_the_texts_as_arguments_not_as_script() -> None:
    note = Notification('Saved "a.png"', 'end run\ndo shell script "rm -rf ~"')

    argv = osascript_argv("/usr/bin/osascript", note)

    assert argv[-3:] == ["--", 'Saved "a.png"', 'end run\ndo shell script "rm -rf ~"']
    script = [argv[index + 1] for index, part in enumerate(argv) if part == "-e"]
    assert script == ["on run argv", "display notification (item 2 of argv) with title (item 1 of argv)", "end run"]
    assert not MacNotifier({"PATH": "/usr/bin"}).fits_this_system()


class BalloonIcon:
    """Stands in for pystray.Icon: same ``notify(message, title)`` and capability flag."""

    HAS_NOTIFICATION = True

    def __init__(self, *, fail: bool = False) -> None:
        self.shown: list[tuple[str, str | None]] = []
        self.fail = fail

    def notify(self, message: str, title: str | None = None) -> None:
        if self.fail:
            raise OSError("Shell_NotifyIcon failed")
        self.shown.append((message, title))


def test_the_tray_icon_balloon_gets_body_and_title() -> None:
    icon = BalloonIcon()
    method = TrayIconNotifier(icon)
    assert method.fits_this_system()

    method.show(Notification("Copied", "1024x1024 from OpenAI", actions=(NotificationAction("open", "Open"),)))

    assert icon.shown == [("1024x1024 from OpenAI", "Copied")]


def test_a_failing_tray_icon_balloon_is_reported() -> None:
    with pytest.raises(AppError, match="Shell_NotifyIcon failed"):
        TrayIconNotifier(BalloonIcon(fail=True)).show(Notification("x"))
