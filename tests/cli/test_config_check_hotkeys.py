"""``config check`` tries the hotkeys where an X display is reachable, and says nothing without one."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.config_defaults import DEFAULT_CONFIG_TEXT
from tests.cli.test_cli import ROOT, run_main
from tests.desktop import VirtualDesktop, virtual_desktop

pytestmark = pytest.mark.desktop


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    with virtual_desktop(320, 240) as desk:
        yield desk


@pytest.fixture
def settings(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(DEFAULT_CONFIG_TEXT, encoding="utf-8")
    return path


def test_with_a_display_and_free_keys_it_says_all_can_be_taken(desktop: VirtualDesktop, settings: Path) -> None:
    result = run_main("--config", str(settings), "config", "check", env=desktop.env)

    assert result.returncode == 0, result.stderr
    assert "hotkeys: all 3 can be taken on this display" in result.stdout


def test_a_hotkey_another_program_holds_is_named_and_the_check_still_passes(
    desktop: VirtualDesktop, settings: Path
) -> None:
    # GIVEN another X client holding Ctrl+Shift+Print (keycode 107 is Print in Xvfb; 5 = Shift|Control)
    holder = subprocess.Popen(
        [sys.executable, "-m", "tests.tray.hotkey_witness", "holder", "107", "5"],
        cwd=ROOT,
        env=desktop.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"

        result = run_main("--config", str(settings), "config", "check", env=desktop.env)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)

    assert result.returncode == 0, result.stderr
    assert (
        "hotkeys: Ctrl+Shift+Print Screen (hotkeys.clipboard) is already taken by another program; "
        "choose another under hotkeys: in the settings file."
    ) in result.stdout
    assert "Ctrl+Print Screen (hotkeys.capture)" not in result.stdout
    assert "quit it, then check again" in result.stdout


def test_without_a_display_it_says_nothing_about_hotkeys(settings: Path) -> None:
    result = run_main("--config", str(settings), "config", "check")

    assert result.returncode == 0, result.stderr
    assert ": OK (" in result.stdout
    assert "hotkeys" not in result.stdout
