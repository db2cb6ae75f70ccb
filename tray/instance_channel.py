"""The single-instance channel's two ends, shared by every OS: the tray answers, a later process sends.

``Primary`` serves hand-off requests on a listening socket (a Unix socket on Linux and macOS, a
loopback TCP socket with a token on Windows); ``Secondary`` connects and sends one. How the
channel is opened and who becomes primary is per OS: ``single_instance_posix`` and
``single_instance_win``, chosen by ``single_instance.claim``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from core.errors import InstanceError
from tray.handoff import HandOff, LineReader, ProtocolError, parse_reply, parse_request, read_line, reply_line

log = logging.getLogger(__name__)

SOCKET_NAME = "tray.sock"
LOCK_NAME = "tray.lock"
CONNECTION_TIMEOUT = 1.0
CLIENT_TIMEOUT = 5.0
TOKEN_LINE_BYTES = 256
DRAIN_CHUNKS = 16
DRAIN_TIMEOUT = 0.2
# macOS <sys/un.h>: SOL_LOCAL and LOCAL_PEERCRED; Python does not export them.
_SOL_LOCAL = 0
_LOCAL_PEERCRED = 0x001

RequestSink = Callable[[HandOff], None]


def peer_uid(conn: socket.socket) -> int | None:
    """The uid of the process at the other end of a Unix socket, or None where the OS cannot say."""
    if conn.family != getattr(socket, "AF_UNIX", None):
        return None
    if hasattr(socket, "SO_PEERCRED"):
        raw = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        _pid, uid, _gid = struct.unpack("3i", raw)
        return int(uid)
    if sys.platform == "darwin":
        # struct xucred { u_int cr_version; uid_t cr_uid; short cr_ngroups; gid_t cr_groups[16]; }
        raw = conn.getsockopt(_SOL_LOCAL, _LOCAL_PEERCRED, 76)
        _version, uid = struct.unpack_from("=II", raw)
        return int(uid)
    return None


def peer_is_allowed(conn: socket.socket, own_uid: int) -> bool:
    uid = peer_uid(conn)
    # Without peer credentials the 0700 folder is the only guard, which is still per-user.
    return uid is None or uid == own_uid


class Primary:
    """We are the tray. ``serve`` starts answering; ``close`` ends it and frees the name."""

    def __init__(self, listener: socket.socket, path: Path, lock: IO[bytes], *, token: bytes | None = None) -> None:
        self.path = path
        self._listener = listener
        self._lock = lock
        # Windows has no peer credentials on a loopback socket: a secret token line comes first there.
        self._token = token
        self._uid = -1
        if sys.platform != "win32":
            self._uid = os.geteuid()
        self._wake_r, self._wake_w = socket.socketpair()
        self._thread: threading.Thread | None = None
        self._closed = threading.Event()

    def serve(self, on_request: RequestSink) -> None:
        """Answer requests on a daemon thread; ``on_request`` only posts them (to the Tk queue)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, args=(on_request,), name="aiis-instance", daemon=True)
        self._thread.start()

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        with contextlib.suppress(OSError):
            self._wake_w.send(b"x")
        if self._thread is not None:
            self._thread.join(2.0)
        # Unlink before unlocking: a new primary must never find our socket after taking the lock.
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self._listener.close()
        self._wake_r.close()
        self._wake_w.close()
        self._lock.close()

    def _loop(self, on_request: RequestSink) -> None:
        import selectors

        with selectors.DefaultSelector() as selector:
            selector.register(self._listener, selectors.EVENT_READ)
            selector.register(self._wake_r, selectors.EVENT_READ)
            while not self._closed.is_set():
                ready = {key.fileobj for key, _ in selector.select()}
                if self._wake_r in ready or self._closed.is_set():
                    return
                try:
                    conn, _ = self._listener.accept()
                except OSError:
                    continue
                with conn:
                    self._answer(conn, on_request)
                    _finish(conn)

    def _answer(self, conn: socket.socket, on_request: RequestSink) -> None:
        conn.settimeout(CONNECTION_TIMEOUT)
        try:
            if not peer_is_allowed(conn, self._uid):
                log.warning("refused a hand-off from another user (uid %s)", peer_uid(conn))
                conn.sendall(reply_line("refused: the connection comes from another user"))
                return
            reader = LineReader(conn)
            if self._token is not None and not _same_token(reader.line(TOKEN_LINE_BYTES), self._token):
                log.warning("refused a hand-off without the right token")
                conn.sendall(reply_line("refused: wrong token"))
                return
            request = parse_request(reader.line())
        except ProtocolError as error:
            log.info("refused a malformed hand-off request: %s", error)
            with contextlib.suppress(OSError):
                conn.sendall(reply_line(f"refused: {error}"))
            return
        except OSError as error:
            log.info("hand-off connection failed: %s", error)
            return
        try:
            on_request(request)
        except Exception:
            log.exception("the hand-off request could not be passed on")
            with contextlib.suppress(OSError):
                conn.sendall(reply_line("the running app could not take the request"))
            return
        log.info("accepted a hand-off request: %s", request.action)
        with contextlib.suppress(OSError):
            conn.sendall(reply_line())


def _finish(conn: socket.socket) -> None:
    """Close our side, then read what the client still sends.

    Closing a TCP socket with unread data sends a reset, which can destroy the reply before the
    client reads it (the Windows transport); a short drain avoids that.
    """
    with contextlib.suppress(OSError):
        conn.shutdown(socket.SHUT_WR)
        conn.settimeout(DRAIN_TIMEOUT)
        for _ in range(DRAIN_CHUNKS):
            if not conn.recv(65536):
                break


class Secondary:
    """Another process is the tray; ``send`` hands it a request."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self, timeout: float) -> socket.socket:
        if sys.platform == "win32":
            raise NotImplementedError("Windows connects through single_instance_win.WindowsSecondary")
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.settimeout(timeout)
            conn.connect(str(self.path))
        except OSError:
            conn.close()
            raise
        return conn

    def send(self, request: HandOff, timeout: float = CLIENT_TIMEOUT) -> None:
        """Deliver ``request`` or raise ``InstanceError`` with the reason."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with self._connect(max(0.1, deadline - time.monotonic())) as conn:
                    conn.sendall(request.to_line())
                    refusal = parse_reply(read_line(conn, 1024))
                break
            except (FileNotFoundError, ConnectionRefusedError):
                # The primary holds the lock but may not be listening yet: it is starting.
                if time.monotonic() > deadline:
                    raise InstanceError(
                        "The running AI Image Studio does not answer; quit it and start again."
                    ) from None
                time.sleep(0.05)
            except (OSError, ProtocolError) as error:
                raise InstanceError(f"Could not hand the request to the running AI Image Studio ({error}).") from None
        if refusal is not None:
            raise InstanceError(f"The running AI Image Studio refused the request: {refusal}")


def _same_token(given: bytes, token: bytes) -> bool:
    # hmac, imported only where a token is used (Windows): it loads OpenSSL's libcrypto through
    # _hashlib, 3.3 MiB of every idle tray on Linux, where the socket's peer credentials decide (issue 14).
    import hmac

    return hmac.compare_digest(given, token)
