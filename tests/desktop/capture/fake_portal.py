"""A private D-Bus session bus with a stand-in for xdg-desktop-portal's Screenshot interface.

The stand-in speaks the real protocol over a real dbus-daemon: it owns
org.freedesktop.portal.Desktop, answers ``Screenshot`` with the request path the spec defines,
saves the image it was given as a PNG file and emits ``Response`` on the request object, as the
GNOME and KDE portals do. Only the compositor is missing.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from desktop.capture.portal import BUS_NAME, REQUEST_INTERFACE, request_path


@dataclass
class FakePortal:
    """What the stand-in answers (``response`` code; the ``image`` it saves) and what it was asked."""

    folder: Path
    image: Image.Image | None = None
    response: int = 0
    legacy_path: bool = False
    """Answer on a path of the portal's own choosing, as portals before 0.9 did."""
    stray_first: bool = False
    """Emit a cancelled Response for some other app's request before ours."""
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    saved: list[Path] = field(default_factory=list)


# No <servicedir>: the bus must not start this machine's real portal (or anything else) on demand.
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={folder}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@contextlib.contextmanager
def session_bus() -> Iterator[str]:
    """A dbus-daemon of our own with no activatable services; yields its address, ends it by PID."""
    with tempfile.TemporaryDirectory(prefix="aiis-bus-") as folder:
        config = Path(folder) / "bus.conf"
        config.write_text(BUS_CONFIG.format(folder=folder))
        daemon = subprocess.Popen(
            ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert daemon.stdout is not None
            yield daemon.stdout.readline().decode().strip()
        finally:
            daemon.terminate()
            daemon.wait(timeout=5)
            if daemon.stdout is not None:
                daemon.stdout.close()


@contextlib.contextmanager
def fake_portal(address: str, folder: Path) -> Iterator[FakePortal]:
    """Serve the Screenshot interface on ``address`` from a thread until the block ends."""
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    portal = FakePortal(folder)
    stop = threading.Event()
    connection = open_dbus_connection(bus=address)
    connection.send_and_get_reply(message_bus.RequestName(BUS_NAME), timeout=5)
    thread = threading.Thread(target=_serve, args=(connection, portal, stop), daemon=True)
    thread.start()
    try:
        yield portal
    finally:
        stop.set()
        thread.join(timeout=5)
        connection.close()


def _serve(connection: Any, portal: FakePortal, stop: threading.Event) -> None:
    from jeepney import DBusAddress, MessageType, new_method_return, new_signal
    from jeepney.low_level import HeaderFields

    while not stop.is_set():
        try:
            message = connection.receive(timeout=0.05)
        except TimeoutError:
            continue
        fields = message.header.fields
        if message.header.message_type != MessageType.method_call or fields.get(HeaderFields.member) != "Screenshot":
            continue
        parent, options = message.body
        portal.calls.append((parent, options))
        path = request_path(fields[HeaderFields.sender], options["handle_token"][1])
        if portal.legacy_path:
            path = f"/org/freedesktop/portal/desktop/request/legacy/{len(portal.calls)}"
        connection.send(new_method_return(message, "o", (path,)))
        results: dict[str, tuple[str, Any]] = {}
        if portal.response == 0 and portal.image is not None:
            target = portal.folder / f"Screenshot {len(portal.saved)}.png"
            portal.image.save(target)
            portal.saved.append(target)
            results["uri"] = ("s", target.as_uri())
        if portal.stray_first:
            other = DBusAddress(f"{path}_someone_else", interface=REQUEST_INTERFACE)
            connection.send(new_signal(other, "Response", "ua{sv}", (1, {})))
        emitter = DBusAddress(path, interface=REQUEST_INTERFACE)
        connection.send(new_signal(emitter, "Response", "ua{sv}", (portal.response, results)))
