"""Issue 16, PostScript and PDF handed in by the person's side: an input file, a mask, a clipboard.

Before issue 16 each of these reached Ghostscript (``{ } loop`` hung it; it left files in TMPDIR).
Now each is refused in words at once, exit 2, nothing sent, nothing written, TMPDIR empty. A
loopback stand-in that fails on any request proves nothing was sent.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.faults.harness import Scene
from tests.faults.hostile import stand_ins as hostile
from tests.faults.hostile.outcome import START_UP
from tests.providers.loopback import LoopbackServer
from tests.virtual_desktop import VirtualDesktop

pytestmark = pytest.mark.desktop


def refused_locally(scene: Scene, argv: list[str], words: str) -> None:
    started = time.monotonic()
    done = scene.main(*argv, timeout=60)
    assert done.returncode == 2, done.stderr
    assert words in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert scene.unchanged() == []
    assert time.monotonic() - started < START_UP


@pytest.mark.parametrize("data", [hostile.EPS, hostile.PDF], ids=["eps", "pdf"])
@pytest.mark.parametrize("where", ["input", "mask"])
def test_postscript_or_pdf_as_the_edit_input_or_mask_is_refused_before_sending(
    data: bytes, where: str, tmp_path: Path, desktop: VirtualDesktop
) -> None:
    scene = Scene(tmp_path, desktop)
    evil = scene.work / "evil.png"
    evil.write_bytes(data)
    scene.before = {**scene.before, "evil.png": len(data)}
    with LoopbackServer([]) as server:
        config = scene.config(f'providers:\n  openai: {{base_url: "{server.url}/v1", timeout: 10}}\n')
        source, mask = (str(evil), []) if where == "input" else (str(scene.input), ["--mask", str(evil)])
        argv = ["--config", str(config), "edit", source, *mask, "--provider", "openai", "--prompt", "p",
                "--output", str(scene.output), "--copy"]  # fmt: skip
        refused_locally(scene, argv, "is not an image this app can open")
    assert server.requests == []


def test_postscript_as_capture_file_is_refused_in_words(tmp_path: Path, desktop: VirtualDesktop) -> None:
    scene = Scene(tmp_path, desktop)
    evil = scene.work / "evil.eps"
    evil.write_bytes(hostile.EPS)
    scene.before = {**scene.before, "evil.eps": len(hostile.EPS)}
    argv = ["capture", "--file", str(evil), "--preset", "copy", "--output", str(scene.output)]
    refused_locally(scene, argv, "cannot be read (not a PNG, JPEG, WebP, BMP, TIFF or GIF image)")


@pytest.mark.parametrize("target", ["image/png", "image/tiff"])
def test_postscript_on_the_clipboard_is_refused_in_words(target: str, tmp_path: Path, desktop: VirtualDesktop) -> None:
    scene = Scene(tmp_path, desktop)
    desktop.set_clipboard(hostile.EPS, target)
    scene.sentinel = hostile.EPS
    argv = ["capture", "--from-clipboard", "--preset", "copy", "--output", str(scene.output)]
    refused_locally(scene, argv, "The image on the clipboard cannot be read")
    assert desktop.read_clipboard(target) == hostile.EPS
