"""A real Provider implementation for job-runner tests: scripted, no HTTP, no mocks of internals."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from PIL import Image, ImageOps

from core.errors import AppError
from core.models import EditRequest, EditResult, ProgressEvent, ProgressSink
from providers.base import ModeInfo, ProviderInfo

FAKE_INFO = ProviderInfo(
    id="fake",
    display_name="Fake",
    key_env_vars=("FAKE_API_KEY",),
    modes=(ModeInfo("edit", "Edit"), ModeInfo("remove-background", "Remove background", needs_prompt=False)),
    default_mode="edit",
    options={},
)


@dataclass
class FakeProvider:
    """Inverts the input image after the given delay, or raises ``error``; records what it saw.

    ``gate`` (if set) makes ``run`` wait until the test opens it, so a job can be held running.
    """

    info: ProviderInfo = FAKE_INFO
    delay: float = 0.0
    error: Exception | None = None
    gate: asyncio.Event | None = None
    calls: list[tuple[str, str, tuple[int, int] | None]] = field(default_factory=list, repr=False)
    cancelled: threading.Event = field(default_factory=threading.Event)
    started: threading.Event = field(default_factory=threading.Event)
    threads: list[str] = field(default_factory=list)
    on_run: Callable[[], None] | None = None

    async def run(self, request: EditRequest, *, key: str, progress: ProgressSink) -> EditResult:
        self.calls.append((request.mode, key, request.image.size if request.image else None))
        self.threads.append(threading.current_thread().name)
        self.started.set()
        progress(ProgressEvent("uploading", sent_bytes=10, total_bytes=10))
        try:
            if self.gate is not None:
                await self.gate.wait()
            await asyncio.sleep(self.delay)
        except asyncio.CancelledError:
            self.cancelled.set()
            raise
        if self.on_run is not None:
            self.on_run()
        if self.error is not None:
            raise self.error
        progress(ProgressEvent("downloading"))
        if request.image is None:
            raise AppError("the fake provider needs an image")
        return EditResult(self.info.id, (ImageOps.invert(request.image.convert("RGB")),))


def pattern_image(width: int = 64, height: int = 48) -> Image.Image:
    """A picture whose every pixel differs, so a wrong crop or a skipped step shows."""
    image = Image.new("RGB", (width, height))
    image.putdata([(x * 3 % 256, y * 5 % 256, (x + y) % 256) for y in range(height) for x in range(width)])
    return image
