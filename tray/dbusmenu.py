"""The tray menu (``tray.menu.MenuItem``) as com.canonical.dbusmenu sees it: numbered items and their properties.

A StatusNotifierItem host draws the menu itself and asks for it over D-Bus (``GetLayout``); a click
comes back as ``Event(id, "clicked")``. Items are numbered depth first from 1 (0 is the root), so an
id names the same place in the menu across rebuilds; each rebuild that changes the menu gets a new
revision and a ``LayoutUpdated`` signal, after which hosts ask again (issue 14, ADR 035).
Values are jeepney's: a variant is ``(signature, value)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from tray.events import MenuCommand
from tray.menu import MenuItem

INTERFACE = "com.canonical.dbusmenu"
OBJECT_PATH = "/MenuBar"
LAYOUT = "(ia{sv}av)"
ROOT_ID = 0
# The spec's read-only properties of the menu object itself.
MENU_PROPERTIES = MappingProxyType(
    {"Version": ("u", 3), "TextDirection": ("s", "ltr"), "Status": ("s", "normal"), "IconThemePath": ("as", [])}
)


@dataclass(frozen=True)
class Node:
    """One numbered item; ``command`` is what a click posts (None for separators, submenus, disabled rows)."""

    id: int
    item: MenuItem
    children: tuple[Node, ...]
    command: MenuCommand | None


def number(items: tuple[MenuItem, ...]) -> Node:
    """The root node holding ``items``, every item numbered depth first from 1."""
    counter = iter(range(1, 1 << 31))

    def node(item: MenuItem) -> Node:
        own = next(counter)
        children = tuple(node(child) for child in item.children)
        clickable = item.enabled and not item.is_separator and not item.children and bool(item.action)
        return Node(own, item, children, MenuCommand(item.action, item.value) if clickable else None)

    return Node(ROOT_ID, MenuItem(""), tuple(node(item) for item in items), None)


def properties(node: Node) -> dict[str, tuple[str, Any]]:
    """The dbusmenu properties of ``node``; defaults (enabled, visible, no toggle) are left out, as the spec allows."""
    item = node.item
    if node.id == ROOT_ID:
        return {"children-display": ("s", "submenu")}
    if item.is_separator:
        return {"type": ("s", "separator")}
    # An underscore marks the access key in dbusmenu labels; ours carry none, so a literal one is doubled.
    props: dict[str, tuple[str, Any]] = {"label": ("s", item.label.replace("_", "__"))}
    if not item.enabled:
        props["enabled"] = ("b", False)
    if item.children:
        props["children-display"] = ("s", "submenu")
    if item.checked is not None or item.radio:
        props["toggle-type"] = ("s", "radio" if item.radio else "checkmark")
        props["toggle-state"] = ("i", 1 if item.checked else 0)
    return props


def _filtered(props: dict[str, tuple[str, Any]], names: Iterable[str]) -> dict[str, tuple[str, Any]]:
    wanted = set(names)
    return {name: value for name, value in props.items() if name in wanted} if wanted else props


def layout(node: Node, depth: int, names: Iterable[str] = ()) -> tuple[int, dict[str, tuple[str, Any]], list[Any]]:
    """``node`` as the spec's ``(ia{sv}av)``, its children to ``depth`` levels (-1: all)."""
    names = tuple(names)
    children = [] if depth == 0 else [(LAYOUT, layout(child, depth - 1, names)) for child in node.children]
    return node.id, _filtered(properties(node), names), children


class MenuTree:
    """The menu as last shown: its numbering, its revision, and lookups by id. Replaced whole, never edited."""

    def __init__(self, items: tuple[MenuItem, ...] = (), revision: int = 0) -> None:
        self.items = items
        self.revision = revision
        self.root = number(items)
        self._by_id: Mapping[int, Node] = MappingProxyType(dict(_walk(self.root)))

    def changed(self, items: tuple[MenuItem, ...]) -> MenuTree:
        return MenuTree(items, self.revision + 1)

    def find(self, item_id: int) -> Node | None:
        return self._by_id.get(item_id)

    def default_command(self) -> MenuCommand | None:
        """What a plain click on the icon does: the default item, as pystray's gtk backend does it."""
        for node in self._by_id.values():
            if node.item.default and node.command is not None:
                return node.command
        return None

    def group_properties(self, ids: Iterable[int], names: Iterable[str]) -> list[tuple[int, dict[str, Any]]]:
        """``GetGroupProperties``: unknown ids are left out, as the spec says; no ids means every item."""
        names = tuple(names)
        chosen = list(ids) or list(self._by_id)
        nodes = (self._by_id.get(item_id) for item_id in chosen)
        return [(node.id, _filtered(properties(node), names)) for node in nodes if node is not None]


def _walk(node: Node) -> Iterable[tuple[int, Node]]:
    yield node.id, node
    for child in node.children:
        yield from _walk(child)
