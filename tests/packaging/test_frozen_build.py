"""The one-file build really runs: version, providers, keyring, config errors, autostart and a capture.

Each check compares the frozen binary with ``python main.py`` from the checkout where it can, so a
module, backend or data file that the freeze left out shows up as a difference.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.version import __version__
from desktop.autostart.xdg import exec_value
from tests.virtual_desktop import VirtualDesktop

REPO = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.timeout(900)]


def _run(program: list[str], *argv: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*program, *argv], env=env, capture_output=True, text=True, timeout=timeout, check=False)


def _plain_env(tmp_path: Path) -> dict[str, str]:
    """No display, no session bus: what a fresh terminal on a server looks like."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "LANG": "C.UTF-8",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }


def test_frozen_binary_prints_the_version(frozen_binary: Path, tmp_path: Path) -> None:
    result = _run([str(frozen_binary)], "--version", env=_plain_env(tmp_path))
    assert (result.returncode, result.stdout) == (0, f"AI Image Studio {__version__}\n"), result.stderr


def test_frozen_binary_lists_the_same_providers_as_the_checkout(frozen_binary: Path, tmp_path: Path) -> None:
    env = _plain_env(tmp_path)
    frozen = _run([str(frozen_binary)], "providers", env=env)
    source = _run([sys.executable, str(REPO / "main.py")], "providers", env=env)
    assert frozen.returncode == 0, frozen.stderr
    assert frozen.stdout == source.stdout
    assert "openai  OpenAI" in frozen.stdout


def test_frozen_binary_reaches_the_secret_service_keyring(frozen_binary: Path, desktop: VirtualDesktop) -> None:
    # The keyring backends are found through entry points; a freeze without keyring's metadata
    # or its SecretService module falls back to "keyring unavailable".
    result = _run([str(frozen_binary)], "providers", env=desktop.env)
    assert result.returncode == 0, result.stderr
    assert "keyring unavailable" not in result.stdout
    assert "key: not set (python main.py keys set openai)" in result.stdout


def test_frozen_config_check_names_the_bad_line_and_exits_2(frozen_binary: Path, tmp_path: Path) -> None:
    # A YAML syntax error (PyYAML's C or pure parser) and a checked value (our schema), each on a known line.
    broken = tmp_path / "broken.yaml"
    broken.write_text("output:\n  mode: clipboard\npresets: [\n", encoding="utf-8")
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text('output:\n  mode: clipboard\nhotkeys:\n  capture: "<ctrl>+<bogus>"\n', encoding="utf-8")
    for bad in (broken, invalid):
        frozen = _run([str(frozen_binary)], "--config", str(bad), "config", "check", env=_plain_env(tmp_path))
        source = _run(
            [sys.executable, str(REPO / "main.py")], "--config", str(bad), "config", "check", env=_plain_env(tmp_path)
        )
        assert frozen.returncode == 2
        assert (frozen.stdout, frozen.stderr) == (source.stdout, source.stderr)
        assert frozen.stderr.startswith(f"Error: {bad}:4: ")
    assert "hotkeys.capture: '<ctrl>+<bogus>' is not a valid hotkey" in frozen.stderr


def test_frozen_autostart_registers_the_binary_itself(frozen_binary: Path, tmp_path: Path) -> None:
    env = _plain_env(tmp_path)
    assert _run([str(frozen_binary)], "autostart", "on", env=env).returncode == 0
    entry = (tmp_path / "config" / "autostart" / "ai-image-studio.desktop").read_text(encoding="utf-8")
    assert f"Exec={exec_value([str(frozen_binary)])}\n" in entry
    status = _run([str(frozen_binary)], "autostart", "status", env=env)
    assert status.stdout.startswith("on  ")
    assert _run([str(frozen_binary)], "autostart", "off", env=env).returncode == 0


def test_frozen_desktop_entry_installs_the_bundled_icons(frozen_binary: Path, tmp_path: Path) -> None:
    env = _plain_env(tmp_path)
    result = _run([str(frozen_binary)], "install-desktop-entry", env=env)
    assert result.returncode == 0, result.stderr
    icon = tmp_path / "data" / "icons" / "hicolor" / "256x256" / "apps" / "ai-image-studio.png"
    assert icon.read_bytes() == (REPO / "assets" / "icons" / "ai-image-studio-256.png").read_bytes()
