"""One tray per user on Linux and macOS: a Unix socket guarded by a lock file.

The channel is a Unix socket in the per-user runtime folder (0700, socket 0600) and every
connection's peer uid is checked (SO_PEERCRED / LOCAL_PEERCRED). Who is primary is decided by an
exclusive lock on a file beside the socket, held for the tray's lifetime: the kernel drops it when
the process dies, even by SIGKILL, so a stale socket is recognised (its lock is free and
connecting to it is refused) and replaced.
"""

from __future__ import annotations

import logging
import os
import socket
import stat
import sys
from pathlib import Path

from core.errors import InstanceError
from tray.instance_channel import LOCK_NAME, SOCKET_NAME, Primary, Secondary

if sys.platform == "win32":
    # Windows opens the channel in single_instance_win; this guard also tells the type checker so.
    raise ImportError("single_instance_posix is for Linux and macOS")

log = logging.getLogger(__name__)


def ensure_private_dir(folder: Path) -> Path:
    """Create ``folder`` as 0700 and make sure it is ours and private; refuse anything else."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError as error:
        raise InstanceError(
            f"The folder for the single-instance channel, {folder}, cannot be created ({error.strerror or error}); "
            "set XDG_RUNTIME_DIR to a private folder of yours."
        ) from None
    if not stat.S_ISDIR(info.st_mode):
        raise InstanceError(f"{folder} must be a folder, not a link or a file; remove it and start again.")
    if info.st_uid != os.geteuid():
        raise InstanceError(f"{folder} belongs to another user; remove it or set XDG_RUNTIME_DIR to a folder of yours.")
    if info.st_mode & 0o077:
        folder.chmod(0o700)
    return folder


def claim_posix(folder: Path) -> Primary | Secondary:
    """Become the tray (listening, not yet serving) or get a client for the one that runs."""
    import fcntl

    ensure_private_dir(folder)
    path, lock_path = folder / SOCKET_NAME, folder / LOCK_NAME
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    lock = os.fdopen(descriptor, "r+b")
    try:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        return Secondary(path)
    try:
        _remove_stale(path)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(path))
        # The 0700 folder already shuts others out; 0600 keeps it so if the folder is ever loosened.
        path.chmod(0o600)
        listener.listen(8)
    except OSError as error:
        lock.close()
        raise InstanceError(f"Could not open the single-instance channel {path} ({error.strerror or error}).") from None
    return Primary(listener, path, lock)


def _remove_stale(path: Path) -> None:
    """We hold the lock, so a socket here is left over from a process that died without cleaning up."""
    if not path.exists() and not path.is_symlink():
        return
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(str(path))
        except (ConnectionRefusedError, FileNotFoundError):
            log.info("replacing a stale single-instance socket left by a stopped app: %s", path)
        else:
            log.warning("an unlocked process still listens on %s; taking the name over", path)
    path.unlink(missing_ok=True)
