"""End to end, the app's life: idle cost, hand-offs from a second start, and Quit from the tray menu.

Same set-up as ``test_e2e_tray.py``: a private desktop with a tray host, ``main.py`` started as a
person would, driven with plain xdotool input.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tray.tray_session import (
    CROP_BOX,
    END,
    PATTERN,
    PYTHON,
    QUIT_KEYS,
    REPO,
    START,
    cpu_ticks,
    descendants,
    open_tray_menu,
    overlay_shown,
    png_pixels,
    running_tray,
    same_pixels,
    tray_desktop,
    wait_for,
)
from tests.virtual_desktop import VirtualDesktop

pytestmark = pytest.mark.desktop

IDLE_SECONDS = 10


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    with tray_desktop() as running:
        yield running


def test_an_idle_tray_uses_no_cpu(desktop: VirtualDesktop) -> None:
    # No timer polls the event queue or the settings file (docs/adr/005-threading-model.md).
    with running_tray(desktop, "http://127.0.0.1:9/v1") as tray:
        time.sleep(1.0)
        before = cpu_ticks(tray.process.pid)
        time.sleep(IDLE_SECONDS)
        used = cpu_ticks(tray.process.pid) - before
        assert tray.stop() == 0
    assert used <= 1, f"{used} CPU ticks in {IDLE_SECONDS} s idle"


def test_second_instance_hands_over_and_exits_0(desktop: VirtualDesktop) -> None:
    with running_tray(desktop, "http://127.0.0.1:9/v1") as tray:
        second = subprocess.run(
            [str(PYTHON), str(REPO / "main.py"), "--config", str(tray.config)],
            env=tray.env,
            capture_output=True,
            timeout=30,
            check=False,
        )
        tray.wait_log("accepted a hand-off request: activate")
        assert tray.process.poll() is None, "the first instance keeps running"
        assert tray.stop() == 0
    assert second.returncode == 0
    assert b"already running" in second.stderr


def test_capture_command_hands_over_and_the_tray_copies_exactly_the_region(desktop: VirtualDesktop) -> None:
    with running_tray(desktop, "http://127.0.0.1:9/v1") as tray:
        handed = subprocess.run(
            [str(PYTHON), str(REPO / "main.py"), "--config", str(tray.config), "capture", "--preset", "copy"],
            env=tray.env,
            capture_output=True,
            timeout=30,
            check=False,
        )
        wait_for(lambda: overlay_shown(tray), 10, "the selector overlay")
        tray.drag(START, END)
        tray.xdotool("key", "Return")
        saved = tray.folder / "out" / "copy_200x150.png"
        wait_for(saved.exists, 10, "the saved region")
        tray.wait_log("delivered a")  # saved first, copied next: wait for both
        wait_for(lambda: bool(tray.clipboard("image/png")), 10, "a PNG on the clipboard")
        clipboard = png_pixels(tray.clipboard("image/png"))
        assert tray.stop() == 0
    assert handed.returncode == 0, handed.stderr
    expected = PATTERN.crop(CROP_BOX).convert("RGBA")
    assert same_pixels(clipboard, expected)
    assert same_pixels(png_pixels(saved.read_bytes()), expected)
    assert "capture requested: screen, preset copy" in tray.log


def test_quit_from_the_tray_menu_leaves_no_process_and_no_temporary_file(desktop: VirtualDesktop) -> None:
    with running_tray(desktop, "http://127.0.0.1:9/v1") as tray:
        children = descendants(tray.process.pid)
        open_tray_menu(tray)
        tray.xdotool("key", *QUIT_KEYS)
        exit_code = tray.process.wait(15)
    assert exit_code == 0
    assert "quitting" in tray.log
    leftovers = [pid for pid in children if Path(f"/proc/{pid}").exists()]
    assert leftovers == []
    assert list((tray.folder / "tmp").iterdir()) == []
    assert not (tray.folder / "run" / "ai-image-studio" / "tray.sock").exists()


def test_a_killed_tray_leaves_nothing_in_the_temp_folder_and_the_next_start_cleans_up(
    desktop: VirtualDesktop,
) -> None:
    # Pinned to pystray's Gtk.StatusIcon: only the GTK backends write an icon file (issue 6).
    with running_tray(desktop, "http://127.0.0.1:9/v1", tray_method="gtk-statusicon") as tray:
        icons = tray.folder / "run" / "ai-image-studio" / "icons"
        wait_for(lambda: any(icons.glob("tray-icon-*.png")), 10, "the tray icon's file")
        tray.process.kill()
        tray.process.wait(10)
        stale = sorted(icons.glob("tray-icon-*.png"))
        assert list((tray.folder / "tmp").iterdir()) == []
        again = subprocess.Popen(
            [str(PYTHON), str(REPO / "main.py"), "-v", "--config", str(tray.config)],
            env=tray.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(lambda: any(path not in stale for path in icons.glob("tray-icon-*.png")), 15, "a new icon file")
            remaining = sorted(icons.glob("tray-icon-*.png"))
        finally:
            again.terminate()
            assert again.wait(15) == 0
    assert stale
    assert not set(stale) & set(remaining), "the killed tray's icon file is removed at the next start"
    assert list(icons.iterdir()) == []
