"""Desktops whose Secret Service never answers: what a person with a locked keyring meets (issue 17).

A locked gnome-keyring answers a read by asking for a password prompt and waiting on it; to the
app that is a D-Bus call that never returns (DESKTOP-TESTING.md, pitfalls: ``keys list`` waited
over 10 minutes). Two ways to get there on a private session bus:

- ``silent_secret_service``: a stand-in written with jeepney owns ``org.freedesktop.secrets``, so
  keyring picks its SecretService backend, and then reads every method call and never replies to
  one. It does not depend on how a prompter behaves on a bare X server.
- ``locked_gnome_keyring``: the real thing. A login keyring exists with a password, and nothing owns
  ``org.freedesktop.secrets``: the bus activates gnome-keyring from the system's service file at the
  first call, and it asks gcr-prompter for the password, which nobody types.

Run as ``python -m tests.locked_keyring`` it is that stand-in: it prints ``ready`` once it owns
the name and serves until the bus goes away or it is ended by its PID.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from tests.virtual_desktop import VirtualDesktop, _stop, virtual_desktop

REPO = Path(__file__).resolve().parents[1]
PYTHON = REPO / ".venv" / "bin" / "python"
SECRETS = "org.freedesktop.secrets"
START_TIMEOUT = 10.0
PASSWORD = b"login-password-nobody-types"
# What the bus starts for us when the keyring is asked: ended by their PIDs, which the bus tells.
ACTIVATED = (SECRETS, "org.gnome.keyring.SystemPrompter", "org.gnome.keyring.PrivatePrompter")


@contextlib.contextmanager
def silent_bus(env: Mapping[str, str]) -> Iterator[str]:
    """A private session bus on which ``org.freedesktop.secrets`` never answers; yields its address.

    Separate from any Xvfb, so a test in this process can keep the session's display: a Tk that once
    used a display dies when that X server goes away (XIO error), even after ``destroy()``.
    """
    processes: list[subprocess.Popen[bytes]] = []
    try:
        bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=dict(env),
        )
        processes.append(bus)
        address = _read_line(bus, START_TIMEOUT)
        silent = subprocess.Popen(
            [str(PYTHON), "-m", "tests.locked_keyring"],
            cwd=str(REPO),
            env={**env, "DBUS_SESSION_BUS_ADDRESS": address},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        processes.append(silent)
        # The stand-in says "ready" only once it owns the name: a sign, not a sleep.
        ready = _read_line(silent, START_TIMEOUT)
        if ready != "ready":
            raise RuntimeError(f"the silent Secret Service did not start (said {ready!r})")
        yield address
    finally:
        for process in reversed(processes):
            _stop(process)


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
    with virtual_desktop(width, height) as desktop, silent_bus(desktop.env) as address:
        desktop.env["DBUS_SESSION_BUS_ADDRESS"] = address
        yield desktop


@contextlib.contextmanager
def locked_gnome_keyring(width: int = 640, height: int = 480) -> Iterator[VirtualDesktop]:
    """An Xvfb plus a session bus on which gnome-keyring is activatable and its login keyring locked."""
    with virtual_desktop(width, height) as desktop:
        _start_bus(desktop)
        try:
            _make_login_keyring(desktop)
            yield desktop
        finally:
            _stop_activated(desktop)


def _start_bus(desktop: VirtualDesktop) -> None:
    # The address is chosen first and put in the bus's own environment: what the bus activates
    # inherits it, and never autolaunches a bus of its own (DESKTOP-TESTING.md, pitfalls).
    address = f"unix:path={desktop.env['XDG_RUNTIME_DIR']}/bus"
    desktop.env["DBUS_SESSION_BUS_ADDRESS"] = address
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", f"--address={address}", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=desktop.env,
    )
    desktop.processes.append(bus)
    assert bus.stdout is not None
    if not _read_line(bus, START_TIMEOUT):
        raise RuntimeError("the private session bus did not start")


def _make_login_keyring(desktop: VirtualDesktop) -> None:
    """A login keyring with a password and one item in it, then no keyring daemon at all."""
    daemon = subprocess.Popen(
        ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=desktop.env,
    )
    assert daemon.stdin is not None
    daemon.stdin.write(PASSWORD)
    daemon.stdin.close()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        store = ["secret-tool", "store", "--label=aiis", "service", "ai-image-studio", "username", "ideogram"]
        while desktop.run(*store, check=False, timeout=5, input_bytes=b"ideo-key-0123456789").returncode != 0:
            if time.monotonic() > deadline:
                raise RuntimeError("gnome-keyring did not store the first item")
            time.sleep(0.1)
    finally:
        daemon.terminate()
        daemon.wait(5)
    _stop_activated(desktop)  # one may have been activated by the first secret-tool call
    keyring = Path(desktop.env["XDG_DATA_HOME"]) / "keyrings" / "login.keyring"
    if not keyring.is_file():
        raise RuntimeError(f"no login keyring at {keyring}")


def _stop_activated(desktop: VirtualDesktop) -> None:
    from jeepney import DBusErrorResponse
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection
    from jeepney.wrappers import unwrap_msg

    with open_dbus_connection(bus=desktop.env["DBUS_SESSION_BUS_ADDRESS"]) as connection:
        for name in ACTIVATED:
            try:
                reply = connection.send_and_get_reply(message_bus.GetConnectionUnixProcessID(name), timeout=5)
                pid = int(unwrap_msg(reply)[0])
            except (DBusErrorResponse, TimeoutError):
                continue  # nobody owns it
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            _wait_gone(pid)


def _wait_gone(pid: int) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.02)


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
