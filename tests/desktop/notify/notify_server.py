"""A tiny org.freedesktop.Notifications server on a private session bus, written with jeepney.

It records every Notify call and, when the test asks, emits ActionInvoked / NotificationClosed
exactly as a desktop's notification daemon does when the person clicks.
"""

from __future__ import annotations

import contextlib
import queue
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from jeepney import DBusAddress, HeaderFields, MessageType, message_bus, new_method_return, new_signal
from jeepney.io.blocking import open_dbus_connection

BUS_NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"


@dataclass(frozen=True)
class Received:
    app_name: str
    replaces_id: int
    icon: str
    summary: str
    body: str
    actions: list[str]
    hints: dict[str, tuple[str, object]]
    timeout: int


@dataclass
class NotificationServer:
    address: str
    received: queue.Queue[Received] = field(default_factory=queue.Queue)
    _outbox: queue.Queue[tuple[str, str, tuple[object, ...]]] = field(default_factory=queue.Queue)
    _stop: threading.Event = field(default_factory=threading.Event)
    _ready: threading.Event = field(default_factory=threading.Event)
    _next_id: int = 41

    def emit_action(self, notification_id: int, action: str) -> None:
        self._outbox.put(("ActionInvoked", "us", (notification_id, action)))

    def emit_closed(self, notification_id: int, reason: int = 2) -> None:
        self._outbox.put(("NotificationClosed", "uu", (notification_id, reason)))

    def run(self) -> None:
        with open_dbus_connection(bus=self.address) as connection:
            connection.send_and_get_reply(message_bus.RequestName(BUS_NAME), timeout=5)
            self._ready.set()
            while not self._stop.is_set():
                self._flush(connection)
                try:
                    message = connection.receive(timeout=0.05)
                except TimeoutError:
                    continue
                if message.header.message_type == MessageType.method_call:
                    self._answer(connection, message)

    def _flush(self, connection: object) -> None:
        target = DBusAddress(PATH, interface=INTERFACE)
        while not self._outbox.empty():
            member, signature, body = self._outbox.get()
            connection.send(new_signal(target, member, signature, body))  # type: ignore[attr-defined]

    def _answer(self, connection: object, message: object) -> None:
        member = message.header.fields.get(HeaderFields.member)  # type: ignore[attr-defined]
        if member == "Notify":
            self._next_id += 1
            self.received.put(Received(*message.body))  # type: ignore[attr-defined]
            reply = new_method_return(message, "u", (self._next_id,))
        elif member == "GetCapabilities":
            reply = new_method_return(message, "as", (["actions", "body"],))
        else:
            reply = new_method_return(message)
        connection.send(reply)  # type: ignore[attr-defined]


@contextlib.contextmanager
def session_bus() -> Iterator[str]:
    """A private dbus-daemon; yields its address and ends it by PID."""
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert bus.stdout is not None
        yield bus.stdout.readline().decode().strip()
    finally:
        bus.terminate()
        bus.wait(5)
        if bus.stdout is not None:
            bus.stdout.close()


@contextlib.contextmanager
def notification_server(address: str) -> Iterator[NotificationServer]:
    server = NotificationServer(address)
    thread = threading.Thread(target=server.run, name="test-notify-server", daemon=True)
    thread.start()
    assert server._ready.wait(5), "the test notification server did not start"
    try:
        yield server
    finally:
        server._stop.set()
        thread.join(5)
