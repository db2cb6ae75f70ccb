"""One thread that makes every call to the OS keyring, each with a time limit (docs/adr/017).

A locked Secret Service answers a read by asking the desktop for a password prompt and waiting
for it, and ``secretstorage`` waits on the D-Bus reply with no time limit: ``keys list`` once
waited more than 10 minutes, and the tray's Tk thread froze with it (issue 17). So the caller
never makes the call itself: it hands it to this worker and waits at most ``timeout`` seconds.

Only one call runs at a time, on one daemon thread per worker, so a hung keyring holds one thread
and no more: while a call is stuck past its limit, every later call fails at once with the same
message, until the stuck one returns. The thread is a daemon, so a D-Bus call that never returns
cannot keep the process from exiting.
"""

from __future__ import annotations

import concurrent.futures
import logging
import queue
import threading
from collections.abc import Callable
from typing import Protocol, TypeVar

from core.errors import KeyringTimeoutError

log = logging.getLogger(__name__)

T = TypeVar("T")
DEFAULT_TIMEOUT = 5.0
_Task = tuple[Callable[["KeyBackend | None"], object], "concurrent.futures.Future[object]"]


class KeyBackend(Protocol):
    """The part of the ``keyring`` module that the store uses (a seam for tests)."""

    def get_password(self, service_name: str, username: str) -> str | None: ...
    def set_password(self, service_name: str, username: str, password: str) -> None: ...
    def delete_password(self, service_name: str, username: str) -> None: ...


class KeyringWorker:
    """Runs ``call(operation)`` on its own thread; ``open_backend`` runs there too, on first use.

    Opening is deferred because ``keyring.get_keyring()`` itself talks to D-Bus to pick a backend.
    """

    def __init__(self, open_backend: Callable[[], KeyBackend | None], timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout
        self._open_backend = open_backend
        self._opened = False
        self._backend: KeyBackend | None = None
        self._tasks: queue.SimpleQueue[_Task] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stuck = False

    @property
    def stuck(self) -> bool:
        """True while a call has outlived its limit and not yet returned."""
        with self._lock:
            return self._stuck

    def call(self, operation: Callable[[KeyBackend | None], T], env_var: str = "") -> T:
        """``operation(backend)`` on the worker; ``KeyringTimeoutError`` naming ``env_var`` if it takes too long."""
        future: concurrent.futures.Future[object] = concurrent.futures.Future()
        with self._lock:
            if self._stuck:
                raise KeyringTimeoutError(self.timeout, env_var)
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name="aiis-keyring", daemon=True)
                self._thread.start()
            self._tasks.put((operation, future))
        try:
            return future.result(self.timeout)  # type: ignore[return-value]
        except concurrent.futures.TimeoutError:
            with self._lock:
                if future.done() and not future.cancelled():
                    return future.result()  # type: ignore[return-value]  # it returned just now
                # Still queued: it waits behind a call that is itself past the limit. Either way
                # the worker is stuck until that call returns; _serve clears the mark then.
                future.cancel()
                self._stuck = True
            log.info("the OS keyring did not answer within %g s; later calls fail at once until it does", self.timeout)
            raise KeyringTimeoutError(self.timeout, env_var) from None

    def _serve(self) -> None:
        while True:
            operation, future = self._tasks.get()
            if not future.set_running_or_notify_cancel():
                continue  # its caller gave up while it was queued
            try:
                future.set_result(operation(self._backend_once()))
            except BaseException as error:  # handed to the caller, who reports it
                future.set_exception(error)
            # After the result is set, so a caller timing out at this moment sees it done (call()).
            with self._lock:
                if self._stuck:
                    log.info("the OS keyring answered again")
                self._stuck = False

    def _backend_once(self) -> KeyBackend | None:
        if not self._opened:
            self._backend = self._open_backend()
            self._opened = True
        return self._backend
