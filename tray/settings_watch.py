"""Notice when the settings file changes, without waking the app while nothing happens.

On Linux the folder is watched with inotify (through ctypes, no extra package) and the descriptor
is registered with Tk's own event loop, so there is no timer at all. Editors save by writing a new
file and renaming it over the old one, which is why the folder is watched, not the file. Elsewhere
a slow stat timer (``FALLBACK_POLL_MS``) is the fallback: one cheap ``stat`` every few seconds.
A symlinked settings file (dotfiles in a repository) is changed where its target lives, so the
target's folder is watched as well (issue 16).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import struct
import sys
import tkinter as tk
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

IN_MODIFY = 0x00000002
IN_CLOSE_WRITE = 0x00000008
IN_MOVED_TO = 0x00000080
IN_CREATE = 0x00000100
IN_DELETE = 0x00000200
IN_NONBLOCK = 0o4000
IN_CLOEXEC = 0o2000000
_EVENT_HEADER = struct.Struct("iIII")
FALLBACK_POLL_MS = 5000
# Editors write in several steps; one reload after the burst is enough.
SETTLE_MS = 150


class SettingsWatch:
    """Calls ``on_change`` on the Tk thread after the file at ``path`` was written, replaced or removed."""

    def __init__(self, root: tk.Misc, path: Path, on_change: Callable[[], None]) -> None:
        self._root = root
        self._path = path
        self._on_change = on_change
        self._fd: int | None = None
        self._pending: str | None = None
        self._poll_id: str | None = None
        self._last = self._stamp()
        places = _places(path)
        self._names = frozenset(os.fsencode(name) for _folder, name in places)
        if sys.platform.startswith("linux") and hasattr(root.tk, "createfilehandler"):
            self._fd = _inotify_watch(tuple(dict.fromkeys(folder for folder, _name in places)))
        if self._fd is not None:
            root.tk.createfilehandler(self._fd, tk.READABLE, self._readable)
            log.debug("watching %s with inotify", ", ".join(str(folder) for folder, _name in places))
        else:
            self._poll_id = root.after(FALLBACK_POLL_MS, self._poll)

    def _stamp(self) -> tuple[int, int] | None:
        try:
            info = self._path.stat()
        except OSError:
            return None
        return (info.st_mtime_ns, info.st_size)

    def _readable(self, fd: int, _mask: int) -> None:
        try:
            data = os.read(fd, 64 * 1024)
        except BlockingIOError:
            return
        if self._names.intersection(_names(data)):
            self._settle()

    def _settle(self) -> None:
        if self._pending is not None:
            self._root.after_cancel(self._pending)
        self._pending = self._root.after(SETTLE_MS, self._fire)

    def _fire(self) -> None:
        self._pending = None
        stamp = self._stamp()
        if stamp == self._last:
            return
        self._last = stamp
        self._on_change()

    def _poll(self) -> None:
        self._poll_id = self._root.after(FALLBACK_POLL_MS, self._poll)
        if self._stamp() != self._last:
            self._fire()

    def close(self) -> None:
        if self._pending is not None:
            self._root.after_cancel(self._pending)
        if self._poll_id is not None:
            self._root.after_cancel(self._poll_id)
        if self._fd is not None:
            # Only Linux gets here with a descriptor (inotify); getattr keeps Windows' Tk, which has no
            # file handlers, out of it for the type checker too.
            remove = getattr(self._root.tk, "deletefilehandler", None)
            if remove is not None:
                with contextlib.suppress(tk.TclError):
                    remove(self._fd)
            os.close(self._fd)
            self._fd = None


def _names(data: bytes) -> list[bytes]:
    names = []
    offset = 0
    while offset + _EVENT_HEADER.size <= len(data):
        _wd, _mask, _cookie, length = _EVENT_HEADER.unpack_from(data, offset)
        start = offset + _EVENT_HEADER.size
        names.append(data[start : start + length].rstrip(b"\0"))
        offset = start + length
    return names


def _places(path: Path) -> list[tuple[Path, str]]:
    """The folder and name of the file, and of the file it links to if it is a symlink."""
    places = [(path.parent, path.name)]
    try:
        if path.is_symlink():
            target = path.resolve()
            places.append((target.parent, target.name))
    except (OSError, RuntimeError):  # a loop of links: the link's own folder is all there is to watch
        pass
    return places


def _inotify_watch(folders: tuple[Path, ...]) -> int | None:
    """An inotify descriptor watching ``folders``, or None where inotify cannot be used."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        fd = int(libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC))
    except (OSError, AttributeError):
        return None
    if fd < 0:
        return None
    mask = IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE
    for folder in folders:
        if libc.inotify_add_watch(fd, os.fsencode(folder), mask) < 0:
            log.info("cannot watch %s (errno %d); settings reload falls back to a timer", folder, ctypes.get_errno())
            os.close(fd)
            return None
    return fd
