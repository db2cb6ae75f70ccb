"""A desktop whose Secret Service never answers: what a person with a locked keyring meets (issue 17).

A locked gnome-keyring answers a read by asking for a password prompt and waiting on it; to the
app that is a D-Bus call that never returns (DESKTOP-TESTING.md, pitfalls: ``keys list`` waited
over 10 minutes). ``silent_secret_service`` gives the same to a test without depending on how a
prompter behaves on a bare X server: a stand-in written with jeepney owns ``org.freedesktop.secrets``
on a private session bus, so keyring picks its SecretService backend, and then reads every method
call and never replies to one.

Run as ``python -m tests.locked_keyring`` it is that stand-in: it prints ``ready`` once it owns
the name and serves until the bus goes away or it is ended by its PID.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from tests.virtual_desktop import VirtualDesktop, virtual_desktop

REPO = Path(__file__).resolve().parents[1]
PYTHON = REPO / ".venv" / "bin" / "python"
SECRETS = "org.freedesktop.secrets"
START_TIMEOUT = 10.0


def start_silent_secret_service(desktop: VirtualDesktop) -> None:
    """A private session bus for ``desktop`` on which ``org.freedesktop.secrets`` never answers."""
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=desktop.env,
    )
    desktop.processes.append(bus)
    assert bus.stdout is not None
    desktop.env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().decode().strip()
    silent = subprocess.Popen(
        [str(PYTHON), "-m", "tests.locked_keyring"],
        cwd=str(REPO),
        env=desktop.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    desktop.processes.append(silent)
    assert silent.stdout is not None
    # The stand-in says "ready" only once it owns the name: a sign, not a sleep.
    ready = _read_line(silent, START_TIMEOUT)
    if ready != "ready":
        raise RuntimeError(f"the silent Secret Service did not start (said {ready!r})")


def _read_line(process: subprocess.Popen[bytes], timeout: float) -> str:
    import selectors

    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            return ""
    return process.stdout.readline().decode().strip()


@contextlib.contextmanager
def silent_secret_service(width: int = 640, height: int = 480) -> Iterator[VirtualDesktop]:
    """An Xvfb plus a session bus whose Secret Service owns its name and never replies."""
    with virtual_desktop(width, height) as desktop:
        start_silent_secret_service(desktop)
        yield desktop


def _serve() -> int:
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    connection = open_dbus_connection(bus="SESSION")
    # 4 = DBUS_NAME_FLAG_DO_NOT_QUEUE; 1 = we are the primary owner.
    reply = connection.send_and_get_reply(message_bus.RequestName(SECRETS, 4), timeout=START_TIMEOUT)
    if reply.body != (1,):
        print(f"could not own {SECRETS}: {reply.body}", flush=True)  # noqa: T201
        return 1
    print("ready", flush=True)  # noqa: T201
    with contextlib.suppress(OSError, ConnectionError, EOFError):
        while True:
            connection.receive()  # read every call, answer none: a keyring waiting on its prompt
    return 0


if __name__ == "__main__":
    sys.exit(_serve())
