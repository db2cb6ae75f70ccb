"""End to end under a StatusNotifierItem host: the real ``main.py`` registers its item, and no GTK is loaded.

GIVEN the private desktop of the other tray tests (Xvfb, D-Bus, keyring, trayer) and the test
watcher+host (tests/tray/sni_host.py) owning org.kde.StatusNotifierWatcher on its bus. WHEN the app
starts as a person would and the host reads and clicks its menu as a panel does. THEN the app chose
``sni`` and said so, GTK is not mapped into the process, the menu is today's, and the clicks change
the settings file, open the overlay and quit the app (issue 14, ADR 035).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tray.sni_host import SniHost, find, sni_host
from tests.tray.tray_session import overlay_shown, running_tray, tray_desktop, wait_for
from tests.virtual_desktop import VirtualDesktop
from tray.icon import IconImages
from tray.sni_item import argb_pixmaps

pytestmark = pytest.mark.desktop

TOP_LEVEL = (
    "Capture region",
    "Edit clipboard image",
    "Open image...",
    "",
    "Provider",
    "Model",
    "Preset",
    "Output",
    "Remove background afterwards",
    "",
    "Set API key...",
    "Open output folder",
    "History...",
    "Edit settings",
    "Start at login",
    "About and privacy",
    "",
    "Quit",
)


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    with tray_desktop() as running:
        yield running


@pytest.fixture
def host(desktop: VirtualDesktop) -> Iterator[SniHost]:
    with sni_host(desktop.env["DBUS_SESSION_BUS_ADDRESS"]) as running:
        yield running


def mapped(pid: int, library: str) -> bool:
    return library in Path(f"/proc/{pid}/maps").read_text(encoding="utf-8", errors="replace")


def test_under_an_sni_host_the_app_shows_todays_menu_without_gtk_and_its_clicks_reach_the_app(
    desktop: VirtualDesktop, host: SniHost
) -> None:
    with running_tray(desktop, "http://127.0.0.1:9/v1") as tray:
        service = host.registered()
        tray.wait_log("tray icon through sni")
        assert not mapped(tray.process.pid, "libgtk-3"), "GTK was loaded although the SNI item is shown"
        assert [tuple(p) for p in host.item_property(service, "IconPixmap")] == argb_pixmaps(IconImages()["idle"])

        _revision, tree = host.menu(service)
        labels = tuple(child.label.split("    ")[0] for child in tree.children)
        assert labels[: len(TOP_LEVEL)] == TOP_LEVEL
        assert find(tree, "Output", "Copy and save").state == 1
        assert find(tree, "Preset", "restyle").state == 1
        assert find(tree, "Capture region").label.endswith("Ctrl+Shift+E")

        # WHEN the person picks Output > Save and Preset > copy in the host's menu
        host.drain_signals()
        host.click(service, find(tree, "Output", "Save").id)
        wait_for(lambda: "mode: save" in tray.config.read_text(encoding="utf-8"), 10, "output mode saved")
        host.signal("LayoutUpdated")
        host.click(service, find(tree, "Preset", "copy").id)
        wait_for(lambda: "active_preset: copy" in tray.config.read_text(encoding="utf-8"), 10, "preset saved")
        wait_for(lambda: find(host.menu(service)[1], "Preset", "copy").state == 1, 10, "the new radio state")
        assert find(host.menu(service)[1], "Output", "Save").state == 1
        assert "# test settings" in tray.config.read_text(encoding="utf-8")  # comments kept, as from pystray's menu

        # A left click on the icon is the default item, Capture: the overlay opens.
        host.activate(service)
        wait_for(lambda: overlay_shown(tray), 10, "the overlay after Activate")
        tray.xdotool("key", "Escape")
        wait_for(lambda: not overlay_shown(tray), 10, "the overlay to close")

        host.click(service, find(host.menu(service)[1], "Quit").id)
        assert tray.process.wait(15) == 0


def in_trayer(desktop: VirtualDesktop) -> bool:
    """Some window of ours sits inside trayer's panel (XEmbed), as ``xwininfo -tree`` shows it.

    GTK names its icon window after the program (``main.py`` from the checkout); ours is named
    ``ai-image-studio`` (tray/xembed_icon.py).
    """
    lines = desktop.run("xwininfo", "-root", "-tree").stdout.decode().splitlines()
    for index, line in enumerate(lines):
        if '("panel" "trayer")' in line:
            depth = len(line) - len(line.lstrip())
            for inner in lines[index + 1 :]:
                if inner.strip() and len(inner) - len(inner.lstrip()) <= depth:
                    break
                if '"main.py"' in inner or '"ai-image-studio"' in inner:
                    return True
    return False


def test_when_the_sni_host_quits_the_icon_docks_in_the_xembed_tray_and_the_app_runs_on(desktop: VirtualDesktop) -> None:
    host = SniHost(desktop.env["DBUS_SESSION_BUS_ADDRESS"])
    try:
        with running_tray(desktop, "http://127.0.0.1:9/v1") as tray:
            host.registered()
            tray.wait_log("tray icon shown through sni")
            assert not in_trayer(desktop)
            # WHEN the panel hosting the item quits (its watcher name leaves the bus)
            host.close()
            # THEN our XEmbed icon takes over and docks in trayer, still without GTK, and the app runs on
            tray.wait_log("tray icon shown through xembed")
            wait_for(lambda: in_trayer(desktop), 15, "the XEmbed icon docked in trayer")
            assert tray.process.poll() is None
            assert not mapped(tray.process.pid, "libgtk-3")
            assert tray.stop() == 0
    finally:
        host.close()
