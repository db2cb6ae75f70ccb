"""The StatusNotifierItem tray icon, as a host on a real bus sees it (issue 14, ADR 035).

GIVEN a private dbus-daemon with the test watcher+host (tests/tray/sni_host.py) on it, and our
``SniIcon`` registered there. WHEN the host reads the item and its dbusmenu and clicks through it
as a panel does. THEN what it reads is today's ``build_menu`` output and today's icon pictures, and
its clicks arrive as the same ``MenuCommand``s pystray's menu posts.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest

from core.errors import TrayIconError
from desktop.methods import usable
from tests.tray.sni_host import Entry, SniHost, find, private_bus, sni_host
from tests.tray.test_menu import state
from tests.tray.tray_session import wait_for
from tray import menu
from tray.events import MenuCommand
from tray.icon import IconImages
from tray.menu import MenuItem, build_menu
from tray.sni_icon import SniIcon, watcher_present
from tray.sni_item import argb_pixmaps
from tray.tray_choice import TRAY, ChosenTray, known_methods

IMAGES = IconImages()
MODELS = (
    MenuItem("gpt-image-2.6-flare", "model", "openai\tgpt-image-2.6-flare", checked=True, radio=True),
    MenuItem("gpt_image_1 (shut down 2026-01-01)", "model", "openai\tgpt_image_1", checked=False, radio=True),
    MenuItem("(built-in list: the provider could not be asked yet)", enabled=False),
)


def expected(items: tuple[MenuItem, ...]) -> list[tuple[object, ...]]:
    """What a host should show for ``items``: label, toggle, state, enabled, separator, children."""
    rows: list[tuple[object, ...]] = []
    for item in items:
        toggle = "radio" if item.radio else "checkmark" if item.checked is not None else ""
        state_ = (1 if item.checked else 0) if toggle else -1
        label = "" if item.is_separator else item.label
        rows.append((label, toggle, state_, item.enabled, item.is_separator, expected(item.children)))
    return rows


def seen(tree: Entry) -> list[tuple[object, ...]]:
    return [
        (child.label, child.toggle, child.state, child.enabled, child.separator, seen(child)) for child in tree.children
    ]


class Recorder:
    """Stands in for the next tray method (pystray needs a display): records what it was asked to show."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, object]] = []
        self.menu_shown = threading.Event()

    def start(self) -> None:
        self.shown.append(("start", None))

    def show_state(self, state_: str) -> None:
        self.shown.append(("state", state_))

    def show_menu(self, items: tuple[MenuItem, ...]) -> None:
        self.shown.append(("menu", items))
        self.menu_shown.set()

    def stop(self) -> None:
        self.shown.append(("stop", None))


@pytest.fixture
def bus() -> Iterator[str]:
    with private_bus() as address:
        yield address


@pytest.fixture
def host(bus: str) -> Iterator[SniHost]:
    with sni_host(bus) as running:
        yield running


@pytest.fixture
def posted() -> list[MenuCommand]:
    return []


@pytest.fixture
def icon(bus: str, host: SniHost, posted: list[MenuCommand]) -> Iterator[SniIcon]:
    del host  # the watcher must be there before the item registers
    item = SniIcon(bus, IMAGES, posted.append)
    item.start()
    try:
        yield item
    finally:
        item.stop()


def test_the_menu_a_host_reads_is_todays_build_menu_with_radios_checks_submenus_and_disabled_rows(
    host: SniHost, icon: SniIcon
) -> None:
    items = build_menu(state(models=MODELS, remove_background_after=True, presets=()))
    icon.show_menu(items)
    _revision, tree = host.menu(host.registered())
    assert seen(tree) == expected(items)
    assert find(tree, "Model", "gpt_image_1").label == "gpt_image_1 (shut down 2026-01-01)"  # "_" kept as written
    assert find(tree, "Remove background").toggle == "checkmark"
    assert find(tree, "Preset", "(no presets").enabled is False


def test_clicks_through_dbusmenu_post_the_same_commands_as_the_pystray_menu(
    host: SniHost, icon: SniIcon, posted: list[MenuCommand]
) -> None:
    icon.show_menu(build_menu(state()))
    service = host.registered()
    _revision, tree = host.menu(service)
    host.click(service, find(tree, "Provider", "Google Gemini").id)
    host.click(service, find(tree, "Output", "Save").id)
    host.click(service, find(tree, "Provider").id)  # a submenu's row does nothing
    host.click(service, find(tree, "Quit").id)
    host.activate(service)  # a left click on the icon: the default item, Capture
    assert posted == [
        MenuCommand(menu.PROVIDER, "google"),
        MenuCommand(menu.OUTPUT, "save"),
        MenuCommand(menu.QUIT, ""),
        MenuCommand(menu.CAPTURE, ""),
    ]


def test_the_icon_pixmap_is_todays_picture_and_changes_with_the_state(host: SniHost, icon: SniIcon) -> None:
    service = host.registered()
    assert [tuple(p) for p in host.item_property(service, "IconPixmap")] == argb_pixmaps(IMAGES["idle"])
    width, height, data = host.item_property(service, "IconPixmap")[-1]
    # ARGB32, network byte order: the first pixel (a transparent corner) starts with alpha 0.
    assert (width, height, len(data), data[0]) == (64, 64, 64 * 64 * 4, 0)
    icon.show_state("error")
    host.signal("NewIcon")
    error_pixmaps = [tuple(p) for p in host.item_property(service, "IconPixmap")]
    assert error_pixmaps == argb_pixmaps(IMAGES["error"]) != argb_pixmaps(IMAGES["idle"])
    assert host.item_property(service, "ToolTip")[2] == "AI Image Studio: last job failed"


def test_a_changed_menu_sends_layout_updated_with_the_new_revision_and_an_unchanged_one_sends_nothing(
    host: SniHost, icon: SniIcon
) -> None:
    service = host.registered()
    icon.show_menu(build_menu(state()))
    first, _ = host.signal("LayoutUpdated")
    icon.show_menu(build_menu(state()))
    icon.show_menu(build_menu(state(provider="google")))
    second, parent = host.signal("LayoutUpdated")
    revision, tree = host.menu(service)
    assert (second, parent, revision) == (first + 1, 0, second)
    assert find(tree, "Provider", "Google Gemini").state == 1


def test_a_restarted_watcher_gets_the_item_registered_again_even_when_it_reads_the_item_first(
    bus: str, host: SniHost, icon: SniIcon, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="tray.sni_icon")
    host.registered()
    host.close()  # the panel restarts: its watcher name leaves the bus, then a new owner takes it
    with sni_host(bus, read_before_reply=True) as restarted:
        assert restarted.registered() == icon.bus_name
        # Our side's call must have been answered, not timed out while the watcher waited on us.
        wait_for(lambda: any("registered again" in r.message or "refused" in r.message for r in caplog.records), 10, "")
        assert "tray icon registered again with a new StatusNotifierWatcher" in caplog.text


def test_a_watcher_leaving_the_bus_hands_the_icon_to_the_next_method_with_the_last_state_and_menu(bus: str) -> None:
    recorder = Recorder()

    class Sni:
        name, install_hint = "sni", ""

        def build(self, images: IconImages, post: object, on_lost: object) -> SniIcon:
            return SniIcon(bus, images, lambda _command: None, on_lost)  # type: ignore[arg-type]

    class Next:
        name, install_hint = "gtk", ""

        def build(self, images: IconImages, post: object, on_lost: object) -> Recorder:
            return recorder

    items = build_menu(state())
    host = SniHost(bus)
    tray = ChosenTray([Sni(), Next()], IMAGES, lambda _command: None)  # type: ignore[list-item]
    tray.start()
    tray.show_state("busy")
    tray.show_menu(items)
    assert tray.method == "sni"
    host.close()  # the panel quits: its name leaves the bus
    assert recorder.menu_shown.wait(10), "the next method never got the menu"
    assert tray.method == "gtk"
    assert recorder.shown[:3] == [("start", None), ("state", "busy"), ("menu", items)]
    tray.stop()


def test_when_the_watcher_refuses_the_item_the_next_method_shows_the_icon(bus: str) -> None:
    recorder = Recorder()

    class Refusing:
        name, install_hint = "sni", ""

        def build(self, images: IconImages, post: object, on_lost: object) -> SniIcon:
            return SniIcon(bus, images, lambda _command: None)  # no watcher on this bus: Register fails

    class Next:
        name, install_hint = "gtk", ""

        def build(self, images: IconImages, post: object, on_lost: object) -> Recorder:
            return recorder

    tray = ChosenTray([Refusing(), Next()], IMAGES, lambda _command: None)  # type: ignore[list-item]
    tray.start()
    assert (tray.method, recorder.shown) == ("gtk", [("start", None), ("state", "idle")])


def test_the_choice_is_sni_when_a_watcher_owns_its_name_else_gtk_and_aiis_tray_pins(bus: str) -> None:
    env = {"DBUS_SESSION_BUS_ADDRESS": bus}
    assert not watcher_present(bus)
    assert [method.name for method in usable(known_methods(env, None), TRAY, env)][:1] == ["gtk"]
    with sni_host(bus):
        assert watcher_present(bus)
        assert usable(known_methods(env, None), TRAY, env)[0].name == "sni"
        pinned = {**env, "AIIS_TRAY": "gtk-statusicon"}
        assert usable(known_methods(pinned, None), TRAY, pinned)[0].name == "gtk-statusicon"
    with pytest.raises(TrayIconError, match="AIIS_TRAY=tk names no tray icon method"):
        usable(known_methods(env, None), TRAY, {**env, "AIIS_TRAY": "tk"})


def test_an_item_with_no_watcher_on_the_bus_is_refused_in_plain_words(bus: str) -> None:
    item = SniIcon(bus, IMAGES, lambda _command: None)
    with pytest.raises(TrayIconError, match="The session bus refused the tray icon"):
        item.start()
