"""Reading the settings file without surprises: only a regular file, only a settings file's size.

A path given with ``--config`` or ``AIIS_CONFIG`` can name anything. A FIFO would block the reader
forever (the tray would never start), ``/dev/zero`` would be read until memory runs out, a folder
gives an odd error (issue 16). The file is opened with ``O_NONBLOCK`` (so opening a FIFO that has no
writer returns at once instead of waiting) and checked with ``fstat`` on that same descriptor before
a byte is read, so no swap of the path between check and read can slip past.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from core.errors import ConfigError

# The commented defaults are about 3 KB; a hand-kept file with many presets stays far below this.
MAX_SETTINGS_BYTES = 1024 * 1024
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words."""
    for test, words in _KINDS:
        if test(mode):
            return words
    return "not a regular file"


def read_settings_text(path: Path) -> str | None:
    """The text of the settings file at ``path``; None if there is none. Raises ``ConfigError``."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise ConfigError("is a folder, not a settings file", path=str(path)) from None
    except OSError as error:
        if path.is_dir():  # Windows cannot open a folder at all: PermissionError
            raise ConfigError("is a folder, not a settings file", path=str(path)) from None
        raise ConfigError(f"cannot be read ({error.strerror or error})", path=str(path)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(f"is {kind_of(info.st_mode)}, not a settings file; nothing was read", path=str(path))
        if info.st_size > MAX_SETTINGS_BYTES:
            raise ConfigError(_too_big(info.st_size), path=str(path))
        # One byte past the limit: a file that grows while being read is still caught.
        data = _read_up_to(fd, MAX_SETTINGS_BYTES + 1)
    except OSError as error:
        raise ConfigError(f"cannot be read ({error.strerror or error})", path=str(path)) from None
    finally:
        os.close(fd)
    if len(data) > MAX_SETTINGS_BYTES:
        raise ConfigError(_too_big(len(data)), path=str(path))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"is not UTF-8 text (byte {error.start} cannot be read); save it as UTF-8", path=str(path)
        ) from None


def _read_up_to(fd: int, limit: int) -> bytes:
    chunks = []
    total = 0
    while total < limit:
        chunk = os.read(fd, min(64 * 1024, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _too_big(size: int) -> str:
    return (
        f"is {size / 1024 / 1024:.1f} MB; a settings file is a few KB, so it was not read "
        f"(the limit is {MAX_SETTINGS_BYTES // 1024 // 1024} MB)"
    )
