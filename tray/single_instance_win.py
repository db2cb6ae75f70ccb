"""Windows hand-off: a loopback TCP socket that only answers a client who knows a per-user secret.

Why not a Unix socket: AF_UNIX exists on Windows 10 1803+ but Python's ``socket`` has no peer
credentials for it, and a loopback port can be reached by every user of the machine. So the
primary writes ``{"port": N, "token": "<64 hex>"}`` to a file in the person's own profile
(``core.paths.runtime_dir()``, under ``%LOCALAPPDATA%``, whose ACL grants only that user, SYSTEM
and Administrators), and every connection must send the token as its first line; it is compared
in constant time. ``SO_EXCLUSIVEADDRUSE`` stops another process from binding the same port to
catch requests. The file is written through ``core.output.write_file`` (temporary file, then
rename) so a client never reads half a token. Who is primary is decided by ``msvcrt.locking`` on
a lock file, which Windows releases when the process ends, however it ends.

This module also runs on POSIX (with ``flock``) so that its protocol is tested on Linux.
"""

from __future__ import annotations

import json
import logging
import secrets
import socket
import sys
from pathlib import Path
from typing import IO

from core.errors import InstanceError, OutputError
from core.output import write_file
from tray.handoff import ProtocolError
from tray.instance_channel import LOCK_NAME, Primary, Secondary

log = logging.getLogger(__name__)

INSTANCE_FILE = "tray-instance.json"
TOKEN_BYTES = 32
MAX_TOKEN = 128
MAX_PORT = 65535


class WindowsSecondary(Secondary):
    """Reads the primary's port and token from the instance file on every attempt."""

    def _connect(self, timeout: float) -> socket.socket:
        port, token = read_instance_file(self.path)
        conn = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        try:
            conn.sendall(token + b"\n")
        except OSError:
            conn.close()
            raise
        return conn


def read_instance_file(path: Path) -> tuple[int, bytes]:
    """The port and token; ``FileNotFoundError`` while the primary is still starting."""
    data = json.loads(path.read_text(encoding="utf-8") or "null")
    if not isinstance(data, dict):
        raise ProtocolError("the instance file is not valid; quit the running app and start again")
    port, token = data.get("port"), data.get("token")
    if not isinstance(port, int) or not 0 < port <= MAX_PORT or not isinstance(token, str) or len(token) > MAX_TOKEN:
        raise ProtocolError("the instance file is not valid; quit the running app and start again")
    return port, token.encode("ascii")


def claim_windows(folder: Path) -> Primary | Secondary:
    folder.mkdir(parents=True, exist_ok=True)
    instance = folder / INSTANCE_FILE
    lock = (folder / LOCK_NAME).open("a+b")
    if not _try_lock(lock):
        lock.close()
        return WindowsSecondary(instance)
    token = secrets.token_hex(TOKEN_BYTES)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        write_file(json.dumps({"port": port, "token": token}).encode("utf-8"), instance)
    except (OSError, OutputError) as error:
        listener.close()
        lock.close()
        raise InstanceError(f"Could not open the single-instance channel in {folder} ({error}).") from None
    log.info("single-instance channel listening on 127.0.0.1:%d", port)
    return Primary(listener, instance, lock, token=token.encode("ascii"))


def _try_lock(handle: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
