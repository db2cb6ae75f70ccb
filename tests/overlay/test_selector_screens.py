"""What the selector shows, read back from the X server, and a desktop of two monitors.

GIVEN a noise pattern as the root window, WHEN a region is being selected, THEN a screenshot of
the screen shows the pattern's exact pixels inside the selection and the dimmed pattern outside.
On two side-by-side monitors (Xephyr with Xinerama), each monitor gets its own overlay window and
a selection on the second one crops from the right place of the desktop. Each runs on both ways of
drawing the frozen screen (ADR 034): the X server's pixmaps (``server``) and Tk photos (``tk``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from overlay.window import dimmed_copy
from tests.desktop.capture.screens import noise, paint_root, two_monitor_desktop
from tests.overlay.capture_run import capture, grab_screen
from tests.virtual_desktop import virtual_desktop, wm_id

pytestmark = pytest.mark.desktop
OVERLAYS = ("server", "tk")


def pinned(overlay: str) -> dict[str, str]:
    return {"AIIS_OVERLAY": overlay}


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("wm", [None, "openbox"], ids=wm_id)
def test_mid_selection_the_screen_shows_the_region_exact_and_the_rest_dimmed(
    tmp_path: Path, overlay: str, wm: str | None
) -> None:
    with virtual_desktop(1280, 800, wm=wm) as desktop:
        pattern = noise(1280, 800, seed=21)
        paint_root(desktop.display, pattern)
        desktop.xdotool("mousemove", "640", "10")
        args = ["--output", str(tmp_path / "out.png")]
        with capture(desktop, tmp_path, args, extra_env=pinned(overlay), verbose=True) as run:
            run.wait_painted((5, 5), pattern.getpixel((5, 5)))  # type: ignore[arg-type]
            run.drag((400, 200), (800, 500))
            # Drawn once pixels inside are the pattern's, on the drag's middle outline too (x=600 and
            # y=350: Tk repaints where it was in a later pass); then the whole screen is read.
            for point in ((600, 350), (600, 205), (500, 350), (790, 490)):
                run.wait_pixel(point, pattern.getpixel(point))  # type: ignore[arg-type]
            shown = grab_screen(desktop.display, 1280, 800)
            # M hides the magnifier: the screen beside the pointer is the dimmed pattern again.
            run.xdotool("key", "m")
            run.wait_pixel((860, 560), dimmed_copy(pattern).getpixel((860, 560)))  # type: ignore[arg-type]
            run.xdotool("key", "Escape")
            result = run.finish()
    assert result.returncode == 1
    assert f"frozen screen through {overlay}" in result.stderr
    # Inside, away from the handles that sit on the border: the frozen pixels themselves.
    inside = (405, 205, 795, 495)
    assert shown.crop(inside).tobytes() == pattern.crop(inside).tobytes()
    # Outside, away from the hint, the readout and the magnifier by the pointer: dimmed exactly.
    outside = (20, 560, 300, 780)
    assert shown.crop(outside).tobytes() == dimmed_copy(pattern.crop(outside)).tobytes()
    # The magnifier is there, next to the pointer (below and right of it), and is not the dimmed screen.
    loupe = (830, 530, 900, 600)
    assert shown.crop(loupe).tobytes() != dimmed_copy(pattern.crop(loupe)).tobytes()


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_two_monitors_each_get_a_window_and_a_selection_on_the_second_crops_there(tmp_path: Path, overlay: str) -> None:
    with two_monitor_desktop() as desktop:
        pattern = noise(3200, 1080, seed=22)
        paint_root(desktop.display, pattern)
        output = tmp_path / "out.png"
        desktop.xdotool("mousemove", "2500", "500")
        with capture(desktop, tmp_path, ["--output", str(output)], extra_env=pinned(overlay)) as run:
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


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_space_on_the_second_monitor_takes_exactly_that_monitor(tmp_path: Path, overlay: str) -> None:
    with two_monitor_desktop() as desktop:
        pattern = noise(3200, 1080, seed=23)
        paint_root(desktop.display, pattern)
        output = tmp_path / "out.png"
        with capture(desktop, tmp_path, ["--output", str(output)], extra_env=pinned(overlay)) as run:
            run.wait_painted((1925, 5), pattern.getpixel((1925, 5)))  # type: ignore[arg-type]
            run.xdotool("mousemove", "2600", "600", "key", "space", "Return")
            result = run.finish()
        assert result.returncode == 0, result.stderr
        with Image.open(output) as saved:
            assert saved.convert("RGB").tobytes() == pattern.crop((1920, 0, 3200, 1024)).tobytes()


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_crop_is_the_screen_at_the_hotkey_even_when_the_screen_changes_under_the_overlay(
    tmp_path: Path, overlay: str
) -> None:
    # GIVEN a noise screen frozen under the selector, WHEN the screen below changes (a new root
    # background) before the region is accepted, THEN the saved crop is the screen at the hotkey.
    with virtual_desktop(1024, 768, wm="openbox") as desktop:
        pattern = noise(1024, 768, seed=24)
        paint_root(desktop.display, pattern)
        output = tmp_path / "out.png"
        desktop.xdotool("mousemove", "512", "10")
        with capture(desktop, tmp_path, ["--output", str(output)], extra_env=pinned(overlay)) as run:
            run.wait_painted((5, 5), pattern.getpixel((5, 5)))  # type: ignore[arg-type]
            paint_root(desktop.display, noise(1024, 768, seed=25))
            run.drag((101, 77), (733, 501))
            run.wait_painted((400, 300), dimmed_copy(pattern).getpixel((400, 300)))  # type: ignore[arg-type]
            shown = grab_screen(desktop.display, 1024, 768)
            run.xdotool("key", "Return")
            result = run.finish()
        assert result.returncode == 0, result.stderr
        with Image.open(output) as saved:
            sent = saved.convert("RGB").tobytes()
    assert sent == pattern.crop((101, 77, 733, 501)).tobytes()
    # What was shown inside the selection (away from the handles) is what was sent.
    assert shown.crop((106, 82, 728, 496)).tobytes() == pattern.crop((106, 82, 728, 496)).tobytes()
