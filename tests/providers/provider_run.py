"""Shared by the Google, Ideogram and PhotoRoom tests: images with known pixels, and one run of a provider."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
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


REPO = Path(__file__).resolve().parents[2]


def write_config(folder: Path, provider_id: str, base_url: str, options: str = "{}") -> Path:
    """A settings file that points one provider at a loopback server (http is allowed for 127.0.0.1)."""
    path = folder / "config.yaml"
    entry = f'{{base_url: "{base_url}", timeout: 30, options: {options}}}'
    path.write_text(f"default_provider: {provider_id}\nproviders:\n  {provider_id}: {entry}\n", encoding="utf-8")
    return path


def run_cli(folder: Path, env_var: str, key: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``main.py`` as a person runs it: its own process, the key in the environment, no keyring."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(folder),
        "LANG": "C.UTF-8",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        env_var: key,
    }
    return subprocess.run(
        [sys.executable, str(REPO / "main.py"), *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
