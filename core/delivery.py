"""Deliver finished images: the one path the tray and the command line share (issue 12).

The order is decided here, once, for every caller:

1. everything that can fail without changing anything: the clipboard tool is there, every image
   is encoded, every file name is made;
2. new files in the output folder (``name-2.png`` rather than replacing one): nobody else owns them;
3. a file the person named (``--output``) is written completely beside its target;
4. the clipboard;
5. only then does the named file take its target's place.

If a step fails, the new files of step 2 are removed again, the named file keeps its old content
and the clipboard was not touched or still holds what it held. So a failed delivery leaves the
clipboard and every file exactly as they were.

When the clipboard is the only destination and no PNG is in hand, a clipboard that can be owned
before its PNG exists (``DeferredPngClipboard``) is offered the encode instead of its result: the
person's paste starts at once and waits only for the encode, as Qt's clipboard does (ADR 039). Encoding
an image already in memory has no bad input to fail on; it runs out of memory at worst.

A PNG the caller already has for an image (the provider's own, checked, for a result delivered
unchanged: ``EditResult.png_for``) goes out as it is wherever a PNG is wanted, instead of being
encoded again (issue 14, ADR 036).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from PIL import Image

from core.config import OutputSettings
from core.errors import ClipboardError
from core.output import EXTENSIONS, NameFields, encode_image, render_file_name, write_file, write_new_file

log = logging.getLogger(__name__)


class PngClipboard(Protocol):
    def write_png(self, data: bytes) -> None: ...


@runtime_checkable
class DeferredPngClipboard(PngClipboard, Protocol):
    """A clipboard that can be owned before its PNG exists (the tray's X11 owner, ADR 039)."""

    def offer_png(self, encode: Callable[[], bytes]) -> None:
        """Own the clipboard now; ``encode()`` makes the PNG that pasters get (they wait for it)."""
        ...


ClipboardSource = Callable[[], PngClipboard | None]


@dataclass(frozen=True)
class Naming:
    """What the file-name pattern may say about this result."""

    preset: str
    provider: str
    mode: str


@dataclass(frozen=True)
class Destination:
    """Where results go. Any mix of the three; none of them means nothing is delivered.

    ``folder`` gets new files named by ``pattern`` (or exactly ``stem`` when given); ``file`` is a
    path the person named, replaced as a whole; ``copy`` puts the first image on the clipboard.
    ``numbered`` names every folder file ``stem-1``, ``stem-2``... (``edit --n 3 --output-dir``), so
    the variants sort together; otherwise the first is ``stem`` and the rest ``stem-2`` on.
    """

    copy: bool = False
    folder: Path | None = None
    folder_format: str = "png"
    pattern: str = "{date}_{time}_{preset}"
    stem: str | None = None
    file: Path | None = None
    file_format: str = "png"
    numbered: bool = False

    @classmethod
    def from_output(cls, output: OutputSettings) -> Destination:
        """The settings' ``output.mode``: clipboard, save (to the output folder) or both."""
        save = output.mode in {"save", "both"}
        return cls(
            copy=output.mode in {"clipboard", "both"},
            folder=output.folder if save else None,
            folder_format=output.format,
            pattern=output.pattern,
        )


@dataclass(frozen=True)
class Delivery:
    """What was done: ``saved`` is the first result's file (the named one, else the folder's)."""

    copied: bool
    saved: Path | None
    width: int
    height: int
    extras: tuple[Path, ...] = ()

    @property
    def files(self) -> tuple[Path, ...]:
        return ((self.saved,) if self.saved is not None else ()) + self.extras


def deliver(
    images: Sequence[Image.Image],
    destination: Destination,
    naming: Naming,
    clipboard: ClipboardSource,
    *,
    now: datetime | None = None,
    encoded: Sequence[bytes | None] = (),
) -> Delivery:
    """Put ``images`` (the first, plus any variants as ``-2``, ``-3`` files) where ``destination`` says.

    ``encoded[i]``, when given, is a PNG of exactly ``images[i]``, used as it is for every PNG of it.
    Raises an ``AppError`` with nothing changed (see the module's docstring for the order).
    """
    first = images[0]
    known = [*encoded[: len(images)], *([None] * (len(images) - len(encoded)))]
    board = _clipboard(clipboard) if destination.copy else None
    deferred = (
        isinstance(board, DeferredPngClipboard)
        and known[0] is None
        and destination.folder is None
        and destination.file is None
    )
    png = (known[0] or encode_image(first, "png")) if board is not None and not deferred else (known[0] or b"")
    folder_files = _folder_plan(images, destination, naming, now or datetime.now(), png, known)
    named_data: list[bytes] = []
    if destination.file is not None:
        # Only the first image may reuse the clipboard's PNG: the variants are other pictures.
        named_data = [_encoded(first, destination.file_format, png)]
        named_data += [
            _encoded(image, destination.file_format, kept) for image, kept in zip(images[1:], known[1:], strict=True)
        ]
    created: list[Path] = []
    try:
        in_folder = [write_new_file(data, folder, stem, ext) for data, folder, stem, ext in folder_files]
        created += in_folder
        named = _write_named(destination.file, named_data, created, board, png)
        if isinstance(board, DeferredPngClipboard) and deferred:
            board.offer_png(lambda: encode_image(first, "png"))
        elif board is not None and destination.file is None:
            board.write_png(png)
    except BaseException:
        _remove(created)
        raise
    files = named + in_folder
    copied = board is not None
    log.info("delivered a %dx%d result (copied=%s, files=%d)", first.width, first.height, copied, len(files))
    return Delivery(copied, files[0] if files else None, first.width, first.height, tuple(files[1:]))


def _clipboard(source: ClipboardSource) -> PngClipboard:
    board = source()
    if board is None:
        raise ClipboardError("No clipboard tool is available, so the result could not be copied.")
    return board


def _encoded(image: Image.Image, fmt: str, png: bytes | None) -> bytes:
    return png if fmt == "png" and png else encode_image(image, fmt)


def _folder_plan(
    images: Sequence[Image.Image],
    destination: Destination,
    naming: Naming,
    when: datetime,
    png: bytes,
    known: Sequence[bytes | None],
) -> list[tuple[bytes, Path, str, str]]:
    folder = destination.folder
    if folder is None:
        return []
    fmt = destination.folder_format
    extension = EXTENSIONS.get(fmt, f".{fmt}")
    first = images[0]
    stem = destination.stem
    if stem is None:
        fields = NameFields(naming.preset, naming.provider, naming.mode, first.width, first.height, when)
        stem = render_file_name(destination.pattern, fields)
    first_stem = f"{stem}-1" if destination.numbered else stem
    planned = [(_encoded(first, fmt, png), folder, first_stem, extension)]
    planned += [
        (_encoded(image, fmt, known[number - 1]), folder, f"{stem}-{number}", extension)
        for number, image in enumerate(images[1:], 2)
    ]
    return planned


def _write_named(
    target: Path | None, data: list[bytes], created: list[Path], board: PngClipboard | None, png: bytes
) -> list[Path]:
    """The named file last: its variants are new files beside it, then the clipboard, then the swap."""
    if target is None:
        return []
    variants = []
    for number, extra in enumerate(data[1:], 2):
        variants.append(write_new_file(extra, target.parent, f"{target.stem}-{number}", target.suffix))
        created.append(variants[-1])

    def copy_first() -> None:
        if board is not None:
            board.write_png(png)

    return [write_file(data[0], target, private=False, before_replace=copy_first), *variants]


def _remove(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()
