"""The one-file build as the tray app: it docks in a tray host with the GTK backend, its hotkey
captures, a second start hands its request over, and under an SNI host it is an SNI item.

This is where a freeze that lost pystray's GTK backend, pynput's X backend, the gi typelibs or the
single-instance channel fails: the same steps pass from the checkout in tests/tray/.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.packaging.overlay_probe import overlay_painted
from tests.tray.sni_host import find, sni_host
from tests.tray.tray_session import PATTERN, tray_desktop, wait_for
from tests.virtual_desktop import VirtualDesktop

pytestmark = [pytest.mark.desktop, pytest.mark.timeout(900)]

CROP_BOX = (240, 160, 520, 330)


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    with tray_desktop() as running:
        yield running


def _settings(folder: Path) -> Path:
    config = folder / "settings.yaml"
    config.write_text(
        "active_preset: copy\n"
        'hotkeys: {capture: "<ctrl>+<shift>+e", clipboard: "<ctrl>+<shift>+v"}\n'
        "presets:\n"
        "  - {name: copy, provider: none}\n"
        "output:\n"
        "  mode: both\n"
        f'  folder: "{folder / "out"}"\n'
        '  pattern: "{preset}_{width}x{height}"\n',
        encoding="utf-8",
    )
    return config


def _clipboard_png(desktop: VirtualDesktop) -> bytes:
    result = desktop.run("xclip", "-selection", "clipboard", "-t", "image/png", "-o", check=False, timeout=10)
    return result.stdout if result.returncode == 0 else b""


def _overlay_shown(desktop: VirtualDesktop) -> bool:
    return overlay_painted(desktop.display, PATTERN)


def _docked(desktop: VirtualDesktop) -> bool:
    """Our icon window sits inside trayer's panel (an XEmbed child), as ``xwininfo -tree`` shows."""
    lines = desktop.run("xwininfo", "-root", "-tree").stdout.decode().splitlines()
    for index, line in enumerate(lines):
        if '("panel" "trayer")' in line:
            depth = len(line) - len(line.lstrip())
            for inner in lines[index + 1 :]:
                if inner.strip() and len(inner) - len(inner.lstrip()) <= depth:
                    break
                if '"ai-image-studio"' in inner:
                    return True
    return False


def _drag_and_accept(desktop: VirtualDesktop) -> None:
    left, top, right, bottom = CROP_BOX
    desktop.xdotool("mousemove", str(left), str(top), "mousedown", "1")
    desktop.xdotool("mousemove", str((left + right) // 2), str((top + bottom) // 2))
    desktop.xdotool("mousemove", str(right), str(bottom), "mouseup", "1")
    desktop.xdotool("key", "Return")


@contextlib.contextmanager
def _frozen_tray(
    binary: Path, desktop: VirtualDesktop
) -> Iterator[tuple[subprocess.Popen[bytes], Path, dict[str, str]]]:
    folder = Path(tempfile.mkdtemp(prefix="aiis-frozen-tray-"))
    (folder / "run").mkdir(mode=0o700)
    env = {
        **desktop.env,
        "HOME": str(folder),
        "XDG_RUNTIME_DIR": str(folder / "run"),
        "XDG_CONFIG_HOME": str(folder / "config"),
        "XDG_STATE_HOME": str(folder / "state"),
        "PYSTRAY_BACKEND": "gtk",
    }
    log = folder / "app.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(binary), "-v", "--config", str(_settings(folder))],
            env=env,
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=sink,
        )
    try:
        wait_for(
            lambda: "tray app running" in log.read_text(errors="replace") or process.poll() is not None, 120, "start"
        )
        assert process.poll() is None, log.read_text(errors="replace")[-4000:]
        yield process, folder, env
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        print(log.read_text(errors="replace")[-4000:])  # noqa: T201 - shown by pytest only on failure
        shutil.rmtree(folder, ignore_errors=True)


def test_frozen_tray_docks_and_its_hotkey_copies_and_saves_exactly_the_region(
    frozen_binary: Path, desktop: VirtualDesktop
) -> None:
    expected = PATTERN.crop(CROP_BOX).convert("RGBA")
    with _frozen_tray(frozen_binary, desktop) as (process, folder, _env):
        # GIVEN the icon docked in the tray host
        wait_for(lambda: _docked(desktop), 30, "the icon in trayer")
        # WHEN the capture hotkey is pressed and a region dragged and accepted
        desktop.xdotool("key", "ctrl+shift+e")
        wait_for(lambda: _overlay_shown(desktop), 30, "the selector overlay")
        _drag_and_accept(desktop)
        saved = folder / "out" / f"copy_{expected.width}x{expected.height}.png"
        wait_for(saved.exists, 30, "the saved region")
        wait_for(lambda: bool(_clipboard_png(desktop)), 15, "a PNG on the clipboard")
        clipboard = Image.open(io.BytesIO(_clipboard_png(desktop))).convert("RGBA")
        with Image.open(saved) as image:
            on_disk = image.convert("RGBA")
        process.send_signal(signal.SIGTERM)
        exit_code = process.wait(30)
    # THEN both hold exactly the pattern's pixels, and the app quit cleanly
    assert clipboard.tobytes() == expected.tobytes()
    assert on_disk.tobytes() == expected.tobytes()
    assert exit_code == 0


def test_frozen_capture_command_hands_over_to_the_running_frozen_tray(
    frozen_binary: Path, desktop: VirtualDesktop
) -> None:
    expected = PATTERN.crop(CROP_BOX).convert("RGBA")
    with _frozen_tray(frozen_binary, desktop) as (_process, folder, env):
        handed = subprocess.run(
            [str(frozen_binary), "capture", "--preset", "copy"], env=env, capture_output=True, timeout=120, check=False
        )
        assert handed.returncode == 0, handed.stderr.decode()
        wait_for(lambda: _overlay_shown(desktop), 30, "the selector overlay of the running tray")
        _drag_and_accept(desktop)
        saved = folder / "out" / f"copy_{expected.width}x{expected.height}.png"
        wait_for(saved.exists, 30, "the saved region")
        with Image.open(saved) as image:
            assert image.convert("RGBA").tobytes() == expected.tobytes()


def test_frozen_tray_under_an_sni_host_registers_without_gtk_and_its_menu_saves_the_choice(
    frozen_binary: Path, desktop: VirtualDesktop
) -> None:
    # The freeze must keep jeepney's threaded router (tray/sni_icon.py imports it lazily; ADR 035).
    with (
        sni_host(desktop.env["DBUS_SESSION_BUS_ADDRESS"]) as host,
        _frozen_tray(frozen_binary, desktop) as (
            process,
            folder,
            _env,
        ),
    ):
        service = host.registered()
        maps = Path(f"/proc/{process.pid}/maps").read_text(encoding="utf-8", errors="replace")
        _revision, tree = host.menu(service)
        host.click(service, find(tree, "Output", "Save").id)
        settings = folder / "settings.yaml"
        wait_for(lambda: "mode: save" in settings.read_text(encoding="utf-8"), 15, "the output mode saved")
    assert "libgtk-3" not in maps
    assert find(tree, "Output", "Copy and save").state == 1
