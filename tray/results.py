"""Deliver a finished image: to the clipboard, to a new file, or both, and nothing at all on failure.

Everything that can fail before a change is done first (encoding, the file name). The file is saved
next, as a new file that nothing else owns; if the clipboard then refuses the image, that new file
is removed again. So a failed delivery leaves the clipboard and the folder exactly as they were.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from PIL import Image

from core.config import OutputSettings
from core.errors import ClipboardError
from core.output import EXTENSIONS, NameFields, encode_image, render_file_name, write_new_file

log = logging.getLogger(__name__)


class PngClipboard(Protocol):
    def write_png(self, data: bytes) -> None: ...


@dataclass(frozen=True)
class Naming:
    """What the file-name pattern may say about this result."""

    preset: str
    provider: str
    mode: str


@dataclass(frozen=True)
class Delivery:
    copied: bool
    saved: Path | None
    width: int
    height: int


def deliver(
    image: Image.Image,
    output: OutputSettings,
    naming: Naming,
    clipboard: PngClipboard | None,
    *,
    now: datetime | None = None,
) -> Delivery:
    """Put ``image`` where ``output.mode`` says. Raises an ``AppError`` with nothing changed."""
    copy = output.mode in {"clipboard", "both"}
    save = output.mode in {"save", "both"}
    png = encode_image(image, "png") if copy else b""
    file_data = b""
    stem = ""
    if save:
        file_data = png if output.format == "png" and png else encode_image(image, output.format)
        when = now or datetime.now()
        fields = NameFields(naming.preset, naming.provider, naming.mode, image.width, image.height, when)
        stem = render_file_name(output.pattern, fields)
    saved = write_new_file(file_data, output.folder, stem, EXTENSIONS[output.format]) if save else None
    if copy:
        if clipboard is None:
            raise _undo(saved, "No clipboard tool is available, so the result could not be copied.")
        try:
            clipboard.write_png(png)
        except Exception:
            _remove(saved)
            raise
    log.info("delivered a %dx%d result (copied=%s, saved=%s)", image.width, image.height, copy, saved is not None)
    return Delivery(copy, saved, image.width, image.height)


def _remove(path: Path | None) -> None:
    if path is not None:
        with contextlib.suppress(OSError):
            path.unlink()


def _undo(saved: Path | None, message: str) -> ClipboardError:
    _remove(saved)
    return ClipboardError(message)
