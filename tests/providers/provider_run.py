"""Shared by the Google, Ideogram and PhotoRoom tests: images with known pixels, and one run of a provider."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from typing import Protocol

import httpx
from PIL import Image, ImageChops

from core.models import EditRequest, EditResult, ProgressSink, ignore_progress
from providers.http import HttpPolicy, build_http_client
from providers.retry import RetryPolicy
from tests.providers.loopback import SleepLog


class Runnable(Protocol):
    async def run(self, request: EditRequest, *, key: str, progress: ProgressSink) -> EditResult: ...


def picture(size: tuple[int, int] = (160, 90), colour: tuple[int, int, int] = (200, 30, 30)) -> Image.Image:
    """An image with a distinct pattern (two halves), so a mix-up of images shows in the pixels."""
    image = Image.new("RGB", size, colour)
    image.paste((20, 40, 220), (0, 0, size[0] // 2, size[1]))
    return image


def png_bytes(image: Image.Image, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def same_pixels(first: Image.Image, second: Image.Image) -> bool:
    if first.size != second.size:
        return False
    return ImageChops.difference(first.convert("RGBA"), second.convert("RGBA")).getbbox() is None


def policy(sleeps: SleepLog) -> HttpPolicy:
    """The real retry policy, with the waits recorded instead of slept."""
    return HttpPolicy(retry=RetryPolicy(sleep=sleeps))


def run(
    make: Callable[[httpx.AsyncClient], Runnable],
    request: EditRequest,
    *,
    key: str,
    progress: ProgressSink = ignore_progress,
) -> EditResult:
    """Build the provider on a fresh app client inside the loop, as the app does, and run one request."""

    async def go() -> EditResult:
        async with build_http_client() as client:
            return await make(client).run(request, key=key, progress=progress)

    return asyncio.run(go())
