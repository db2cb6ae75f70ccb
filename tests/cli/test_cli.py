"""The command line as a person runs it: a real process, its output and its exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from core.version import __version__
from tests.desktop import VirtualDesktop

ROOT = Path(__file__).resolve().parents[2]


def run_main(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8"}
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        env=env or base,
        input=stdin,
        timeout=60,
        check=False,
        cwd=ROOT,
    )


def test_version_prints_and_exits_0() -> None:
    result = run_main("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_help_lists_every_command() -> None:
    result = run_main("--help")
    assert result.returncode == 0
    for command in ("capture", "edit", "keys", "config", "providers", "--config", "--version"):
        assert command in result.stdout


def test_unknown_command_is_a_usage_error_with_exit_2() -> None:
    result = run_main("paint")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_config_check_names_line_7_of_a_bad_hotkey_and_exits_2(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        "# my settings\ndefault_provider: openai\nproviders:\n  openai: {model: gpt-image-2.6-flare}\n"
        "presets:\n  - {name: copy, provider: none}\nhotkeys: {capture: '<ctrl>+<bogus>'}\n"
    )
    result = run_main("--config", str(config), "config", "check")
    assert result.returncode == 2
    assert f"{config}:7: hotkeys.capture: '<ctrl>+<bogus>' is not a valid hotkey" in result.stderr


def test_config_check_accepts_the_environment_variable_and_a_good_file(tmp_path: Path) -> None:
    config = tmp_path / "good.yaml"
    config.write_text("default_provider: google\n")
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "AIIS_CONFIG": str(config)}
    result = run_main("config", "check", env=env)
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout
    assert "default provider google" in result.stdout


def test_config_path_follows_xdg_config_home(tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    result = run_main("config", "path", env=env)
    assert result.stdout.strip() == str(tmp_path / "cfg" / "ai-image-studio" / "config.yaml")


def test_keys_are_stored_listed_masked_and_deleted_in_the_real_keyring(desktop: VirtualDesktop) -> None:
    key = "sk-test-abcdefghijklmnop0123456789wxyz"
    env = dict(desktop.env)
    stored = run_main("keys", "set", "openai", env=env, stdin=key + "\n")
    assert stored.returncode == 0, stored.stderr
    assert key not in stored.stderr + stored.stdout
    listed = run_main("keys", "list", env=env)
    assert listed.returncode == 0
    line = next(row for row in listed.stdout.splitlines() if row.startswith("openai "))
    assert "OS keyring" in line
    assert "sk-...wxyz" in line
    assert key not in listed.stdout
    # The key really is in the Secret Service, under our service name.
    lookup = desktop.run("secret-tool", "lookup", "service", "ai-image-studio", "username", "openai", check=False)
    assert lookup.stdout.decode().strip() == key
    deleted = run_main("keys", "delete", "openai", env=env)
    assert deleted.returncode == 0
    assert "not set" in next(
        r for r in run_main("keys", "list", env=env).stdout.splitlines() if r.startswith("openai ")
    )


def test_keys_list_shows_environment_keys_masked_and_never_whole(tmp_path: Path) -> None:
    key = "AIzaSyFAKEFAKEFAKEFAKE1234"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "GOOGLE_API_KEY": key,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    result = run_main("keys", "list", env=env)
    assert result.returncode == 0
    line = next(row for row in result.stdout.splitlines() if row.startswith("google "))
    assert "environment (GOOGLE_API_KEY)" in line
    assert "AIz...1234" in line
    assert key not in result.stdout + result.stderr


def test_keys_set_without_a_keyring_says_how_to_fix_it_and_exits_2(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    result = run_main("keys", "set", "openai", env=env, stdin="sk-abc-0123456789abcdef\n")
    assert result.returncode == 2
    assert "No OS keyring is available" in result.stderr
    assert "sk-abc-0123456789abcdef" not in result.stderr


def test_a_pinned_capture_method_that_does_not_exist_is_named_with_the_known_ones(tmp_path: Path) -> None:
    # GIVEN --capture naming a method this build does not have, WHEN a capture starts
    result = run_main("--capture", "scrot", "capture", "--output", str(tmp_path / "out.png"))
    # THEN it says which methods there are, before any window, and writes nothing
    assert result.returncode == 1
    assert (
        "AIIS_CAPTURE=scrot names no screen capture method; known: x11, grim, xdg-desktop-portal, windows, macos"
        in result.stderr
    )
    assert list(tmp_path.iterdir()) == []
