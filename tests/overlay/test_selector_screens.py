"""What the selector shows, read back from the X server, and a desktop of two monitors.

GIVEN a noise pattern as the root window, WHEN a region is being selected, THEN a screenshot of
the screen shows the pattern's exact pixels inside the selection and the dimmed pattern outside.
On two side-by-side monitors (Xephyr with Xinerama), each monitor gets its own overlay window and
a selection on the second one crops from the right place of the desktop.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from overlay.window import dimmed_copy
from tests.desktop.capture.screens import noise, paint_root, two_monitor_desktop
from tests.overlay.capture_run import capture, grab_screen
from tests.virtual_desktop import virtual_desktop

pytestmark = pytest.mark.desktop


def test_mid_selection_the_screen_shows_the_region_exact_and_the_rest_dimmed(tmp_path: Path) -> None:
    with virtual_desktop(1280, 800) as desktop:
        pattern = noise(1280, 800, seed=21)
        paint_root(desktop.display, pattern)
        desktop.xdotool("mousemove", "640", "10")
        with capture(desktop, tmp_path, ["--output", str(tmp_path / "out.png")]) as run:
            run.wait_painted((5, 5), pattern.getpixel((5, 5)))  # type: ignore[arg-type]
            run.drag((400, 200), (800, 500))
            # Drawn once a pixel inside is no longer the dimmed one; then the whole screen is read.
            run.wait_painted((600, 350), dimmed_copy(pattern).getpixel((600, 350)))  # type: ignore[arg-type]
            shown = grab_screen(desktop.display, 1280, 800)
            # M hides the magnifier: the screen beside the pointer is the dimmed pattern again.
            run.xdotool("key", "m")
            run.wait_pixel((860, 560), dimmed_copy(pattern).getpixel((860, 560)))  # type: ignore[arg-type]
            run.xdotool("key", "Escape")
            result = run.finish()
    assert result.returncode == 1
    # Inside, away from the handles that sit on the border: the frozen pixels themselves.
    inside = (405, 205, 795, 495)
    assert shown.crop(inside).tobytes() == pattern.crop(inside).tobytes()
    # Outside, away from the hint, the readout and the magnifier by the pointer: dimmed exactly.
    outside = (20, 560, 300, 780)
    assert shown.crop(outside).tobytes() == dimmed_copy(pattern.crop(outside)).tobytes()
    # The magnifier is there, next to the pointer (below and right of it), and is not the dimmed screen.
    loupe = (830, 530, 900, 600)
    assert shown.crop(loupe).tobytes() != dimmed_copy(pattern.crop(loupe)).tobytes()


def test_two_monitors_each_get_a_window_and_a_selection_on_the_second_crops_there(tmp_path: Path) -> None:
    with two_monitor_desktop() as desktop:
        pattern = noise(3200, 1080, seed=22)
        paint_root(desktop.display, pattern)
        output = tmp_path / "out.png"
        desktop.xdotool("mousemove", "2500", "500")
        with capture(desktop, tmp_path, ["--output", str(output)]) as run:
            run.wait_painted((5, 5), pattern.getpixel((5, 5)))  # type: ignore[arg-type]
            run.wait_painted((1925, 5), pattern.getpixel((1925, 5)))  # type: ignore[arg-type]
            ids = desktop.xdotool("search", "--onlyvisible", "--class", "^ai-image-studio$").split()
            geometries = sorted(
                desktop.xdotool("getwindowgeometry", "--shell", window).replace("\n", " ") for window in ids
            )
            run.drag((2001, 101), (2302, 334))
            run.xdotool("key", "Return")
            result = run.finish()
        assert result.returncode == 0, result.stderr
        with Image.open(output) as saved:
            assert saved.convert("RGB").tobytes() == pattern.crop((2001, 101, 2302, 334)).tobytes()
    assert len(geometries) == 2
    assert any("X=0 Y=0 WIDTH=1920 HEIGHT=1080" in text for text in geometries)
    assert any("X=1920 Y=0 WIDTH=1280 HEIGHT=1024" in text for text in geometries)


def test_space_on_the_second_monitor_takes_exactly_that_monitor(tmp_path: Path) -> None:
    with two_monitor_desktop() as desktop:
        pattern = noise(3200, 1080, seed=23)
        paint_root(desktop.display, pattern)
        output = tmp_path / "out.png"
        with capture(desktop, tmp_path, ["--output", str(output)]) as run:
            run.wait_painted((1925, 5), pattern.getpixel((1925, 5)))  # type: ignore[arg-type]
            run.xdotool("mousemove", "2600", "600", "key", "space", "Return")
            result = run.finish()
        assert result.returncode == 0, result.stderr
        with Image.open(output) as saved:
            assert saved.convert("RGB").tobytes() == pattern.crop((1920, 0, 3200, 1024)).tobytes()
