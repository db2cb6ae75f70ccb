"""Start at login on Windows and macOS, through the exact registry value and plist they would write."""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest

from core.errors import AppError
from desktop.autostart.choice import autostart_for
from desktop.autostart.macos import LABEL, MacAutostart, launch_agent
from desktop.autostart.windows import RUN_KEY, WindowsAutostart, WinregRunKey, run_value, windowless
from desktop.autostart.xdg import XdgAutostart


class FakeRunKey:
    """The Run key as a dict: what WinregRunKey would store with SetValueEx(REG_SZ)."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def set(self, name: str, value: str) -> None:
        self.values[name] = value

    def delete(self, name: str) -> None:
        self.values.pop(name, None)


def test_windows_run_value_quotes_paths_with_spaces_the_way_createprocess_splits_them() -> None:
    key = FakeRunKey()
    autostart = WindowsAutostart(key)
    autostart.enable([r"C:\Program Files\AI Image Studio\ai-image-studio.exe"])
    assert key.values == {"AI Image Studio": r'"C:\Program Files\AI Image Studio\ai-image-studio.exe"'}
    assert autostart.is_enabled()
    assert autostart.where() == r"HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run\AI Image Studio"
    autostart.disable()
    assert key.values == {}
    assert not autostart.is_enabled()
    autostart.disable()


def test_windows_checkout_runs_with_pythonw_so_login_opens_no_console(tmp_path: Path) -> None:
    # GIVEN a venv Scripts folder holding both interpreters (as a Windows venv does)
    scripts = tmp_path / "Scripts"
    scripts.mkdir()
    (scripts / "python.exe").write_bytes(b"")
    (scripts / "pythonw.exe").write_bytes(b"")
    command = [str(scripts / "python.exe"), r"C:\Users\Ann Lee\aiis\main.py"]
    # THEN the registered command uses pythonw.exe, and arguments with spaces are quoted
    assert windowless(command) == [str(scripts / "pythonw.exe"), r"C:\Users\Ann Lee\aiis\main.py"]
    assert run_value(command) == f'{scripts / "pythonw.exe"} "C:\\Users\\Ann Lee\\aiis\\main.py"'


def test_windows_keeps_python_exe_when_no_pythonw_is_beside_it(tmp_path: Path) -> None:
    command = [str(tmp_path / "python.exe"), "main.py"]
    assert windowless(command) == command


def test_the_real_registry_is_only_reached_on_windows() -> None:
    assert RUN_KEY == r"Software\Microsoft\Windows\CurrentVersion\Run"
    with pytest.raises(AppError, match="only there on Windows"):
        WinregRunKey().set("AI Image Studio", "x")


def test_macos_launch_agent_plist_is_exactly_what_launchd_reads(tmp_path: Path) -> None:
    command = ["/Applications/AI Image Studio/ai-image-studio"]
    autostart = MacAutostart({"HOME": str(tmp_path)})
    autostart.enable(command)
    path = tmp_path / "Library" / "LaunchAgents" / "io.github.ai-image-studio.plist"
    assert autostart.where() == str(path)
    assert path.read_bytes() == (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
        b'<plist version="1.0">\n'
        b"<dict>\n"
        b"\t<key>Label</key>\n"
        b"\t<string>io.github.ai-image-studio</string>\n"
        b"\t<key>ProcessType</key>\n"
        b"\t<string>Interactive</string>\n"
        b"\t<key>ProgramArguments</key>\n"
        b"\t<array>\n"
        b"\t\t<string>/Applications/AI Image Studio/ai-image-studio</string>\n"
        b"\t</array>\n"
        b"\t<key>RunAtLoad</key>\n"
        b"\t<true/>\n"
        b"</dict>\n"
        b"</plist>\n"
    )
    assert autostart.is_enabled()
    autostart.disable()
    assert not path.exists()
    assert not autostart.is_enabled()


def test_macos_plist_keeps_arguments_as_an_argv_without_shell_quoting() -> None:
    command = ["/usr/local/bin/python3", "/Users/ann/my $dir/main.py"]
    document = plistlib.loads(launch_agent(command))
    assert document == {
        "Label": LABEL,
        "ProgramArguments": command,
        "RunAtLoad": True,
        "ProcessType": "Interactive",
    }


def test_macos_agent_disabled_by_launchctl_counts_as_off(tmp_path: Path) -> None:
    autostart = MacAutostart({"HOME": str(tmp_path)})
    autostart.enable(["/bin/true"])
    document = plistlib.loads(autostart.path.read_bytes())
    autostart.path.write_bytes(plistlib.dumps({**document, "Disabled": True}))
    assert not autostart.is_enabled()


def test_each_platform_gets_its_own_method(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path)}
    assert isinstance(autostart_for(env, "win32"), WindowsAutostart)
    assert isinstance(autostart_for(env, "darwin"), MacAutostart)
    assert isinstance(autostart_for(env, "linux"), XdgAutostart)
    assert isinstance(autostart_for(env, "freebsd14"), XdgAutostart)
