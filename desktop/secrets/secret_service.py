"""The freedesktop Secret Service, spoken over D-Bus with jeepney and the "plain" session (ADR 038).

keyring's SecretService backend goes through secretstorage, which imports ``cryptography`` for the
Diffie-Hellman session it always asks for: 9.3 MB of the idle tray (issue 14). The spec's "plain"
algorithm needs none of it, and gnome-keyring and KeePassXC both offer it. Items are found and stored
exactly as keyring's backend does it (keyring 25.7, ``keyring/backends/SecretService.py``): attributes
``service`` and ``username``, plus ``application`` = "Python keyring library" when storing, in the
collection behind the ``default`` alias, labelled "Password for '<user>' on '<service>'". So keys stored
by earlier versions (through keyring) are found, and keyring finds ours.

Every D-Bus call has a time limit. A locked collection is unlocked through its Prompt, whose
``Completed`` signal is awaited for at most ``PROMPT_TIMEOUT`` (the person may be typing a password);
the key store's worker gives up on the call long before that (ADR 017), this limit only frees its thread.
No key is ever put in a log line or an exception message: errors name the D-Bus error, never a body.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from core.errors import SecretServiceError

if TYPE_CHECKING:
    from jeepney import DBusAddress
    from jeepney.io.blocking import DBusConnection

log = logging.getLogger(__name__)

BUS_NAME = "org.freedesktop.secrets"
SERVICE_PATH = "/org/freedesktop/secrets"
PREFIX = "org.freedesktop.Secret."
# keyring's own values (keyring/backends/SecretService.py, backend.SchemeSelectable "default" scheme).
APPLICATION = "Python keyring library"
CONTENT_TYPE = "text/plain"
# Longer than the key store's own limit (5 s), so that limit is what the person meets; libdbus's
# default reply timeout is 25 s too.
CALL_TIMEOUT = 25.0
PROMPT_TIMEOUT = 120.0
NO_OBJECT = "/"


def label_for(service: str, username: str) -> str:
    return f"Password for '{username}' on '{service}'"


class SecretServiceKeyring:
    """get/set/delete a password like keyring's SecretService backend; one connection per call.

    A fresh connection per call is what keyring does too: no stale session when the daemon restarts.
    """

    def __init__(self, bus_address: str) -> None:
        self._address = bus_address

    def get_password(self, service: str, username: str) -> str | None:
        with self._session() as call:
            collection = call.default_collection()
            if collection is None:
                return None
            items = call.search(collection, {"username": username, "service": service})
            if not items:
                return None
            value: bytes = call.secret(items[0])
            return value.decode("utf-8")

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._session() as call:
            collection = call.default_collection() or call.make_default_collection()
            attributes = {"username": username, "service": service, "application": APPLICATION}
            call.create_item(collection, label_for(service, username), attributes, password.encode("utf-8"))

    def delete_password(self, service: str, username: str) -> None:
        with self._session() as call:
            collection = call.default_collection()
            items = call.search(collection, {"username": username, "service": service}) if collection else []
            if not items:
                raise SecretServiceError("No such key in the keyring.")
            call.delete(items[0])

    @contextlib.contextmanager
    def _session(self) -> Iterator[_Calls]:
        from jeepney.io.blocking import open_dbus_connection

        try:
            connection = open_dbus_connection(bus=self._address)
        except (OSError, ValueError) as error:
            raise SecretServiceError(f"The session bus could not be reached ({error.__class__.__name__}).") from None
        with connection:
            calls = _Calls(connection)
            calls.open_session()
            try:
                yield calls
            finally:
                calls.close_session()


class _Calls:
    """The Secret Service methods used above, each bounded by ``CALL_TIMEOUT``."""

    def __init__(self, connection: DBusConnection) -> None:
        self._connection = connection
        self._session = NO_OBJECT

    def _call(
        self, path: str, interface: str, method: str, signature: str | None = None, *body: object
    ) -> tuple[Any, ...]:
        from jeepney import DBusErrorResponse, new_method_call
        from jeepney.wrappers import unwrap_msg

        message = new_method_call(_address(path, interface), method, signature, body)
        try:
            answer: tuple[Any, ...] = unwrap_msg(self._connection.send_and_get_reply(message, timeout=CALL_TIMEOUT))
        except DBusErrorResponse as error:
            # The error's name only: its body is the service's text, never echoed to the person.
            raise SecretServiceError(f"The Secret Service refused {method} ({error.name}).") from None
        return answer

    def open_session(self) -> None:
        _output, self._session = self._call(SERVICE_PATH, "Service", "OpenSession", "sv", "plain", ("s", ""))

    def close_session(self) -> None:
        if self._session != NO_OBJECT:
            with contextlib.suppress(SecretServiceError, TimeoutError, OSError):
                self._call(self._session, "Session", "Close")

    def default_collection(self) -> str | None:
        """The collection behind the ``default`` alias, unlocked; None when there is none."""
        (path,) = self._call(SERVICE_PATH, "Service", "ReadAlias", "s", "default")
        if path == NO_OBJECT:
            return None
        self._unlock(path)
        return str(path)

    def make_default_collection(self) -> str:
        """As secretstorage.get_default_collection does when there is none: a "Default" one."""
        label = {PREFIX + "Collection.Label": ("s", "Default")}
        path, prompt = self._call(SERVICE_PATH, "Service", "CreateCollection", "a{sv}s", label, "default")
        return str(self._prompt(prompt) if path == NO_OBJECT else path)

    def _unlock(self, path: str) -> None:
        from jeepney import Properties

        reply = self._connection.send_and_get_reply(
            Properties(_address(path, "Collection")).get("Locked"), timeout=CALL_TIMEOUT
        )
        if not reply.body[0][1]:
            return
        log.info("the keyring's default collection is locked: asking the desktop to unlock it")
        _unlocked, prompt = self._call(SERVICE_PATH, "Service", "Unlock", "ao", [path])
        if prompt != NO_OBJECT:
            self._prompt(prompt)

    def search(self, collection: str, attributes: Mapping[str, str]) -> list[str]:
        (paths,) = self._call(collection, "Collection", "SearchItems", "a{ss}", dict(attributes))
        return list(paths)

    def secret(self, item: str) -> bytes:
        ((_session, _parameters, value, _content_type),) = self._call(item, "Item", "GetSecret", "o", self._session)
        return bytes(value)

    def create_item(self, collection: str, label: str, attributes: Mapping[str, str], secret: bytes) -> None:
        properties = {PREFIX + "Item.Label": ("s", label), PREFIX + "Item.Attributes": ("a{ss}", dict(attributes))}
        value = (self._session, b"", secret, CONTENT_TYPE)
        item, prompt = self._call(collection, "Collection", "CreateItem", "a{sv}(oayays)b", properties, value, True)
        if item == NO_OBJECT:
            self._prompt(prompt)

    def delete(self, item: str) -> None:
        (prompt,) = self._call(item, "Item", "Delete")
        if prompt != NO_OBJECT:
            self._prompt(prompt)

    def _prompt(self, prompt: str) -> object:
        """Show the prompt and wait for ``Completed``; a dismissed or unanswered prompt is an error."""
        from jeepney import MatchRule, MessageType, message_bus
        from jeepney.wrappers import unwrap_msg

        rule = MatchRule(type=MessageType.signal, path=prompt, interface=PREFIX + "Prompt", member="Completed")
        unwrap_msg(self._connection.send_and_get_reply(message_bus.AddMatch(rule), timeout=CALL_TIMEOUT))
        with self._connection.filter(rule) as completed:
            self._call(prompt, "Prompt", "Prompt", "s", "")
            try:
                signal = self._connection.recv_until_filtered(completed, timeout=PROMPT_TIMEOUT)
            except TimeoutError:
                with contextlib.suppress(SecretServiceError, TimeoutError, OSError):
                    self._call(prompt, "Prompt", "Dismiss")
                raise SecretServiceError(
                    f"The keyring's unlock prompt was not answered in {PROMPT_TIMEOUT:g} s."
                ) from None
        dismissed, (_signature, result) = signal.body
        if dismissed:
            raise SecretServiceError("The keyring's unlock prompt was dismissed; the keyring stays locked.")
        return result


def _address(path: str, interface: str) -> DBusAddress:
    from jeepney import DBusAddress

    return DBusAddress(path, bus_name=BUS_NAME, interface=PREFIX + interface)


def service_available(bus_address: str) -> bool:
    """True when the Secret Service runs or the bus can start it (what keyring checks for its priority)."""
    from jeepney import message_bus
    from jeepney.io.blocking import open_dbus_connection
    from jeepney.wrappers import unwrap_msg

    try:
        with open_dbus_connection(bus=bus_address) as connection:
            (owned,) = unwrap_msg(connection.send_and_get_reply(message_bus.NameHasOwner(BUS_NAME), timeout=5))
            if owned:
                return True
            (names,) = unwrap_msg(connection.send_and_get_reply(message_bus.ListActivatableNames(), timeout=5))
            return BUS_NAME in names
    except Exception as error:  # no bus, a bus that does not answer: no Secret Service here
        log.debug("no Secret Service on the session bus: %s", error.__class__.__name__)
        return False
