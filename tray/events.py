"""What other threads tell the Tk thread, and the queue that carries it (docs/adr/005-threading-model.md).

Tray menu clicks (pystray's thread), hotkeys (the X11 grab reader, RegisterHotKey or pynput threads),
the single-instance server and the job loop never touch a widget. They ``post`` one of the events
below; the Tk thread is woken through a socket pair registered with ``createfilehandler`` and drains
the queue. No timer polls the queue,
so an idle app makes no wake-ups at all.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import socket
import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from core.job_events import JobEvent
from core.keys import KeyStatus
from tray.handoff import HandOff
from tray.hotkeys import HotkeyBinding

log = logging.getLogger(__name__)

POLL_MS_WITHOUT_FILEHANDLER = 100
Source = Literal["screen", "clipboard", "file"]


@dataclass(frozen=True)
class CaptureRequested:
    """Start a capture: from a hotkey, the menu or another instance's hand-off."""

    source: Source = "screen"
    preset: str | None = None
    file: Path | None = None


@dataclass(frozen=True)
class MenuCommand:
    """A tray menu item was clicked. ``value`` is the chosen radio value, if any."""

    action: str
    value: str = ""


@dataclass(frozen=True)
class TrayMenuRequested:
    """A right click on our XEmbed tray icon at root ``x, y``: the Tk thread pops the menu up there."""

    x: int
    y: int


@dataclass(frozen=True)
class JobUpdate:
    """Progress or the end of a job, as the job runner reported it on its loop thread."""

    event: JobEvent


@dataclass(frozen=True)
class NotificationClicked:
    """A notification's action: ``open`` the result, or ``retry`` a failed job."""

    job_id: int
    action: str


@dataclass(frozen=True)
class Problem:
    """Something to tell the person that came from another thread (a hotkey that cannot be grabbed...)."""

    message: str


@dataclass(frozen=True)
class SettingsChanged:
    """The settings file changed on disk."""


@dataclass(frozen=True)
class KeyStatusesFetched:
    """What the keyring said about each provider's key, asked off the Tk thread (tray/key_status.py)."""

    statuses: tuple[KeyStatus, ...]


@dataclass(frozen=True)
class QuitRequested:
    """Quit: from the menu, a signal or another instance."""


@dataclass(frozen=True)
class ViewerRequested:
    """Open the last result's viewer: the ``hotkeys.last_result`` hotkey (issue 18)."""


Event = (
    CaptureRequested
    | MenuCommand
    | TrayMenuRequested
    | JobUpdate
    | NotificationClicked
    | Problem
    | SettingsChanged
    | KeyStatusesFetched
    | QuitRequested
    | ViewerRequested
)

Handler = Callable[[Event], None]


def event_for_hotkey(binding: HotkeyBinding) -> Event:
    if binding.action == "clipboard":
        return CaptureRequested(source="clipboard")
    if binding.action == "last_result":
        return ViewerRequested()
    return CaptureRequested(source="screen", preset=binding.preset)


def event_for_handoff(request: HandOff) -> Event:
    if request.action == "activate":
        return Problem("AI Image Studio is already running: use its tray icon or the capture hotkey.")
    return CaptureRequested(source="clipboard" if request.from_clipboard else "screen", preset=request.preset)


class EventQueue:
    """A thread-safe queue whose ``post`` wakes the Tk thread through a pipe; nothing polls it."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Event] = queue.SimpleQueue()
        # A socket pair, not os.pipe: Windows (Python 3.11) can neither make a pipe non-blocking nor
        # use one for signal.set_wakeup_fd, and a socket serves both on every OS (issue 12).
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._read_fd = self._reader.fileno()
        self._root: tk.Misc | None = None
        self._closed = False

    @property
    def wake_fd(self) -> int:
        """The writing end, for ``signal.set_wakeup_fd``: a signal then wakes Tk too."""
        return self._writer.fileno()

    def post(self, event: Event) -> None:
        """Safe from any thread, including signal handlers' and pystray's."""
        self._queue.put(event)
        # A full pipe already means "wake up": the drain empties the whole queue anyway.
        with contextlib.suppress(BlockingIOError, OSError):
            self._writer.send(b"!")

    def attach(self, root: tk.Misc, handler: Handler) -> None:
        """On the Tk thread: call ``handler`` for every posted event, on the Tk thread."""
        self._root = root

        def on_readable(_fd: int, _mask: int) -> None:
            with contextlib.suppress(BlockingIOError, OSError):
                while self._reader.recv(512):
                    pass
            self.drain(handler)

        if hasattr(root.tk, "createfilehandler"):
            root.tk.createfilehandler(self._read_fd, tk.READABLE, on_readable)
            return

        # Windows' Tk has no file handlers: there a slow poll is the price (ADR 005).
        def poll() -> None:
            if not self._closed:
                on_readable(self._read_fd, 0)
                root.after(POLL_MS_WITHOUT_FILEHANDLER, poll)

        root.after(POLL_MS_WITHOUT_FILEHANDLER, poll)

    def drain(self, handler: Handler) -> None:
        while True:
            try:
                event = self._queue.get_nowait()
            except queue.Empty:
                return
            try:
                handler(event)
            except Exception:
                # One bad event must not stop the tray: it is a bug, logged with its traceback.
                log.exception("handling %s failed", type(event).__name__)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        # Windows' Tk has no file handlers at all (see ``attach``).
        remove = getattr(self._root.tk, "deletefilehandler", None) if self._root is not None else None
        if remove is not None:
            with contextlib.suppress(tk.TclError):
                remove(self._read_fd)
        self._reader.close()
        self._writer.close()
