"""Selections at the edges: 1x1, 0x0 (a click), and a whole 7680x4320 screen, through ``main.py capture``.

GIVEN a known noise pattern as the root window of an Xvfb, WHEN ``main.py capture --preset copy
--output`` is driven with plain xdotool input (what a person's mouse and keyboard produce), THEN the
file holds exactly the pattern's pixels of what was selected, and no temporary file is left.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.desktop.capture.screens import noise, paint_root
from tests.faults.harness import MAIN, listing
from tests.packaging.overlay_probe import overlay_painted
from tests.virtual_desktop import VirtualDesktop, virtual_desktop

pytestmark = pytest.mark.desktop

Gesture = Callable[[VirtualDesktop], None]


@pytest.fixture(scope="module")
def screen() -> Iterator[tuple[VirtualDesktop, Image.Image]]:
    with virtual_desktop(1280, 800) as desktop:
        pattern = noise(1280, 800, seed=11)
        paint_root(desktop.display, pattern)
        yield desktop, pattern


def capture(desktop: VirtualDesktop, pattern: Image.Image, folder: Path, gesture: Gesture) -> tuple[Path, str]:
    """Run ``capture --preset copy --output``, wait for the overlay, perform ``gesture``; the file and stderr."""
    output = folder / "out.png"
    tmp = folder / "tmp"
    tmp.mkdir()
    desktop.xdotool("mousemove", "20", "20")
    process = subprocess.Popen(
        [sys.executable, str(MAIN), "capture", "--preset", "copy", "--output", str(output)],
        env={**desktop.env, "HOME": str(folder), "TMPDIR": str(tmp), "XDG_CONFIG_HOME": str(folder / "config")},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not overlay_painted(desktop.display, pattern):
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "the overlay never painted"
            time.sleep(0.05)
        gesture(desktop)
        _out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert listing(tmp) == {}
    assert sorted(listing(folder)) == ["out.png"]
    return output, err


def drag(start: tuple[int, int], end: tuple[int, int]) -> Gesture:
    def gesture(desktop: VirtualDesktop) -> None:
        desktop.xdotool("mousemove", str(start[0]), str(start[1]), "mousedown", "1")
        desktop.xdotool("mousemove", str(end[0]), str(end[1]), "mouseup", "1")
        desktop.xdotool("key", "Return")

    return gesture


def test_a_1x1_selection_saves_exactly_that_pixel(screen: tuple[VirtualDesktop, Image.Image], tmp_path: Path) -> None:
    desktop, pattern = screen
    output, err = capture(desktop, pattern, tmp_path, drag((640, 400), (641, 401)))
    assert "Saved 1x1" in err
    with Image.open(output) as saved:
        assert saved.size == (1, 1)
        assert saved.convert("RGB").getpixel((0, 0)) == pattern.getpixel((640, 400))


def test_a_0x0_selection_a_click_then_enter_takes_the_whole_screen(
    screen: tuple[VirtualDesktop, Image.Image], tmp_path: Path
) -> None:
    # A click makes no region; Enter with no region accepts the whole screen (the selector's rule).
    desktop, pattern = screen
    output, err = capture(desktop, pattern, tmp_path, drag((300, 300), (300, 300)))
    assert "Saved 1280x800" in err
    with Image.open(output) as saved:
        assert saved.convert("RGB").tobytes() == pattern.tobytes()


def test_a_7680x4320_screen_is_captured_and_a_far_corner_region_is_exact(tmp_path: Path) -> None:
    # The overlay itself at 8K, driven by xdotool (not only the capture API).
    with virtual_desktop(7680, 4320) as desktop:
        # X tiles a root background smaller than the screen; sending 132 MB through python-xlib takes ~25 s.
        tile = noise(1021, 613, seed=12)
        paint_root(desktop.display, tile)
        pattern = tiled(tile, 7680, 4320)
        started = time.monotonic()
        output, err = capture(desktop, pattern, tmp_path, drag((7000, 3900), (7679, 4319)))
        elapsed = time.monotonic() - started
    assert "Saved 679x419" in err
    with Image.open(output) as saved:
        assert saved.convert("RGB").tobytes() == pattern.crop((7000, 3900, 7679, 4319)).tobytes()
    print(f"8K capture, select and save: {elapsed:.1f} s")  # noqa: T201


def tiled(tile: Image.Image, width: int, height: int) -> Image.Image:
    whole = Image.new("RGB", (width, height))
    for top in range(0, height, tile.height):
        for left in range(0, width, tile.width):
            whole.paste(tile, (left, top))
    return whole
