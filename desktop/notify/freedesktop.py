"""Linux and BSD desktops: the org.freedesktop.Notifications D-Bus service, spoken with jeepney.

jeepney is already here as a dependency of keyring, so no new library is needed. Actions (Retry,
Open) arrive as the ``ActionInvoked`` signal; one jeepney router thread receives them and one
dispatch thread of ours calls the matching ``on_action``. A callback is forgotten when its
notification closes, so nothing it refers to (a crop kept for Retry) outlives the notification.
"""

from __future__ import annotations

import contextlib
import html
import logging
import sys
import threading
from collections.abc import Mapping
from queue import Empty, Queue
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from core.errors import NotificationError
from desktop.notify.base import ActionSink, Notification

if TYPE_CHECKING:
    from jeepney.io.threading import DBusRouter

log = logging.getLogger(__name__)

BUS_NAME = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"
APP_NAME = "AI Image Studio"
CALL_TIMEOUT = 5.0
URGENCY = MappingProxyType({"low": 0, "normal": 1, "critical": 2})
# The spec's key for a click on the notification itself (not on a button).
DEFAULT_ACTION = "default"
MAX_PENDING = 32


class FreedesktopNotifier:
    name = "freedesktop"
    install_hint = (
        "Start a notification service (every desktop has one; on a bare window manager install dunst "
        "or mako) inside a D-Bus session."
    )
    supports_actions = True

    def __init__(self, env: Mapping[str, str]) -> None:
        self._address = env.get("DBUS_SESSION_BUS_ADDRESS", "")
        self._lock = threading.Lock()
        self._router: Any = None
        self._connection: Any = None
        self._dispatcher: threading.Thread | None = None
        self._signals: Queue[Any] = Queue(maxsize=256)
        self._callbacks: dict[int, tuple[ActionSink, str]] = {}
        self._stop = threading.Event()

    def fits_this_system(self) -> bool:
        return sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")) and bool(self._address)

    def is_installed(self) -> bool:
        try:
            from jeepney import DBusAddress, new_method_call
            from jeepney.io.blocking import open_dbus_connection
        except ImportError:
            return False
        bus = DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus", interface="org.freedesktop.DBus")
        try:
            with open_dbus_connection(bus=self._address) as connection:
                for method in ("ListNames", "ListActivatableNames"):
                    reply = connection.send_and_get_reply(new_method_call(bus, method), timeout=CALL_TIMEOUT)
                    if BUS_NAME in reply.body[0]:
                        return True
        except (OSError, ValueError, TimeoutError) as error:
            log.info("D-Bus session bus not usable for notifications: %s", error)
        return False

    def show(self, note: Notification, on_action: ActionSink | None = None) -> None:
        from jeepney import DBusAddress, DBusErrorResponse, new_method_call

        note = note.clipped()
        actions: list[str] = []
        if note.actions and on_action is not None:
            actions += [DEFAULT_ACTION, note.actions[0].label]
            for action in note.actions:
                actions += [action.id, action.label]
        hints = {"urgency": ("y", URGENCY[note.urgency])}
        target = DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=INTERFACE)
        # Servers may read the body as markup; escaping keeps "<" and "&" in file names as written.
        body = html.escape(note.body, quote=False)
        message = new_method_call(
            target,
            "Notify",
            "susssasa{sv}i",
            (APP_NAME, 0, "", note.title, body, actions, hints, note.timeout_ms),
        )
        with self._lock:
            router = self._ensure_router()
        try:
            reply = router.send_and_get_reply(message, timeout=CALL_TIMEOUT)
        except Exception as error:  # OSError, TimeoutError, or jeepney's RouterClosed when the bus went away
            # Start afresh next time: the bus may have been restarted (a new login, a crashed daemon).
            self.close()
            raise NotificationError(
                f"The notification service did not answer ({error or type(error).__name__})."
            ) from None
        try:
            from jeepney.wrappers import unwrap_msg

            (notification_id,) = unwrap_msg(reply)
        except DBusErrorResponse as error:
            raise NotificationError(f"The notification service refused the notification ({error.name}).") from None
        if actions and on_action is not None:
            with self._lock:
                self._callbacks[int(notification_id)] = (on_action, note.actions[0].id)
                # Servers that never send NotificationClosed must not make us keep every callback.
                while len(self._callbacks) > MAX_PENDING:
                    self._callbacks.pop(next(iter(self._callbacks)))
        log.debug("notification %s shown", notification_id)

    def close(self) -> None:
        with self._lock:
            router, connection, dispatcher = self._router, self._connection, self._dispatcher
            self._router = self._connection = self._dispatcher = None
            self._callbacks.clear()
        self._stop.set()
        if router is not None:
            with contextlib.suppress(Exception):
                router.close()
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.close()
        if dispatcher is not None:
            dispatcher.join(2.0)

    def pending(self) -> int:
        """How many shown notifications still have an action callback (for tests and leaks)."""
        with self._lock:
            return len(self._callbacks)

    def _ensure_router(self) -> DBusRouter:
        if self._router is not None:
            return self._router
        from jeepney import MatchRule, message_bus
        from jeepney.io.threading import DBusRouter, open_dbus_connection

        try:
            connection = open_dbus_connection(bus=self._address)
        except (OSError, ValueError, KeyError) as error:
            raise NotificationError(f"The D-Bus session bus cannot be reached for notifications ({error}).") from None
        router = _quiet_router(DBusRouter, connection)
        rule = MatchRule(type="signal", interface=INTERFACE, path=OBJECT_PATH)
        router.send_and_get_reply(message_bus.AddMatch(rule), timeout=CALL_TIMEOUT)
        router.filter(rule, queue=self._signals)
        self._connection, self._router = connection, router
        self._stop.clear()
        self._dispatcher = threading.Thread(target=self._dispatch, name="aiis-notify", daemon=True)
        self._dispatcher.start()
        return router

    def _dispatch(self) -> None:
        while not self._stop.is_set():
            try:
                message = self._signals.get(timeout=0.2)
            except Empty:
                continue
            member = message.header.fields.get(_member_field())
            if member == "ActionInvoked":
                notification_id, action = message.body
                self._invoke(int(notification_id), str(action))
            elif member == "NotificationClosed":
                with self._lock:
                    self._callbacks.pop(int(message.body[0]), None)

    def _invoke(self, notification_id: int, action: str) -> None:
        with self._lock:
            entry = self._callbacks.get(notification_id)
        if entry is None:
            return
        callback, default = entry
        try:
            callback(default if action == DEFAULT_ACTION else action)
        except Exception:
            log.exception("notification action handler failed")


def _quiet_router(router_class: type[DBusRouter], connection: object) -> DBusRouter:
    """The jeepney router, except that a bus going away is logged instead of dumping a traceback.

    ``DBusRouter._receiver`` lets the ``ConnectionResetError`` escape its thread when the session
    bus ends (logout, crashed daemon); ``show`` then reports the failure and reconnects next time.
    """

    class QuietRouter(router_class):  # type: ignore[misc]
        def _receiver(self) -> None:
            try:
                super()._receiver()
            except OSError as error:
                log.info("the D-Bus connection for notifications ended: %s", error)

    return QuietRouter(connection)


def _member_field() -> object:
    from jeepney.low_level import HeaderFields

    return HeaderFields.member
