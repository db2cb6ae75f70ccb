"""Values that travel between the parts: hotkey -> capture -> overlay -> provider -> clipboard.

All frozen. Images are Pillow images; they are never written to disk on their way through.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal, Protocol

from PIL import Image


@dataclass(frozen=True)
class Rect:
    """A rectangle in physical pixels; ``x``/``y`` may be negative (monitors left of the primary)."""

    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    @property
    def is_empty(self) -> bool:
        return self.width <= 0 or self.height <= 0

    def contains(self, x: int, y: int) -> bool:
        return self.x <= x < self.right and self.y <= y < self.bottom

    def intersection(self, other: Rect) -> Rect:
        left, top = max(self.x, other.x), max(self.y, other.y)
        right, bottom = min(self.right, other.right), min(self.bottom, other.bottom)
        return Rect(left, top, max(0, right - left), max(0, bottom - top))

    def translated(self, dx: int, dy: int) -> Rect:
        return Rect(self.x + dx, self.y + dy, self.width, self.height)

    def as_box(self) -> tuple[int, int, int, int]:
        """Pillow's (left, top, right, bottom)."""
        return (self.x, self.y, self.right, self.bottom)


@dataclass(frozen=True)
class Monitor:
    """One monitor of the virtual desktop: where it is in physical pixels and its scale factor."""

    index: int
    rect: Rect
    scale: float = 1.0
    name: str = ""


@dataclass(frozen=True)
class Screenshot:
    """A frozen picture of one monitor, exactly its physical pixels."""

    monitor: Monitor
    image: Image.Image


@dataclass(frozen=True)
class Selection:
    """A region chosen by the person, in the source image's own pixels.

    ``source`` is the whole image the region was chosen on (a monitor's screenshot, the clipboard
    image or a file), or just the region when the X server kept the frozen screen (ADR 034);
    ``rect`` is relative to it. ``crop()`` returns exactly those pixels.
    ``mask`` and ``markup`` are what was painted on it, at the crop's size (``EditRequest``'s
    conventions), and ``marks`` how many markup strokes made ``markup`` (issue 13).
    """

    source: Image.Image
    rect: Rect
    origin: str = "screen"
    mask: Image.Image | None = None
    markup: Image.Image | None = None
    marks: int = 0
    screen: Rect | None = None
    """Where the region was on the desktop, for a screen capture (to place the prompt bar beside it)."""

    def crop(self) -> Image.Image:
        return self.source.crop(self.rect.as_box())


Mode = str
"""A provider's mode id, e.g. ``edit``, ``generate``, ``remix``, ``remove-background``."""


def _frozen(mapping: Mapping[str, object] | None = None) -> Mapping[str, object]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class EditRequest:
    """What a provider is asked to do. ``image`` is None for text-to-image modes.

    ``mask`` (``L``, 255 = edit) and ``markup`` (``RGBA``, transparent but for the strokes) are the
    crop's size, as painted (issue 13, ``core.marks``). A provider sends markup only to models that
    take it natively (``ProviderInfo.takes_markup``); for the others the caller turns the strokes
    into a mask first, so a provider never sees markup it cannot send.
    """

    mode: Mode
    prompt: str = ""
    image: Image.Image | None = None
    mask: Image.Image | None = None
    markup: Image.Image | None = None
    options: Mapping[str, object] = field(default_factory=_frozen)


@dataclass(frozen=True)
class Usage:
    """The tokens a provider's answer says it billed (OpenAI's ``usage``); ``core.costs`` prices them."""

    input_text_tokens: int = 0
    input_image_tokens: int = 0
    output_image_tokens: int = 0
    output_text_tokens: int = 0


@dataclass(frozen=True)
class EditResult:
    """What a provider gave back, already checked to be images Pillow can open.

    ``usage`` is what the answer said it billed, for the providers whose answer says (issue 18);
    None when it did not. ``encoded[i]``, when there, is the provider's own PNG of exactly
    ``images[i]`` (checked like the image, ``providers.images``): delivered as it is while the image
    is delivered unchanged (ADR 036).
    """

    provider_id: str
    images: tuple[Image.Image, ...]
    model: str = ""
    notes: tuple[str, ...] = ()
    usage: Usage | None = None
    encoded: tuple[bytes | None, ...] = field(default=(), repr=False, compare=False)

    @property
    def image(self) -> Image.Image:
        return self.images[0]

    def png_for(self, image: Image.Image) -> bytes | None:
        """The provider's PNG of ``image`` if it is one of ours, unchanged: scaled or composited is a new image."""
        for index, own in enumerate(self.images):
            if own is image:
                return self.encoded[index] if index < len(self.encoded) else None
        return None


Stage = Literal["preparing", "uploading", "waiting", "retrying", "downloading", "done"]


@dataclass(frozen=True)
class ProgressEvent:
    """A step of a running job, for the progress toast and the command line's stderr.

    ``preview`` is a small draft of the result while it is still being made (OpenAI's partial
    images, ADR 026), at most a thumbnail's size; ``detail`` then says which (``draft 1 of 2``).
    """

    stage: Stage
    sent_bytes: int = 0
    total_bytes: int = 0
    retry_in: float | None = None
    attempt: int = 1
    detail: str = ""
    preview: Image.Image | None = field(default=None, compare=False)


ProgressSink = Callable[[ProgressEvent], None]


def ignore_progress(_event: ProgressEvent) -> None:
    """A progress sink that drops every event."""


class Named(Protocol):
    @property
    def display_name(self) -> str: ...


class EditProvider(Protocol):
    """What a job needs of a provider, so ``core`` knows no provider code (``providers.base.Provider`` is one)."""

    @property
    def info(self) -> Named: ...

    async def run(self, request: EditRequest, *, key: str, progress: ProgressSink) -> EditResult:
        """Send ``request`` and return checked images, or raise a ``core.errors.ProviderError``."""
        ...
