"""Writing results: encoding, file names from the pattern, and saves that never clobber a file.

A save goes to a hidden temporary file beside the target and is renamed into place only when
complete, so a failed or interrupted job leaves no half-written file and the old file as it was.
A ``.aiis-*.part`` file can only outlive its job if the process is killed outright (SIGKILL, power
loss); the next save in that folder removes such leftovers once they are old enough to be nobody's
save in progress (issue 16).
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import stat
import string
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import MappingProxyType

from PIL import Image

from core.errors import InputError, OutputError
from core.settings_file import kind_of

PIL_FORMATS = MappingProxyType({"png": "PNG", "jpeg": "JPEG", "jpg": "JPEG", "webp": "WEBP"})
EXTENSIONS = MappingProxyType({"png": ".png", "jpeg": ".jpg", "webp": ".webp"})
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK})
NEW_FILE_MODE = 0o666  # less the umask, as for any file a program creates
PRIVATE_FILE_MODE = 0o600
TEMP_ATTEMPTS = 100
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
# Control and format characters (bidi overrides such as U+202E turn "gnp.exe" into "exe.png" on screen),
# surrogates and line separators: invisible or misleading in a file name, so dropped (issue 16).
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# One path component: 255 bytes on ext4, btrfs, xfs, APFS (UTF-8); NTFS counts 255 UTF-16 units, fewer.
MAX_NAME_BYTES = 255
# Room for "-9999", the highest number write_new_file appends to a taken name.
_NUMBER_ROOM = 5
PART_GLOB = ".aiis-*.part"
# A save is one write and an fsync: one still running after this long is a killed process's leftover.
LEFTOVER_AGE_S = 15 * 60


def encode_image(image: Image.Image, fmt: str = "png", *, fast: bool = True) -> bytes:
    """Encode for the clipboard or a file. PNG at level 1: 2x faster than default, ~10% larger."""
    pil_format = PIL_FORMATS.get(fmt.lower())
    if pil_format is None:
        raise OutputError(f"'{fmt}' is not an image format we write (png, jpeg or webp).")
    buffer = io.BytesIO()
    if pil_format == "JPEG" and image.mode not in {"RGB", "L"}:
        # JPEG has no alpha: flatten onto white, as a paste into most apps would show it.
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    if pil_format == "PNG":
        image.save(buffer, "PNG", compress_level=1 if fast else 6)
    elif pil_format == "WEBP":
        image.save(buffer, "WEBP", lossless=True, quality=80, method=0 if fast else 4)
    else:
        image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


@dataclass(frozen=True)
class NameFields:
    """What the file-name pattern can say about a result."""

    preset: str
    provider: str
    mode: str
    width: int
    height: int
    when: datetime


def render_file_name(pattern: str, fields: NameFields) -> str:
    """The pattern filled in, made safe as a single file name (no folders, no odd characters)."""
    values = {
        "date": fields.when.strftime("%Y-%m-%d"),
        "time": fields.when.strftime("%H-%M-%S"),
        "preset": fields.preset,
        "provider": fields.provider,
        "mode": fields.mode,
        "width": str(fields.width),
        "height": str(fields.height),
    }
    name = _fill(pattern, values)
    return safe_stem(name) or "image"


def _fill(pattern: str, values: dict[str, str]) -> str:
    """``{name}`` replaced, nothing else: no format spec, attribute or index is ever evaluated."""
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as error:
        raise OutputError(f"The file-name pattern '{pattern}' cannot be used ({error}).") from None
    parts = []
    for literal, name, spec, conversion in parsed:
        parts.append(literal)
        if name is None:
            continue
        if spec or conversion or name not in values:
            raise OutputError(f"The file-name pattern '{pattern}' cannot be used ('{{{name}}}' is not a placeholder).")
        parts.append(values[name])
    return "".join(parts)


def safe_stem(text: str, *, room: int = 0) -> str:
    """``text`` as one file name: no folders, no invisible characters, at most 255 bytes less ``room``."""
    visible = "".join(char for char in text if unicodedata.category(char) not in _INVISIBLE)
    name = _UNSAFE.sub("_", visible).strip(" .")
    return _cut(name, MAX_NAME_BYTES - room).strip(" .")


def _cut(text: str, limit: int) -> str:
    encoded = text.encode("utf-8", "replace")
    if len(encoded) <= limit:
        return text
    # Never half a character: the cut's partial UTF-8 sequence is dropped.
    return encoded[:limit].decode("utf-8", "ignore")


def output_target(name: str) -> tuple[Path, str]:
    """An ``--output FILE`` checked before anything is sent: the path and the format its extension names.

    A device, FIFO or folder is refused: the save renames a complete temporary file over the target,
    which would replace a FIFO by a plain file and cannot work on /dev/null (issue 16). Standard
    output is ``-``, handled by the caller.
    """
    path = Path(name).expanduser()
    if len(os.fsencode(path.name)) > MAX_NAME_BYTES:
        raise InputError(f"The output file name is longer than {MAX_NAME_BYTES} bytes, more than file systems allow.")
    try:
        mode: int | None = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise InputError(f"'{path}' cannot be used as the output ({error.strerror or error}).") from None
    if mode is not None and not stat.S_ISREG(mode):
        raise InputError(f"'{path}' is {kind_of(mode)}, not a file: --output takes the name of an image file.")
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in PIL_FORMATS:
        raise InputError(f"'{path}' does not end in .png, .jpg or .webp: name the format by its extension.")
    return path, "jpeg" if fmt == "jpg" else fmt


def remove_leftover_parts(folder: Path, *, now: float | None = None) -> list[Path]:
    """Remove the temporary files of saves killed outright; a recent one may be a save in progress."""
    removed = []
    deadline = (time.time() if now is None else now) - LEFTOVER_AGE_S
    with contextlib.suppress(OSError):
        for leftover in folder.glob(PART_GLOB):
            with contextlib.suppress(OSError):
                info = leftover.lstat()
                if stat.S_ISREG(info.st_mode) and info.st_mtime < deadline:
                    leftover.unlink()
                    removed.append(leftover)
    return removed


def write_new_file(data: bytes, folder: Path, stem: str, extension: str) -> Path:
    """Write ``data`` as a new file in ``folder``; ``stem-2``, ``stem-3``... if the name is taken."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"The output folder {folder} cannot be created ({error.strerror or error}).") from None
    remove_leftover_parts(folder)
    stem = safe_stem(stem, room=len(extension.encode("utf-8")) + _NUMBER_ROOM) or "image"
    for attempt in range(1, 10_000):
        candidate = folder / (f"{stem}{extension}" if attempt == 1 else f"{stem}-{attempt}{extension}")
        if candidate.exists():
            continue
        try:
            _write_atomically(data, candidate, overwrite=False, mode=NEW_FILE_MODE)
        except FileExistsError:
            continue
        return candidate
    raise OutputError(f"Too many files named {stem}* in {folder}.")


def write_file(
    data: bytes, target: Path, *, private: bool = True, before_replace: Callable[[], None] | None = None
) -> Path:
    """Write ``data`` to ``target`` (replacing it) only once all of it is on disk.

    ``private`` files (settings, history, the instance token) are 0600; a result the person asked
    for (``private=False``) gets the mode their umask gives, like any file they create.
    ``before_replace`` runs when the data is on disk beside the target, just before it takes the
    target's place; if it raises, the target is left as it was (core.delivery: the clipboard).
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"The folder {target.parent} cannot be created ({error.strerror or error}).") from None
    try:
        existing: int | None = target.stat().st_mode
    except OSError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing):
        raise OutputError(f"{target} is {kind_of(existing)}, not a file; nothing was written.")
    remove_leftover_parts(target.parent)
    mode = PRIVATE_FILE_MODE if private else NEW_FILE_MODE
    _write_atomically(data, target, overwrite=True, mode=mode, before_replace=before_replace)
    return target


def _write_exclusive(data: bytes, target: Path) -> None:
    """For file systems without hard links (FAT, some network shares): create-only, removed on failure."""
    with target.open("xb") as stream:
        try:
            stream.write(data)
        except OSError:
            target.unlink(missing_ok=True)
            raise


def _create_temp(folder: Path, mode: int) -> tuple[int, Path]:
    """A new hidden file created with ``mode`` less the umask (mkstemp would force 0600 on everything).

    A saved result is an ordinary file of the person's: it gets the permissions every other new
    file of theirs gets (issue 17). O_EXCL makes a clash with another file an error, not a reuse.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _attempt in range(TEMP_ATTEMPTS):
        # os.urandom is what secrets.token_hex reads; the secrets module would import hmac and with
        # it OpenSSL's libcrypto, 3.3 MiB of every idle tray (issue 14).
        temp = folder / f".aiis-{os.urandom(8).hex()}.part"
        try:
            return os.open(temp, flags, mode), temp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(folder))


def _write_atomically(
    data: bytes, target: Path, *, overwrite: bool, mode: int, before_replace: Callable[[], None] | None = None
) -> None:
    try:
        handle, temp = _create_temp(target.parent, mode)
    except OSError as error:
        raise OutputError(f"Cannot write in {target.parent} ({error.strerror or error}).") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if before_replace is not None:
            before_replace()
        if overwrite:
            temp.replace(target)
        else:
            # link() fails if the target appeared meanwhile: no race can clobber a file.
            try:
                os.link(temp, target)
            except OSError as error:
                if error.errno not in _NO_HARD_LINKS:
                    raise
                _write_exclusive(data, target)
    except FileExistsError:
        raise
    except OSError as error:
        raise OutputError(
            f"Could not save {target.name} in {target.parent} ({error.strerror or error}); nothing was overwritten."
        ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
