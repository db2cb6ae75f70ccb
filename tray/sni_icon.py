"""The tray icon as a StatusNotifierItem on the session bus, spoken with jeepney: no GTK in the process.

KDE, GNOME with the AppIndicator extension, xfce4-panel's sntray, waybar and most Wayland bars host
these: the host draws our pixmap and our menu (com.canonical.dbusmenu, ``tray.dbusmenu``) itself.
jeepney's router thread reads the bus; one dispatch thread of ours answers the calls it queues
(``tray.sni_item``) and only posts ``MenuCommand`` to the Tk thread, so nothing here touches a
widget (docs/adr/005-threading-model.md). Every call we make has a time limit. When the watcher
leaves the bus, ``on_lost`` is told once so the app can show the icon another way (ADR 035).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable
from queue import Queue
from typing import Any

from core.errors import TrayIconError
from tray.events import MenuCommand
from tray.icon import IconImages
from tray.menu import MenuItem
from tray.sni_item import ITEM_INTERFACE, ITEM_PATH, SniObjects, UnknownMemberError
from tray.tray_icon import NAME, TITLES

log = logging.getLogger(__name__)

WATCHER = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
BUS = "org.freedesktop.DBus"
CALL_TIMEOUT = 3.0
STOP_JOIN_SECONDS = 2.0
# RequestName's DBUS_NAME_FLAG_DO_NOT_QUEUE, and its PRIMARY_OWNER answer.
DO_NOT_QUEUE, PRIMARY_OWNER = 4, 1


def watcher_present(address: str, timeout: float = CALL_TIMEOUT) -> bool:
    """Whether a StatusNotifierWatcher owns its name on the bus at ``address`` (a host is there to show us)."""
    from jeepney import DBusAddress, new_method_call
    from jeepney.io.blocking import open_dbus_connection

    bus = DBusAddress("/org/freedesktop/DBus", bus_name=BUS, interface=BUS)
    try:
        with open_dbus_connection(bus=address, auth_timeout=timeout) as connection:
            reply = connection.send_and_get_reply(
                new_method_call(bus, "NameHasOwner", "s", (WATCHER,)), timeout=timeout
            )
    except (OSError, ValueError, KeyError, TimeoutError) as error:
        log.info("the session bus could not be asked for a StatusNotifierWatcher: %s", error)
        return False
    return bool(reply.body and reply.body[0])


class SniIcon:
    """``start`` raises ``TrayIconError`` when the item cannot be put on the bus or the watcher refuses it."""

    def __init__(
        self,
        address: str,
        images: IconImages,
        post: Callable[[MenuCommand], None],
        on_lost: Callable[[], None] | None = None,
    ) -> None:
        self._address = address
        self._objects = SniObjects(NAME, images, dict(TITLES), post)
        self._on_lost = on_lost
        self._calls: Queue[Any] = Queue(maxsize=256)
        self._router: Any = None
        self._dispatcher: threading.Thread | None = None
        self.bus_name = f"org.kde.StatusNotifierItem-{os.getpid()}-1"
        self._lost = False

    def start(self) -> None:
        from jeepney import MatchRule, message_bus
        from jeepney.io.threading import DBusRouter, open_dbus_connection

        try:
            connection = open_dbus_connection(bus=self._address, auth_timeout=CALL_TIMEOUT)
        except (OSError, ValueError, KeyError, TimeoutError) as error:
            raise TrayIconError(f"The session bus cannot be reached for the tray icon ({error}).") from None
        self._router = _quiet_router(DBusRouter, connection)
        # Calls to our objects arrive unasked; the watcher leaving is a signal we subscribe to.
        self._router.filter(MatchRule(type="method_call"), queue=self._calls)
        owner_changed = MatchRule(type="signal", sender=BUS, interface=BUS, member="NameOwnerChanged")
        owner_changed.add_arg_condition(0, WATCHER)
        self._router.filter(owner_changed, queue=self._calls)
        self._dispatcher = threading.Thread(target=self._dispatch, name="aiis-sni", daemon=True)
        self._dispatcher.start()
        try:
            self._call_bus(message_bus.AddMatch(owner_changed))
            self._claim_name(message_bus.RequestName(self.bus_name, DO_NOT_QUEUE))
            self._register()
        except TrayIconError:
            self.stop()
            raise
        log.info("tray icon registered with the StatusNotifierWatcher as %s", self.bus_name)

    def _call_bus(self, message: Any) -> tuple[Any, ...]:  # noqa: ANN401 - a jeepney Message
        from jeepney import DBusErrorResponse
        from jeepney.wrappers import unwrap_msg

        try:
            return tuple(unwrap_msg(self._router.send_and_get_reply(message, timeout=CALL_TIMEOUT)))
        except DBusErrorResponse as error:
            raise TrayIconError(f"The session bus refused the tray icon ({error.name}).") from None
        except Exception as error:  # TimeoutError, OSError, or jeepney's RouterClosed when the bus went away
            raise TrayIconError(f"The session bus did not answer for the tray icon ({error!r}).") from None

    def _claim_name(self, request: Any) -> None:  # noqa: ANN401 - a jeepney Message
        (answer,) = self._call_bus(request)
        if answer != PRIMARY_OWNER:
            raise TrayIconError(f"The tray icon's bus name {self.bus_name} is taken.")

    def _register(self) -> None:
        from jeepney import DBusAddress, new_method_call

        watcher = DBusAddress(WATCHER_PATH, bus_name=WATCHER, interface=WATCHER)
        self._call_bus(new_method_call(watcher, "RegisterStatusNotifierItem", "s", (self.bus_name,)))

    def show_state(self, state: str) -> None:
        if state == self._objects.state or state not in TITLES:
            return
        self._objects.state = state  # type: ignore[assignment]
        for signal in ("NewIcon", "NewTitle", "NewToolTip"):
            self._signal(ITEM_PATH, ITEM_INTERFACE, signal)

    def show_menu(self, items: tuple[MenuItem, ...]) -> None:
        from tray import dbusmenu

        if self._objects.show_menu(items):
            self._signal(
                dbusmenu.OBJECT_PATH, dbusmenu.INTERFACE, "LayoutUpdated", "ui", (self._objects.tree.revision, 0)
            )

    def _signal(self, path: str, interface: str, member: str, signature: str = "", body: tuple[Any, ...] = ()) -> None:
        from jeepney import DBusAddress, new_signal

        router = self._router
        if router is None:
            return
        try:
            router.send(new_signal(DBusAddress(path, interface=interface), member, signature or None, body))
        except OSError as error:
            log.info("tray icon signal %s not sent: %s", member, error)

    def _dispatch(self) -> None:
        """Answers calls until ``stop`` queues None; blocks in between (no polling: 0 CPU ticks idle)."""
        while (message := self._calls.get()) is not None:
            try:
                self._handle(message)
            except Exception:
                log.exception("tray icon: a D-Bus call could not be answered")

    def _handle(self, message: Any) -> None:  # noqa: ANN401 - a jeepney Message
        from jeepney import MessageType, new_error, new_method_return
        from jeepney.low_level import HeaderFields

        fields = message.header.fields
        if message.header.message_type == MessageType.signal:
            self._watcher_changed(str(message.body[2]))
            return
        path, interface, member = (
            fields.get(key, "") for key in (HeaderFields.path, HeaderFields.interface, HeaderFields.member)
        )
        try:
            signature, body = self._objects.answer(str(path), str(interface), str(member), tuple(message.body))
            reply = new_method_return(message, signature or None, body)
        except (UnknownMemberError, ValueError, TypeError) as error:
            reply = new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s", (f"{member}: {error}",))
        self._router.send(reply)

    def _watcher_changed(self, new_owner: str) -> None:
        if new_owner:
            # A new watcher (the panel restarted): the spec has items register again with it. Not from
            # this thread: a watcher may read our properties before it answers, and we answer them here.
            threading.Thread(target=self._register_again, name="aiis-sni-register", daemon=True).start()
            return
        log.warning("the StatusNotifierWatcher left the session bus; the tray icon is no longer shown through it")
        if self._on_lost is not None and not self._lost:
            self._lost = True
            self._on_lost()

    def _register_again(self) -> None:
        try:
            self._register()
            log.info("tray icon registered again with a new StatusNotifierWatcher")
        except TrayIconError as error:
            log.warning("tray icon: the new StatusNotifierWatcher refused it: %s", error)

    def stop(self) -> None:
        router, self._router = self._router, None
        with contextlib.suppress(Exception):
            self._calls.put_nowait(None)
        if router is not None:
            with contextlib.suppress(Exception):
                router.close()
            with contextlib.suppress(Exception):
                router.conn.close()
        dispatcher, self._dispatcher = self._dispatcher, None
        if dispatcher is not None and dispatcher is not threading.current_thread():
            dispatcher.join(STOP_JOIN_SECONDS)


def _quiet_router(router_class: type[Any], connection: object) -> Any:  # noqa: ANN401 - jeepney's router
    """The jeepney router, except that the bus going away is logged, not a traceback from its thread."""

    class QuietRouter(router_class):  # type: ignore[misc]
        def _receiver(self) -> None:
            try:
                super()._receiver()
            except OSError as error:
                log.info("the D-Bus connection of the tray icon ended: %s", error)

    return QuietRouter(connection)
