"""One record of the opt-in history on disk: its files, its JSON, and reading it back (issue 18, ADR 031).

A record is a folder holding ``entry.json`` (prompt, provider, model, options, cost, date),
``crop.png``, ``mask.png`` when the job had one, ``result-1.png``... and a small ``thumb.png`` for the
History window. Every file is created new (``O_EXCL``, never through a link) with mode 0600.
``core.history`` keeps the collection of records: listing, pruning, removing.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType

from PIL import Image

from core.errors import HistoryError

FORMAT = 1
ENTRY_FILE = "entry.json"
THUMB_FILE = "thumb.png"
THUMB_SIZE = (160, 120)
FILE_MODE = 0o600
# A record's JSON is a prompt and a few options: far below this. A bigger one is not ours.
MAX_ENTRY_BYTES = 256 * 1024
# Providers take far shorter prompts (OpenAI: 32,000 characters); cut so a record always reads back.
MAX_PROMPT_CHARS = 50_000
MAX_RESULTS = 16
NAME_PATTERN = re.compile(r"^\d{8}T\d{12}Z-[0-9a-f]{8}$")
_PNG_MODES = frozenset({"RGB", "RGBA", "L", "LA"})
_SCALARS = (str, int, float, bool, type(None))


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Record:
    """What one finished job leaves behind. ``cost_text`` is what the job cost, in words, when known."""

    crop: Image.Image
    results: tuple[Image.Image, ...]
    prompt: str
    provider: str
    model: str = ""
    options: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    mask: Image.Image | None = None
    cost_text: str = ""
    when: datetime = field(default_factory=_now)


@dataclass(frozen=True)
class Entry:
    """A stored record as the list shows it; its images are read on demand (``History.results``)."""

    id: str
    folder: Path
    when: datetime
    prompt: str
    provider: str
    model: str
    options: Mapping[str, object]
    cost_text: str
    result_count: int
    has_mask: bool
    size_bytes: int


def images_of(record: Record) -> list[tuple[str, Image.Image]]:
    images = [("crop.png", record.crop)]
    if record.mask is not None:
        images.append(("mask.png", record.mask))
    images += [(f"result-{index}.png", image) for index, image in enumerate(record.results[:MAX_RESULTS], 1)]
    thumb = record.results[0].copy()
    thumb.thumbnail(THUMB_SIZE)
    images.append((THUMB_FILE, thumb))
    return images


def json_of(record: Record) -> dict[str, object]:
    return {
        "format": FORMAT,
        "when": record.when.astimezone(UTC).isoformat(),
        "prompt": record.prompt[:MAX_PROMPT_CHARS],
        "provider": record.provider,
        "model": record.model,
        # Only plain values: an option is a size or a quality, never anything to run or to keep secret.
        "options": {str(k): v for k, v in record.options.items() if isinstance(v, _SCALARS)},
        "cost_text": record.cost_text,
        "results": min(len(record.results), MAX_RESULTS),
        "mask": record.mask is not None,
    }


def entry_from(folder: Path) -> Entry:
    if not NAME_PATTERN.match(folder.name):
        raise ValueError("not a record's name")
    if not stat.S_ISDIR(folder.lstat().st_mode):
        raise ValueError("not a folder")
    meta_path = folder / ENTRY_FILE
    if meta_path.lstat().st_size > MAX_ENTRY_BYTES:
        raise ValueError(f"{ENTRY_FILE} is larger than a record's")
    meta = json.loads(meta_path.read_bytes().decode("utf-8"))
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ValueError("not a record of this version")
    texts = {name: meta[name] for name in ("prompt", "provider", "model", "cost_text")}
    if not all(isinstance(value, str) for value in texts.values()):
        raise TypeError("a text field is not text")
    count, has_mask, options = meta["results"], meta["mask"], meta["options"]
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_RESULTS:
        raise ValueError("no usable result count")
    if not isinstance(has_mask, bool) or not isinstance(options, dict):
        raise TypeError("mask or options of the wrong kind")
    needed = ["crop.png", THUMB_FILE, *(f"result-{i}.png" for i in range(1, count + 1))]
    needed += ["mask.png"] if has_mask else []
    for name in needed:
        if not stat.S_ISREG((folder / name).lstat().st_mode):
            raise ValueError(f"{name} is not a file")
    size = sum(child.lstat().st_size for child in folder.iterdir())
    return Entry(
        id=folder.name,
        folder=folder,
        when=datetime.fromisoformat(str(meta["when"])),
        prompt=texts["prompt"],
        provider=texts["provider"],
        model=texts["model"],
        options=MappingProxyType(options),
        cost_text=texts["cost_text"],
        result_count=count,
        has_mask=has_mask,
        size_bytes=size,
    )


def reason(error: BaseException) -> str:
    if isinstance(error, FileNotFoundError):
        return f"{Path(error.filename or '').name or 'a file'} is missing"
    if isinstance(error, KeyError):
        return f"{ENTRY_FILE} has no {error.args[0]!r}"
    if isinstance(error, json.JSONDecodeError):
        return f"{ENTRY_FILE} is not JSON"
    if isinstance(error, UnicodeDecodeError):
        return f"{ENTRY_FILE} is not UTF-8"
    return str(error)


def png(image: Image.Image) -> bytes:
    if image.mode not in _PNG_MODES:
        image = image.convert("RGBA")
    buffer = io.BytesIO()
    # Level 1: the record is written after every job, so speed matters more than the last 10 % of size.
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def write_private(path: Path, data: bytes) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    handle = os.open(path, flags, FILE_MODE)
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


def load(path: Path) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(path.read_bytes()))
        image.load()
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise HistoryError(f"The history's image {path.name} cannot be read ({error}).") from None
    return image
