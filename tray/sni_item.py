"""What our StatusNotifierItem and its dbusmenu answer, apart from the bus: properties, methods, replies.

``SniObjects`` holds the icon's state and the menu as last shown and answers one incoming method
call at a time (``answer``); ``tray.sni_icon`` owns the connection and the threads. Kept apart so
the answers can be read without a bus. The spec: freedesktop.org's StatusNotifierItem and
libdbusmenu's com.canonical.dbusmenu XML (issue 14, ADR 035).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PIL import Image

from tray import dbusmenu
from tray.events import MenuCommand
from tray.icon import STATES, IconImages, State
from tray.menu import MenuItem

ITEM_PATH = "/StatusNotifierItem"
ITEM_INTERFACE = "org.kde.StatusNotifierItem"
PROPERTIES = "org.freedesktop.DBus.Properties"
INTROSPECTABLE = "org.freedesktop.DBus.Introspectable"
PEER = "org.freedesktop.DBus.Peer"
# Hosts pick the size nearest their panel; 22 and 24 are the common panel sizes, 64 for HiDPI.
PIXMAP_SIZES = (16, 22, 24, 32, 48, 64)
PIXMAP = "a(iiay)"
Reply = tuple[str, tuple[Any, ...]]


class UnknownMemberError(LookupError):
    """The call names a path, interface or member we do not have: the bus gets UnknownMethod."""


def argb_pixmaps(image: Image.Image, sizes: tuple[int, ...] = PIXMAP_SIZES) -> list[tuple[int, int, bytes]]:
    """The spec's IconPixmap: ARGB32 in network byte order (A, R, G, B bytes per pixel), one per size."""
    pixmaps = []
    for size in sizes:
        scaled = image.convert("RGBA").resize((size, size), Image.Resampling.LANCZOS)
        red, green, blue, alpha = scaled.split()
        pixmaps.append((size, size, Image.merge("RGBA", (alpha, red, green, blue)).tobytes()))
    return pixmaps


def introspection() -> str:
    """Enough XML for hosts that introspect before they call (some Qt hosts do)."""
    return (
        "<node>"
        f'<interface name="{ITEM_INTERFACE}">'
        '<method name="Activate"><arg type="i" direction="in"/><arg type="i" direction="in"/></method>'
        '<method name="SecondaryActivate"><arg type="i" direction="in"/><arg type="i" direction="in"/></method>'
        '<method name="ContextMenu"><arg type="i" direction="in"/><arg type="i" direction="in"/></method>'
        '<method name="Scroll"><arg type="i" direction="in"/><arg type="s" direction="in"/></method>'
        '<signal name="NewIcon"/><signal name="NewTitle"/><signal name="NewToolTip"/>'
        '<signal name="NewStatus"><arg type="s"/></signal>'
        "</interface>"
        f'<interface name="{dbusmenu.INTERFACE}"/>'
        "</node>"
    )


class SniObjects:
    """The item's state; written by the Tk thread (whole values swapped), read by the dispatch thread."""

    def __init__(
        self, name: str, images: IconImages, titles: dict[str, str], post: Callable[[MenuCommand], None]
    ) -> None:
        self.name = name
        self.titles = titles
        self.post = post
        self.pixmaps = {state: argb_pixmaps(images[state]) for state in STATES}
        self.state: State = "idle"
        self.tree = dbusmenu.MenuTree()

    def show_menu(self, items: tuple[MenuItem, ...]) -> bool:
        """Take the new menu; True when it differs (a ``LayoutUpdated`` is due)."""
        if items == self.tree.items:
            return False
        self.tree = self.tree.changed(items)
        return True

    def item_properties(self) -> dict[str, tuple[str, Any]]:
        title = self.titles[self.state]
        return {
            "Category": ("s", "ApplicationStatus"),
            "Id": ("s", self.name),
            "Title": ("s", title),
            "Status": ("s", "Active"),
            "WindowId": ("i", 0),
            "IconName": ("s", ""),
            "IconThemePath": ("s", ""),
            "IconPixmap": (PIXMAP, self.pixmaps[self.state]),
            "OverlayIconName": ("s", ""),
            "AttentionIconName": ("s", ""),
            "ToolTip": ("(sa(iiay)ss)", ("", [], title, "")),
            # False: a left click is Activate (the default item, Capture), the menu comes on a right click.
            "ItemIsMenu": ("b", False),
            "Menu": ("o", dbusmenu.OBJECT_PATH),
        }

    def answer(self, path: str, interface: str, member: str, body: tuple[Any, ...]) -> Reply:
        """The reply's signature and body for one method call; raises ``UnknownMemberError``."""
        if interface == INTROSPECTABLE and member == "Introspect":
            return "s", (introspection(),)
        if interface == PEER and member == "Ping":
            return "", ()  # libdbus answers Ping for every peer; some hosts ping before they call
        if path == ITEM_PATH:
            return self._item(interface, member, body)
        if path == dbusmenu.OBJECT_PATH:
            return self._menu(interface, member, body)
        raise UnknownMemberError(path)

    def _item(self, interface: str, member: str, body: tuple[Any, ...]) -> Reply:
        if interface == PROPERTIES:
            return _properties(self.item_properties(), ITEM_INTERFACE, member, body)
        if member == "Activate":
            command = self.tree.default_command()
            if command is not None:
                self.post(command)
            return "", ()
        if member in {"SecondaryActivate", "ContextMenu", "Scroll", "ProvideXdgActivationToken"}:
            # The host draws the menu from dbusmenu; a middle click or a scroll does nothing today, and
            # the activation token of KDE's newer interface (sent before Activate) is for raising a window.
            return "", ()
        raise UnknownMemberError(member)

    def _menu(self, interface: str, member: str, body: tuple[Any, ...]) -> Reply:
        tree = self.tree  # one snapshot per call: the Tk thread may swap it meanwhile
        if interface == PROPERTIES:
            return _properties(dict(dbusmenu.MENU_PROPERTIES), dbusmenu.INTERFACE, member, body)
        handlers: dict[str, Callable[[dbusmenu.MenuTree, tuple[Any, ...]], Reply]] = {
            "GetLayout": _get_layout,
            "GetGroupProperties": lambda tree, body: ("a(ia{sv})", (tree.group_properties(*body),)),
            "GetProperty": _get_property,
            "Event": self._event,
            "EventGroup": self._event_group,
            # The layout is always current (rebuilt when the app's state changes): nothing to update.
            "AboutToShow": lambda _tree, _body: ("b", (False,)),
            "AboutToShowGroup": lambda _tree, _body: ("aiai", ([], [])),
        }
        if member not in handlers:
            raise UnknownMemberError(member)
        return handlers[member](tree, body)

    def _event_group(self, tree: dbusmenu.MenuTree, body: tuple[Any, ...]) -> Reply:
        (events,) = body
        for event in events:
            self._event(tree, tuple(event))
        return "ai", ([item_id for item_id, *_ in events if tree.find(item_id) is None],)

    def _event(self, tree: dbusmenu.MenuTree, body: tuple[Any, ...]) -> Reply:
        item_id, event_id, _data, _timestamp = body
        node = tree.find(item_id)
        if event_id == "clicked" and node is not None and node.command is not None:
            self.post(node.command)
        return "", ()


def _get_layout(tree: dbusmenu.MenuTree, body: tuple[Any, ...]) -> Reply:
    parent_id, depth, names = body
    node = tree.find(parent_id) or tree.root
    return "u" + dbusmenu.LAYOUT, (tree.revision, dbusmenu.layout(node, depth, names))


def _get_property(tree: dbusmenu.MenuTree, body: tuple[Any, ...]) -> Reply:
    item_id, name = body
    found = tree.group_properties([item_id], [name])
    if not found or name not in found[0][1]:
        raise UnknownMemberError(name)
    return "v", (found[0][1][name],)


def _properties(values: dict[str, tuple[str, Any]], interface: str, member: str, body: tuple[Any, ...]) -> Reply:
    if member == "GetAll":
        return "a{sv}", (values if body[0] in {interface, ""} else {},)
    if member == "Get":
        asked_interface, name = body
        if asked_interface in {interface, ""} and name in values:
            return "v", (values[name],)
    raise UnknownMemberError(member)
