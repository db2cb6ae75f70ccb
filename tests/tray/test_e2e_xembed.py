"""End to end under an XEmbed-only tray: the real ``main.py`` docks its own icon in trayer, without GTK.

GIVEN the private desktop of the other tray tests (Xvfb, D-Bus, keyring) under openbox, with trayer
started by the test (so that it can be restarted) and no StatusNotifierWatcher on the bus. WHEN the
app starts as a person would and is driven with xdotool. THEN it chose ``xembed`` and said so, its
window sits inside trayer's panel, GTK is not mapped into the process, the pixels in the panel are
the state's picture over trayer's background, a right click opens today's menu whose keyboard and
pointer choices reach the app, Esc gives the focus back, and a restarted trayer gets the icon again
(issue 14, docs/adr/040-xembed-tray-icon.md).
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.desktop.capture.screens import paint_root
from tests.tray.test_e2e_sni import in_trayer, mapped
from tests.tray.tray_session import (
    HEIGHT,
    PATTERN,
    WIDTH,
    TrayProcess,
    overlay_shown,
    rss_kib,
    running_tray,
    same_pixels,
    start_trayer,
    wait_for,
)
from tests.virtual_desktop import VirtualDesktop, _stop, virtual_desktop
from tray.icon import IconImages, State
from tray.xembed_pixels import icon_canvas

pytestmark = pytest.mark.desktop

ICON_CLASS = "^AiisTrayIcon$"


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    with virtual_desktop(WIDTH, HEIGHT, keyring=True, wm="openbox") as running:
        paint_root(running.display, PATTERN)
        yield running


@pytest.fixture
def trayer(desktop: VirtualDesktop) -> Iterator[list[subprocess.Popen[bytes]]]:
    """The running trayer, as a one-item list a test may swap for a restarted one."""
    hosts = [start_trayer(desktop)]
    yield hosts
    for host in hosts:
        _stop(host)


def icon_visible(desktop: VirtualDesktop) -> bool:
    return bool(desktop.run("xdotool", "search", "--onlyvisible", "--class", ICON_CLASS, check=False).stdout.strip())


def icon_window(desktop: VirtualDesktop) -> tuple[int, int, int, int]:
    """Root x, y, width and height of our icon window (its own class, tray/xembed_icon.py)."""
    found = desktop.run("xdotool", "search", "--onlyvisible", "--class", ICON_CLASS, check=False).stdout.split()
    assert found, "our icon window is not visible"
    out = desktop.xdotool("getwindowgeometry", "--shell", found[0].decode())
    values = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])


def screen(desktop: VirtualDesktop) -> Image.Image:
    path = Path(tempfile.mkdtemp(prefix="aiis-xembed-")) / "screen.png"
    desktop.run("import", "-window", "root", str(path))
    return Image.open(path).convert("RGB")


def shows_state(desktop: VirtualDesktop, state: State) -> bool:
    """The icon's pixels are ``state``'s picture drawn over trayer's own background, pixel for pixel."""
    x, y, width, height = icon_window(desktop)
    shot = screen(desktop)
    # trayer's panel is one flat colour; its top left corner is never under an icon (they sit right).
    background = shot.getpixel((WIDTH - 200 + 1, 1))
    assert isinstance(background, tuple)
    expected = Image.alpha_composite(
        Image.new("RGBA", (width, height), (*background, 255)), icon_canvas(IconImages()[state], (width, height))
    ).convert("RGB")
    return same_pixels(shot.crop((x, y, x + width, y + height)).convert("RGBA"), expected.convert("RGBA"))


def focused(desktop: VirtualDesktop) -> str:
    return desktop.run("xdotool", "getwindowfocus", check=False).stdout.decode().strip()


def menu_open(desktop: VirtualDesktop) -> bool:
    result = desktop.run("xdotool", "search", "--onlyvisible", "--class", "^Menu$", check=False)
    return bool(result.stdout.strip())


def right_click_icon(tray: TrayProcess) -> None:
    x, y, width, height = icon_window(tray.desktop)
    shown = tray.log.count("tray menu shown")
    tray.xdotool("mousemove", str(x + width // 2), str(y + height // 2), "click", "3")
    wait_for(lambda: tray.log.count("tray menu shown") > shown and menu_open(tray.desktop), 10, "the tray menu")


def test_under_trayer_the_app_docks_its_own_icon_without_gtk_and_its_pixels_follow_the_state(
    desktop: VirtualDesktop, trayer: list[subprocess.Popen[bytes]]
) -> None:
    with running_tray(desktop, "http://127.0.0.1:9/v1") as tray:
        tray.wait_log("tray icon shown through xembed")
        wait_for(lambda: in_trayer(desktop), 10, "our icon inside trayer's panel")
        assert not mapped(tray.process.pid, "libgtk-3"), "GTK was loaded although our XEmbed icon is shown"
        assert not mapped(tray.process.pid, "libgdk"), "GDK was loaded although our XEmbed icon is shown"
        wait_for(lambda: shows_state(desktop, "idle"), 10, "the idle picture in the panel")
        print(f"idle RSS under trayer with our XEmbed icon: {rss_kib(tray.process.pid) / 1024:.1f} MiB")  # noqa: T201

        # WHEN a job fails (nothing listens at the provider's address): THEN the error picture.
        tray.xdotool("key", "ctrl+shift+e")
        wait_for(lambda: overlay_shown(tray), 10, "the overlay")
        tray.drag((300, 200), (500, 350))
        tray.xdotool("key", "Return")
        tray.wait_log("prompt bar has the focus")
        tray.xdotool("type", "night")
        tray.xdotool("key", "Return")
        wait_for(lambda: shows_state(desktop, "error"), 20, "the error picture in the panel")


def test_a_right_click_opens_todays_menu_and_keyboard_and_pointer_choices_reach_the_app(
    desktop: VirtualDesktop, trayer: list[subprocess.Popen[bytes]]
) -> None:
    witness = subprocess.Popen(
        ["xterm", "-geometry", "40x10+100+100", "-title", "xembed witness"],
        env=desktop.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with running_tray(desktop, "http://127.0.0.1:9/v1") as tray:
            tray.wait_log("tray icon shown through xembed")
            wait_for(lambda: in_trayer(desktop), 10, "our icon inside trayer's panel")
            terminal = tray.window("xembed witness")
            desktop.xdotool("windowactivate", "--sync", terminal)
            wait_for(lambda: focused(desktop) == terminal, 10, "the terminal focused")

            # Esc closes the menu, and the terminal that had the focus has it again.
            right_click_icon(tray)
            tray.xdotool("key", "Escape")
            wait_for(lambda: not menu_open(desktop), 10, "the menu closed by Esc")
            assert focused(desktop) == terminal

            # The keyboard: Down to Output (the 7th choosable row), Right into it, Down to Save, Enter.
            right_click_icon(tray)
            tray.xdotool("key", *(["Down"] * 7), "Right", "Down", "Return")
            wait_for(lambda: "mode: save" in tray.config.read_text(encoding="utf-8"), 10, "output mode saved")
            assert "# test settings" in tray.config.read_text(encoding="utf-8")
            wait_for(lambda: not menu_open(desktop), 10, "the menu closed by the choice")
            assert focused(desktop) == terminal

            # The pointer: the first row, Capture region, opens the overlay.
            right_click_icon(tray)
            menus = desktop.run("xdotool", "search", "--onlyvisible", "--class", "^Menu$").stdout.split()
            out = desktop.xdotool("getwindowgeometry", "--shell", menus[0].decode())
            geometry = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
            tray.xdotool("mousemove", str(int(geometry["X"]) + 30), str(int(geometry["Y"]) + 10), "click", "1")
            wait_for(lambda: overlay_shown(tray), 10, "the overlay from the menu's Capture region")
            tray.xdotool("key", "Escape")
            wait_for(lambda: not overlay_shown(tray), 10, "the overlay to close")

            # A left click on the icon is the default item, Capture, as pystray's default action was.
            x, y, width, height = icon_window(desktop)
            tray.xdotool("mousemove", str(x + width // 2), str(y + height // 2), "click", "1")
            wait_for(lambda: overlay_shown(tray), 10, "the overlay after a left click")
            tray.xdotool("key", "Escape")
            wait_for(lambda: not overlay_shown(tray), 10, "the overlay to close")
    finally:
        _stop(witness)


def test_when_trayer_restarts_the_icon_docks_in_the_new_one(
    desktop: VirtualDesktop, trayer: list[subprocess.Popen[bytes]]
) -> None:
    with running_tray(desktop, "http://127.0.0.1:9/v1") as tray:
        tray.wait_log("tray icon shown through xembed")
        wait_for(lambda: in_trayer(desktop), 10, "our icon inside trayer's panel")
        # WHEN trayer quits and a new one starts
        _stop(trayer.pop())
        tray.wait_log("the XEmbed tray went away")
        wait_for(lambda: not in_trayer(desktop), 10, "the old panel gone")
        # The dead panel's save-set hands our window back to the root, mapped: it must not show there.
        wait_for(lambda: not icon_visible(desktop), 5, "our icon off the desktop (the dead panel's save-set)")
        trayer.append(start_trayer(desktop))
        # THEN the icon docks in the new panel, shows its picture, and no stray window is left on the desktop
        tray.wait_log("docking again")
        wait_for(lambda: in_trayer(desktop), 10, "our icon inside the new trayer")
        wait_for(lambda: shows_state(desktop, "idle"), 10, "the idle picture in the new panel")
        assert tray.process.poll() is None
        assert "no XEmbed tray came back" not in tray.log
