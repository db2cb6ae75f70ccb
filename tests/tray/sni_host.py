"""A minimal StatusNotifierWatcher and host, for tests: what a panel does with our item, in jeepney.

No SNI host is packaged in Debian that runs headless beside trayer (snixembed is not packaged; the
xfce4/mate sntray plugins need their whole panel), so this one plays both roles on a bus of the
test's: it owns org.kde.StatusNotifierWatcher, accepts ``RegisterStatusNotifierItem``, and then
reads the item's pixmap and the dbusmenu layout and clicks items through ``Event("clicked")``, as
KDE's and waybar's hosts do. Signals from items (NewIcon, LayoutUpdated) are kept for the tests.
"""

from __future__ import annotations

import contextlib
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from queue import Empty, Queue
from typing import Any

from jeepney import DBusAddress, MatchRule, MessageType, message_bus, new_method_call, new_method_return
from jeepney.io.threading import DBusRouter, open_dbus_connection
from jeepney.low_level import HeaderFields
from jeepney.wrappers import unwrap_msg

WATCHER = "org.kde.StatusNotifierWatcher"
ITEM = "org.kde.StatusNotifierItem"
MENU = "com.canonical.dbusmenu"
PROPS = "org.freedesktop.DBus.Properties"
TIMEOUT = 5.0


@dataclass(frozen=True)
class Entry:
    """A dbusmenu item as a host sees it: its label, toggle, enabled flag and children."""

    id: int
    label: str
    toggle: str
    state: int
    enabled: bool
    separator: bool
    children: tuple[Entry, ...]


def entry(layout: tuple[Any, ...]) -> Entry:
    item_id, props, children = layout
    value = {name: variant[1] for name, variant in props.items()}
    return Entry(
        item_id,
        str(value.get("label", "")).replace("__", "_"),
        str(value.get("toggle-type", "")),
        int(value.get("toggle-state", -1)),
        bool(value.get("enabled", True)),
        value.get("type") == "separator",
        tuple(entry(child[1]) for child in children),
    )


class SniHost:
    """The watcher (answers on its own thread) and the host's calls (from the test's thread)."""

    def __init__(self, address: str, *, read_before_reply: bool = False) -> None:
        # read_before_reply: ask the item for its pixmap before answering its Register, as a host that
        # builds its icon first may do; an item that answers on the thread that waits would hang here.
        self.read_before_reply = read_before_reply
        self.router = DBusRouter(open_dbus_connection(bus=address))
        self.calls: Queue[Any] = Queue()
        self.signals: Queue[Any] = Queue()
        self.items: Queue[str] = Queue()
        self._closed = False
        self.router.filter(MatchRule(type="method_call"), queue=self.calls)
        for interface in (ITEM, MENU):
            rule = MatchRule(type="signal", interface=interface)
            self.router.filter(rule, queue=self.signals)
            self.call(message_bus.AddMatch(rule))
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        (answer,) = self.call(message_bus.RequestName(WATCHER, 4))
        assert answer == 1, "the test watcher could not take its name"

    def call(self, message: Any) -> tuple[Any, ...]:
        return tuple(unwrap_msg(self.router.send_and_get_reply(message, timeout=TIMEOUT)))

    def _serve(self) -> None:
        while (message := self.calls.get()) is not None:
            member = message.header.fields.get(HeaderFields.member)
            if member == "RegisterStatusNotifierItem":
                service = str(message.body[0])
                if self.read_before_reply:
                    self.item_property(service, "IconPixmap")
                self.items.put(service)
                self.router.send(new_method_return(message))

    def registered(self, timeout: float = 15) -> str:
        return self.items.get(timeout=timeout)

    def item_property(self, service: str, name: str) -> Any:
        target = DBusAddress("/StatusNotifierItem", bus_name=service, interface=PROPS)
        (variant,) = self.call(new_method_call(target, "Get", "ss", (ITEM, name)))
        return variant[1]

    def menu(self, service: str) -> tuple[int, Entry]:
        """The revision and the whole tree, as hosts ask for it before showing the menu."""
        path = self.item_property(service, "Menu")
        target = DBusAddress(path, bus_name=service, interface=MENU)
        self.call(new_method_call(target, "AboutToShow", "i", (0,)))
        revision, layout = self.call(new_method_call(target, "GetLayout", "iias", (0, -1, [])))
        return revision, entry(layout)

    def click(self, service: str, item_id: int) -> None:
        path = self.item_property(service, "Menu")
        target = DBusAddress(path, bus_name=service, interface=MENU)
        self.call(new_method_call(target, "Event", "isvu", (item_id, "clicked", ("i", 0), int(time.time()))))

    def activate(self, service: str) -> None:
        target = DBusAddress("/StatusNotifierItem", bus_name=service, interface=ITEM)
        self.call(new_method_call(target, "Activate", "ii", (10, 10)))

    def signal(self, member: str, timeout: float = 10) -> tuple[Any, ...]:
        """The body of the next signal named ``member`` (others are dropped); fails the test on timeout."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = self.signals.get(timeout=left)
            except Empty:
                break
            if (
                message.header.message_type == MessageType.signal
                and message.header.fields.get(HeaderFields.member) == member
            ):
                return tuple(message.body)
        raise AssertionError(f"no {member} signal within {timeout} s")

    def drain_signals(self) -> None:
        with contextlib.suppress(Empty):
            while True:
                self.signals.get_nowait()

    def close(self) -> None:
        """Leave the bus (the watcher's name goes with the connection); once only."""
        if self._closed:
            return
        self._closed = True
        self.calls.put(None)
        self.router.close()
        self.router.conn.close()


def find(tree: Entry, *labels: str) -> Entry:
    """The item reached by ``labels``, each matched at the start of a label (menu labels carry hotkeys)."""
    node = tree
    for label in labels:
        node = next(child for child in node.children if child.label.startswith(label))
    return node


@contextlib.contextmanager
def private_bus() -> Iterator[str]:
    """A session bus of the test's own (dbus-daemon), its address; ended by its PID."""
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        assert daemon.stdout is not None
        address = daemon.stdout.readline().decode().strip()
        assert address, "dbus-daemon printed no address"
        yield address
    finally:
        daemon.terminate()
        daemon.wait(5)
        if daemon.stdout is not None:
            daemon.stdout.close()


@contextlib.contextmanager
def sni_host(address: str, *, read_before_reply: bool = False) -> Iterator[SniHost]:
    host = SniHost(address, read_before_reply=read_before_reply)
    try:
        yield host
    finally:
        host.close()
