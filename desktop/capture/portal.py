"""Wayland capture through the desktop portal's Screenshot call (GNOME, KDE, and others).

The call is asynchronous: ``Screenshot`` returns a request object path at once, and the portal
later emits ``Response`` on that object with a file URI, after the compositor (and perhaps the
person, in a permission dialog) answered. We subscribe before calling, so the answer cannot be
missed, and pick ours out by its path (derived from our unique bus name and a token we choose).
jeepney talks D-Bus here because keyring already depends on it: no new library.

The portal returns one image of every output together and says nothing about monitors, so the
result is a single Screenshot at scale 1; ``monitors()`` knows the layout only after a grab.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from PIL import Image

from core.errors import CaptureError
from core.models import Monitor, Rect, Screenshot
from desktop.methods import session_type

if TYPE_CHECKING:
    from jeepney import Message
    from jeepney.io.blocking import DBusConnection

log = logging.getLogger(__name__)

BUS_NAME = "org.freedesktop.portal.Desktop"
OBJECT_PATH = "/org/freedesktop/portal/desktop"
INTERFACE = "org.freedesktop.portal.Screenshot"
REQUEST_INTERFACE = "org.freedesktop.portal.Request"
# Long enough for a first-use permission dialog that the person has to read and answer.
RESPONSE_TIMEOUT = 60.0
CALL_TIMEOUT = 5.0


def request_path(unique_name: str, token: str) -> str:
    """The object path the portal gives the request: documented in org.freedesktop.portal.Request."""
    sender = unique_name.lstrip(":").replace(".", "_")
    return f"{OBJECT_PATH}/request/{sender}/{token}"


def screenshot_call(token: str) -> Message:
    """The ``Screenshot(parent_window, options)`` method call: non-interactive, no parent window."""
    from jeepney import DBusAddress, new_method_call

    portal = DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=INTERFACE)
    options = {"handle_token": ("s", token), "interactive": ("b", False), "modal": ("b", True)}
    return new_method_call(portal, "Screenshot", "sa{sv}", ("", options))


def uri_from_response(body: tuple[Any, ...]) -> str:
    """The image URI from a ``Response(u response, a{sv} results)`` signal body, or why there is none."""
    code, results = body
    if code == 1:
        raise CaptureError("The screenshot was refused or cancelled in the desktop's permission dialog.")
    if code != 0:
        raise CaptureError("The desktop portal could not take the screenshot (it answered 'failed').")
    uri = results.get("uri")
    if not uri or uri[0] != "s" or not uri[1]:
        raise CaptureError("The desktop portal answered without an image.")
    return str(uri[1])


def path_from_uri(uri: str) -> Path:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        raise CaptureError(f"The desktop portal gave a screenshot we cannot open: {uri}")
    return Path(unquote(parsed.path))


class PortalCapture:
    name = "xdg-desktop-portal"
    install_hint = (
        "Install xdg-desktop-portal with your desktop's backend (GNOME: xdg-desktop-portal-gnome; "
        "KDE: xdg-desktop-portal-kde; Sway and other wlroots desktops: xdg-desktop-portal-wlr)."
    )

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = dict(env)
        self._last: tuple[Monitor, ...] = ()

    def fits_this_system(self) -> bool:
        return sys.platform.startswith("linux") and session_type(self._env) == "wayland"

    def is_installed(self) -> bool:
        from jeepney.bus_messages import message_bus

        try:
            with self._connect() as connection:
                owned = connection.send_and_get_reply(message_bus.NameHasOwner(BUS_NAME), timeout=CALL_TIMEOUT)
                if owned.body[0]:
                    return True
                startable = connection.send_and_get_reply(message_bus.ListActivatableNames(), timeout=CALL_TIMEOUT)
                return BUS_NAME in startable.body[0]
        except (CaptureError, OSError, TimeoutError, ValueError):
            log.debug("No desktop portal on the session bus", exc_info=True)
            return False

    def monitors(self) -> tuple[Monitor, ...]:
        return self._last

    def grab(self) -> tuple[Screenshot, ...]:
        path = self._ask_portal()
        try:
            with Image.open(path, formats=["PNG", "JPEG"]) as opened:
                image = opened.convert("RGB")
        except OSError as failure:
            raise CaptureError(f"Cannot read the screenshot the desktop portal saved at {path}: {failure}") from None
        finally:
            # The portal saves every screenshot as a file (often in ~/Pictures); it was taken for us
            # only, so it must not pile up there.
            path.unlink(missing_ok=True)
        monitor = Monitor(0, Rect(0, 0, image.width, image.height), 1.0, "portal")
        self._last = (monitor,)
        return (Screenshot(monitor, image),)

    def close(self) -> None:
        """Nothing is kept between grabs."""

    def _connect(self) -> DBusConnection:
        from jeepney.io.blocking import open_dbus_connection

        address = self._env.get("DBUS_SESSION_BUS_ADDRESS")
        if not address:
            raise CaptureError("No D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set), so no desktop portal.")
        try:
            return open_dbus_connection(bus=address)
        except (OSError, RuntimeError, ValueError) as failure:
            raise CaptureError(f"Cannot reach the D-Bus session bus: {failure}") from None

    def _ask_portal(self) -> Path:
        from jeepney import MatchRule
        from jeepney.bus_messages import message_bus
        from jeepney.low_level import HeaderFields
        from jeepney.wrappers import DBusErrorResponse, unwrap_msg

        token = f"aiis_{os.urandom(8).hex()}"  # not secrets: it loads libcrypto, see core/output.py
        # Subscribed by interface and member, not by path: portals before 0.9 choose their own
        # path and may answer before we could subscribe to it. The path is checked below.
        rule = MatchRule(type="signal", interface=REQUEST_INTERFACE, member="Response")
        with self._connect() as connection:
            expected = request_path(connection.unique_name, token)
            try:
                connection.send_and_get_reply(message_bus.AddMatch(rule), timeout=CALL_TIMEOUT)
                with connection.filter(rule, bufsize=64) as responses:
                    reply = connection.send_and_get_reply(screenshot_call(token), timeout=CALL_TIMEOUT)
                    (handle,) = unwrap_msg(reply)
                    deadline = time.monotonic() + RESPONSE_TIMEOUT
                    while True:
                        left = max(0.0, deadline - time.monotonic())
                        signal = connection.recv_until_filtered(responses, timeout=left)
                        if signal.header.fields.get(HeaderFields.path) in {handle, expected}:
                            break
            except DBusErrorResponse as failure:
                raise CaptureError(f"The desktop portal refused the screenshot: {failure.name}") from None
            except TimeoutError:
                raise CaptureError(
                    f"The desktop portal did not answer within {RESPONSE_TIMEOUT:.0f} seconds."
                ) from None
        return path_from_uri(uri_from_response(signal.body))
