"""The opt-in history (``privacy.history``, issue 18): one folder per finished job in the state folder.

Each record (``core.history_record``) is written in a hidden ``.new-*`` folder and renamed into place
only when complete, so a crash never leaves half a record in the list (ADR 031). Folders are 0700
and files 0600: a crop can show anything that was on the screen. A key is never part of a record:
the job's key is a lookup that never reaches here. Anything in the folder that is not a whole
record of ours is skipped with a log line and left alone, never a crash.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import stat
import time
from datetime import UTC
from pathlib import Path

from PIL import Image

from core.errors import HistoryError
from core.history_record import (
    ENTRY_FILE,
    NAME_PATTERN,
    THUMB_FILE,
    Entry,
    Record,
    entry_from,
    images_of,
    json_of,
    load,
    png,
    reason,
    write_private,
)

log = logging.getLogger(__name__)

__all__ = ["ENTRY_FILE", "Entry", "History", "Record"]

FOLDER_MODE = 0o700
# A record still being written by a live process is seconds old; one older was a killed write.
LEFTOVER_AGE_S = 15 * 60


class History:
    """The records in ``folder``, kept under ``max_bytes`` by removing the oldest first."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder = folder
        self.max_bytes = max_bytes

    def add(self, record: Record) -> Entry:
        """Write ``record`` whole or not at all, then prune to the cap. Raises ``HistoryError``."""
        if not record.results:
            raise HistoryError("A job without a result is not kept in the history.")
        self._make_folder()
        self._remove_leftovers()
        name = (
            record.when.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + os.urandom(4).hex()
        )  # not secrets: see core/output.py
        temp = self.folder / f".new-{name}"
        try:
            temp.mkdir(mode=FOLDER_MODE)
            temp.chmod(FOLDER_MODE)
            for file_name, image in images_of(record):
                write_private(temp / file_name, png(image))
            write_private(temp / ENTRY_FILE, json.dumps(json_of(record), ensure_ascii=False).encode("utf-8"))
            temp.rename(self.folder / name)
        except OSError as error:
            shutil.rmtree(temp, ignore_errors=True)
            raise HistoryError(f"The history in {self.folder} cannot be written ({error.strerror or error}).") from None
        entry = self._read(self.folder / name)
        self.prune()
        if entry is None:  # pragma: no cover - we just wrote it whole
            raise HistoryError(f"The record just written in {self.folder} cannot be read back.")
        return entry

    def entries(self) -> list[Entry]:
        """Every whole record, newest first; anything else in the folder is skipped with a log line."""
        try:
            children = sorted(self.folder.iterdir(), key=lambda path: path.name, reverse=True)
        except FileNotFoundError:
            return []
        except OSError as error:
            raise HistoryError(f"The history in {self.folder} cannot be read ({error.strerror or error}).") from None
        found = []
        for child in children:
            if child.name.startswith("."):
                continue
            entry = self._read(child)
            if entry is not None:
                found.append(entry)
        return found

    def total_bytes(self) -> int:
        return sum(entry.size_bytes for entry in self.entries())

    def prune(self) -> list[str]:
        """Remove the oldest records until the rest fit in ``max_bytes``; the ids removed."""
        entries = self.entries()
        total = sum(entry.size_bytes for entry in entries)
        removed = []
        for entry in reversed(entries):
            if total <= self.max_bytes:
                break
            self.delete(entry.id)
            total -= entry.size_bytes
            removed.append(entry.id)
        if removed:
            log.info("history: removed the %d oldest record(s) to stay under %d bytes", len(removed), self.max_bytes)
        return removed

    def delete(self, entry_id: str) -> None:
        """Remove one record (ours only: a name of our pattern, a real folder, not a link)."""
        if not NAME_PATTERN.match(entry_id):
            raise HistoryError(f"'{entry_id}' is not a history record.")
        folder = self.folder / entry_id
        try:
            if not stat.S_ISDIR(folder.lstat().st_mode):
                raise HistoryError(f"'{entry_id}' is not a history record.")
            shutil.rmtree(folder)
        except FileNotFoundError:
            return
        except OSError as error:
            raise HistoryError(f"The history record cannot be removed ({error.strerror or error}).") from None

    def clear(self) -> int:
        """Remove every record of ours; how many. Folders not ours stay (and are said in the log)."""
        removed = 0
        with contextlib.suppress(FileNotFoundError):
            for child in self.folder.iterdir():
                if NAME_PATTERN.match(child.name) and not child.is_symlink() and child.is_dir():
                    self.delete(child.name)
                    removed += 1
                elif not child.name.startswith(".new-"):
                    log.warning("history: left %s alone: it is not a record of ours", child.name)
        self._remove_leftovers(max_age=0)
        return removed

    def results(self, entry: Entry) -> tuple[Image.Image, ...]:
        return tuple(load(entry.folder / f"result-{index}.png") for index in range(1, entry.result_count + 1))

    def crop(self, entry: Entry) -> Image.Image:
        return load(entry.folder / "crop.png")

    def mask(self, entry: Entry) -> Image.Image | None:
        return load(entry.folder / "mask.png") if entry.has_mask else None

    def thumbnail(self, entry: Entry) -> Image.Image:
        return load(entry.folder / THUMB_FILE)

    def _make_folder(self) -> None:
        try:
            self.folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
            self.folder.chmod(FOLDER_MODE)
        except OSError as error:
            raise HistoryError(
                f"The history folder {self.folder} cannot be made ({error.strerror or error})."
            ) from None

    def _remove_leftovers(self, max_age: float = LEFTOVER_AGE_S) -> None:
        deadline = time.time() - max_age
        with contextlib.suppress(OSError):
            for leftover in self.folder.glob(".new-*"):
                with contextlib.suppress(OSError):
                    if not leftover.is_symlink() and leftover.lstat().st_mtime <= deadline:
                        shutil.rmtree(leftover)

    def _read(self, folder: Path) -> Entry | None:
        try:
            return entry_from(folder)
        except (OSError, ValueError, TypeError, KeyError) as error:
            # Never the prompt or the file's text: only which folder and why.
            log.warning("history: skipped %s: %s", folder.name, reason(error))
            return None
