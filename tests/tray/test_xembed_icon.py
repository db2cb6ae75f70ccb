"""Our XEmbed tray icon in this process, against a real trayer on Xvfb, and its pixels and menu as data.

The end-to-end tests (test_e2e_xembed.py) drive ``main.py``; these pin what is easier to see from
inside: the Tk popup menu is exactly ``build_menu``'s tree (labels, radios, ticks, submenus,
disabled rows, the default item, the command each row posts), the pixels for an ARGB tray are
premultiplied, and a tray that goes for good hands the icon to the next method, as the SNI item
does when its watcher leaves (docs/adr/040-xembed-tray-icon.md).
"""

from __future__ import annotations

import threading
import time
import tkinter as tk
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from PIL import Image

from tests.overlay.tk_helpers import root  # noqa: F401 - the fixture
from tests.tray.test_menu import state
from tests.tray.test_sni_icon import MODELS, Recorder
from tests.tray.tray_session import start_trayer, wait_for
from tests.virtual_desktop import VirtualDesktop, _stop, virtual_desktop
from tray import menu
from tray.events import Event, MenuCommand, TrayMenuRequested
from tray.icon import IconImages
from tray.menu import SEPARATOR, MenuItem, build_menu
from tray.tk_menu import HOTKEY_GAP, TrayPopup
from tray.tray_choice import ChosenTray
from tray.xembed_icon import XEmbedIcon, default_command
from tray.xembed_pixels import icon_canvas, window_pixels
from tray.xembed_window import manager_present

pytestmark = pytest.mark.desktop

LSB = SimpleNamespace(image_byte_order=0)


# Session scope: Tk keeps every display it opened, and one that went away kills a later update().
@pytest.fixture(scope="session")
def xembed_desktop() -> Iterator[VirtualDesktop]:
    with virtual_desktop(640, 480, wm="openbox") as running:
        yield running


@pytest.fixture(name="desktop")
def desktop_fixture(xembed_desktop: VirtualDesktop) -> VirtualDesktop:
    return xembed_desktop


def read_back(popup: tk.Menu, posted: list[Event]) -> tuple[MenuItem, ...]:
    """The Tk menu as ``MenuItem`` again: states read first, then each row invoked for its command."""
    rows = []
    for index in range(int(popup.index("end") or 0) + 1):
        kind = popup.type(index)
        if kind == "separator":
            rows.append((index, SEPARATOR))
            continue
        label, hotkey = popup.entrycget(index, "label"), popup.entrycget(index, "accelerator")
        fields: dict[str, object] = {
            "label": f"{label}{HOTKEY_GAP}{hotkey}" if hotkey else label,
            "enabled": popup.entrycget(index, "state") != "disabled",
            "default": bool(popup.entrycget(index, "font")),
        }
        if kind == "cascade":
            fields["children"] = read_back(popup.nametowidget(popup.entrycget(index, "menu")), posted)
        elif kind == "radiobutton":
            fields["radio"] = True
            fields["value"] = popup.entrycget(index, "value")
            fields["checked"] = popup.getvar(popup.entrycget(index, "variable")) == fields["value"]
        elif kind == "checkbutton":
            fields["checked"] = bool(popup.getvar(popup.entrycget(index, "variable")))
        rows.append((index, MenuItem(**fields)))  # type: ignore[arg-type]
    items = []
    for index, row in rows:
        if row.is_separator or row.children or not row.enabled:
            items.append(row)
            continue
        before = len(posted)
        popup.invoke(index)
        command = posted[before] if len(posted) > before else MenuCommand("")
        assert isinstance(command, MenuCommand)
        value = row.value if row.radio else command.value
        items.append(MenuItem(**{**row.__dict__, "action": command.action, "value": value}))
    return tuple(items)


@pytest.mark.parametrize(
    "menu_state",
    [
        state(models=MODELS, remove_background_after=True, presets=()),
        state(start_at_login=None, running_jobs=2, spent="Spent this session: about $0.31"),
    ],
    ids=["models-no-presets", "no-login-spent-label"],
)
def test_the_popup_menu_is_exactly_build_menus_tree_and_each_row_posts_its_command(
    root: tk.Tk,  # noqa: F811 - the fixture
    menu_state: menu.MenuState,
) -> None:
    items = build_menu(menu_state)
    posted: list[Event] = []
    popup = TrayPopup(root, posted.append).build(items)
    assert read_back(popup, posted) == items


def test_a_choice_in_the_popup_posts_what_pystrays_menu_posts(root: tk.Tk) -> None:  # noqa: F811
    posted: list[Event] = []
    popup = TrayPopup(root, posted.append).build(build_menu(state()))
    provider = popup.nametowidget(popup.entrycget("Provider", "menu"))
    provider.invoke("Google Gemini (no key set)")
    popup.invoke("Quit")
    assert posted == [MenuCommand(menu.PROVIDER, "google"), MenuCommand(menu.QUIT)]
    assert default_command(build_menu(state())) == MenuCommand(menu.CAPTURE)


def test_an_argb_trays_pixels_are_premultiplied_and_others_are_drawn_over_the_trays_background() -> None:
    half_red = Image.new("RGBA", (4, 4), (200, 0, 0, 128))
    argb = window_pixels(half_red, (4, 4), None, LSB)
    assert argb[:4] == bytes((0, 0, 100, 128))  # B, G, R, A: red 200 times 128/255
    grey = bytes((50, 50, 50, 0)) * 16
    over = window_pixels(half_red, (4, 4), grey, LSB)
    assert over[:4] == bytes((25, 25, 125, 255))  # half of 200 over half of 50, opaque
    wide = icon_canvas(IconImages()["idle"], (40, 24))
    assert wide.getbbox() is not None
    assert wide.getchannel("A").crop((0, 0, 8, 24)).getbbox() is None  # centred: 8 px clear either side


def test_a_tray_gone_for_good_hands_the_icon_to_the_next_method_and_leaves_no_window_on_the_desktop(
    desktop: VirtualDesktop,
) -> None:
    trayer = start_trayer(desktop)
    recorder = Recorder()
    posted: list[Event] = []

    class Ours:
        name, install_hint = "xembed", ""

        def build(self, images: IconImages, post: object, on_lost: object) -> XEmbedIcon:
            return XEmbedIcon(desktop.display, images, posted.append, on_lost, redock_grace=0.5)  # type: ignore[arg-type]

    class Next:
        name, install_hint = "gtk", ""

        def build(self, images: IconImages, post: object, on_lost: object) -> Recorder:
            return recorder

    try:
        assert manager_present(desktop.display)
        tray = ChosenTray([Ours(), Next()], IconImages(), posted.append)  # type: ignore[list-item]
        tray.start()
        items = build_menu(state())
        tray.show_state("busy")
        tray.show_menu(items)
        assert tray.method == "xembed"
        wait_for(lambda: _icon_windows(desktop) != [], 10, "our icon mapped in trayer")
    finally:
        _stop(trayer)
    assert recorder.menu_shown.wait(10), "the next method never got the menu"
    assert tray.method == "gtk"
    assert recorder.shown[:3] == [("start", None), ("state", "busy"), ("menu", items)]
    assert _icon_windows(desktop) == [], "the dead tray's save-set left our icon on the desktop"
    assert not manager_present(desktop.display)
    assert not [t for t in threading.enumerate() if t.name == "aiis-xembed"], "the reader thread runs on"
    tray.stop()


def test_a_right_click_posts_the_menu_request_and_a_left_click_the_default_item(desktop: VirtualDesktop) -> None:
    trayer = start_trayer(desktop)
    posted: list[Event] = []
    icon = XEmbedIcon(desktop.display, IconImages(), posted.append)
    try:
        icon.start()
        icon.show_menu(build_menu(state()))
        wait_for(lambda: _icon_windows(desktop) != [], 10, "our icon mapped in trayer")
        window = _icon_windows(desktop)[0]
        desktop.xdotool("mousemove", "--window", window, "5", "5", "click", "1")
        desktop.xdotool("mousemove", "--window", window, "6", "6", "click", "3")
        wait_for(lambda: len(posted) == 2, 10, "two clicks posted")
        assert posted[0] == MenuCommand(menu.CAPTURE)
        assert isinstance(posted[1], TrayMenuRequested)
    finally:
        icon.stop()
        _stop(trayer)


def _icon_windows(desktop: VirtualDesktop) -> list[str]:
    found = desktop.run("xdotool", "search", "--onlyvisible", "--class", "^AiisTrayIcon$", check=False)
    return found.stdout.decode().split()


class ArgbTray:
    """A minimal System Tray Protocol 0.3 manager that offers a 32-bit visual and embeds what asks.

    trayer sets no ``_NET_SYSTEM_TRAY_VISUAL``, so this stands in for the compositing trays that do.
    """

    def __init__(self, display_name: str) -> None:
        from Xlib import X, Xatom, display

        self.conn = display.Display(display_name)
        screen = self.conn.screen()
        visual = next(depth.visuals[0].visual_id for depth in screen.allowed_depths if depth.depth == ARGB)
        self.panel = screen.root.create_window(0, 0, 64, 64, 0, X.CopyFromParent, override_redirect=True)
        self.panel.change_property(self.conn.intern_atom("_NET_SYSTEM_TRAY_VISUAL"), Xatom.VISUALID, 32, [visual])
        self.panel.map()
        self.panel.set_selection_owner(self.conn.intern_atom("_NET_SYSTEM_TRAY_S0"), X.CurrentTime)
        self.opcode = self.conn.intern_atom("_NET_SYSTEM_TRAY_OPCODE")
        self.conn.sync()

    def embed_next(self, timeout: float = 10) -> int:
        """Wait for a dock request, embed that window at 32x32, and return its id."""
        from Xlib import X

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while self.conn.pending_events():
                event = self.conn.next_event()
                if event.type == X.ClientMessage and event.client_type == self.opcode:
                    icon = self.conn.create_resource_object("window", event.data[1][2])
                    icon.reparent(self.panel, 0, 0)
                    icon.configure(width=32, height=32)
                    icon.map()
                    self.conn.sync()
                    return int(icon.id)
            time.sleep(0.02)
        raise AssertionError("no dock request came")

    def pixels(self, window_id: int) -> tuple[int, bytes]:
        from Xlib import X

        window = self.conn.create_resource_object("window", window_id)
        image = window.get_image(0, 0, 32, 32, X.ZPixmap, 0xFFFFFFFF)
        return int(window.get_geometry().depth), bytes(image.data)

    def close(self) -> None:
        self.conn.close()


ARGB = 32


def test_a_tray_offering_an_argb_visual_gets_a_32_bit_icon_with_premultiplied_alpha(desktop: VirtualDesktop) -> None:
    tray = ArgbTray(desktop.display)
    icon = XEmbedIcon(desktop.display, IconImages(), lambda _event: None)
    try:
        icon.start()
        window = tray.embed_next()
        want = window_pixels(IconImages()["idle"], (32, 32), None, LSB)
        wait_for(lambda: tray.pixels(window) == (ARGB, want), 10, "the premultiplied idle picture")
        icon.show_state("error")
        want = window_pixels(IconImages()["error"], (32, 32), None, LSB)
        wait_for(lambda: tray.pixels(window) == (ARGB, want), 10, "the premultiplied error picture")
    finally:
        icon.stop()
        tray.close()


def test_a_menu_that_cannot_grab_is_told_in_the_log_not_raised(
    root: tk.Tk,  # noqa: F811 - the fixture
    desktop: VirtualDesktop,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from Xlib import X, display

    # GIVEN another program holding the pointer and keyboard (its own menu is open)
    other = display.Display(desktop.display)
    window = other.screen().root
    assert window.grab_pointer(False, X.ButtonPressMask, X.GrabModeAsync, X.GrabModeAsync, 0, 0, X.CurrentTime) == 0
    assert window.grab_keyboard(False, X.GrabModeAsync, X.GrabModeAsync, X.CurrentTime) == 0
    other.sync()
    try:
        popup = TrayPopup(root, lambda _event: None)
        # WHEN a right click asks for the menu: THEN no exception, a plain line, and no menu left up
        popup.popup(10, 10, build_menu(state()))
        assert popup.menu is None
        assert "the tray menu could not be shown" in caplog.text
    finally:
        other.close()
