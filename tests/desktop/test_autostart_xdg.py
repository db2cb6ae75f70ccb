"""Start at login on Linux, for real: the autostart file appears, validates, parses back, and goes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.autostart.base import launch_command
from desktop.autostart.choice import autostart_for
from desktop.autostart.xdg import XdgAutostart, exec_value

REPO = Path(__file__).resolve().parents[2]


def _cli(env: dict[str, str], *argv: str) -> tuple[int, str, str]:
    """``python main.py ...`` as a person runs it, in a clean environment of the test's own."""
    full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", **env}
    result = subprocess.run(
        [sys.executable, str(REPO / "main.py"), *argv],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.returncode, result.stdout, result.stderr


def _parsed_exec(path: Path) -> list[str]:
    """The argv GLib would launch (g_desktop_app_info reads Exec, then g_shell_parse_argv)."""
    gi = pytest.importorskip("gi", reason="PyGObject is a Linux runtime dependency (requirements.txt)")
    gi.require_version("GLib", "2.0")
    from gi.repository import GLib

    keyfile = GLib.KeyFile()
    keyfile.load_from_file(str(path), GLib.KeyFileFlags.NONE)
    command = keyfile.get_string("Desktop Entry", "Exec")
    ok, argv = GLib.shell_parse_argv(command.replace("%%", "%"))
    assert ok
    return list(argv)


def test_autostart_on_writes_a_valid_entry_that_launches_this_venv_python_with_main_py(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "HOME": str(tmp_path)}
    code, _out, err = _cli(env, "autostart", "on")
    entry = tmp_path / "config" / "autostart" / "ai-image-studio.desktop"
    assert code == 0
    assert str(entry) in err
    assert _parsed_exec(entry) == [str(Path(sys.executable).absolute()), str(REPO / "main.py")]
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        pytest.fail("desktop-file-validate is missing: apt-get install desktop-file-utils (scripts/install.sh --dev)")
    result = subprocess.run([validator, str(entry)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_status_reports_on_then_off_after_autostart_off_removes_the_file(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "cfg"), "HOME": str(tmp_path)}
    entry = tmp_path / "cfg" / "autostart" / "ai-image-studio.desktop"
    assert _cli(env, "autostart", "status")[1].startswith("off")
    assert _cli(env, "autostart", "on")[0] == 0
    assert _cli(env, "autostart", "status")[1] == f"on  {entry}\n"
    assert _cli(env, "autostart", "off")[0] == 0
    assert not entry.exists()
    assert _cli(env, "autostart", "status")[1].startswith("off")
    # Turning it off twice is not an error.
    assert _cli(env, "autostart", "off")[0] == 0


def test_paths_with_spaces_quotes_dollars_and_percent_survive_the_exec_quoting(tmp_path: Path) -> None:
    odd = tmp_path / 'my $HOME\'s "apps" 100% `x` \\ dir'
    command = (str(odd / "python3"), str(odd / "main.py"), "plain")
    autostart = XdgAutostart({"XDG_CONFIG_HOME": str(tmp_path)})
    autostart.enable(command)
    assert _parsed_exec(autostart.path) == list(command)
    assert autostart.is_enabled()


def test_plain_arguments_are_left_unquoted_and_percent_is_doubled() -> None:
    assert exec_value(["/opt/aiis/ai-image-studio"]) == "/opt/aiis/ai-image-studio"
    assert exec_value(["/a b/p", "50%"]) == '"/a b/p" 50%%'
    assert exec_value(["/x$y"]) == '"/x\\\\$y"'


def test_an_entry_hidden_in_the_desktop_settings_counts_as_off(tmp_path: Path) -> None:
    autostart = XdgAutostart({"XDG_CONFIG_HOME": str(tmp_path)})
    autostart.enable(("/usr/bin/true",))
    text = autostart.path.read_text()
    autostart.path.write_text(text.replace("X-GNOME-Autostart-enabled=true", "X-GNOME-Autostart-enabled=false"))
    assert not autostart.is_enabled()
    autostart.path.write_text(text + "Hidden=true\n")
    assert not autostart.is_enabled()


def test_relative_xdg_config_home_is_ignored_as_the_spec_says(tmp_path: Path) -> None:
    autostart = autostart_for({"XDG_CONFIG_HOME": "relative/cfg", "HOME": str(tmp_path)}, "linux")
    assert autostart.where() == str(tmp_path / ".config" / "autostart" / "ai-image-studio.desktop")


def test_frozen_build_registers_only_the_binary(tmp_path: Path) -> None:
    binary = tmp_path / "ai-image-studio"
    assert launch_command(str(binary), frozen=True) == (str(binary),)
    assert launch_command("/venv/bin/python", frozen=False, main_script=tmp_path / "main.py") == (
        "/venv/bin/python",
        str(tmp_path / "main.py"),
    )
