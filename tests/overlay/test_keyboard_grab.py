"""The selector's keyboard grab: kept across monitors, and a plain refusal when another client holds the keyboard.

Issue 17. GIVEN two side-by-side monitors (Xephyr with Xinerama), with no window manager or with
openbox, WHEN the selector takes the keyboard on the first monitor and the person drags on the
second and nudges with the arrows, THEN the region is exactly there (the grab takes the keyboard
only, so the other monitor's window still gets the pointer). GIVEN another client holding the
keyboard, WHEN ``main.py capture`` starts, THEN it says so in words and exits 1 within a couple of
seconds instead of showing a selector nobody can drive; once the keyboard is free it works again.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image

from tests.desktop.capture.screens import noise, paint_root, two_monitor_desktop
from tests.overlay.capture_run import capture
from tests.virtual_desktop import VirtualDesktop, _start_wm, _stop, virtual_desktop, wm_id
from tests.witness import keyboard_taken

pytestmark = pytest.mark.desktop


@pytest.mark.parametrize("overlay", ["server", "tk"])
@pytest.mark.parametrize("wm", [None, "openbox"], ids=wm_id)
def test_a_drag_and_arrows_on_the_second_monitor_select_there_while_the_first_holds_the_keyboard(
    tmp_path: Path, wm: str | None, overlay: str
) -> None:
    with two_monitor_desktop() as desktop:
        if wm is not None:
            _start_wm(desktop, wm)
        try:
            pattern = noise(3200, 1080, seed=24)
            paint_root(desktop.display, pattern)
            output = tmp_path / "out.png"
            desktop.xdotool("mousemove", "900", "500")  # the keyboard is taken on the first monitor
            pin = {"AIIS_OVERLAY": overlay}
            with capture(desktop, tmp_path, ["--output", str(output)], extra_env=pin) as run:
                run.wait_painted((1925, 5), pattern.getpixel((1925, 5)))  # type: ignore[arg-type]
                run.drag((2101, 151), (2402, 384))
                run.xdotool("key", "Left", "Up", "Up", "Return")
                result = run.finish()
        finally:
            if wm is not None:
                _stop(desktop.processes.pop())
        assert result.returncode == 0, result.stderr
        with Image.open(output) as saved:
            assert saved.convert("RGB").tobytes() == pattern.crop((2100, 149, 2401, 382)).tobytes()


def test_a_keyboard_held_by_another_client_is_refused_in_words_and_a_capture_after_it_works(tmp_path: Path) -> None:
    with virtual_desktop(800, 600, wm="openbox") as desktop:
        pattern = noise(800, 600, seed=25)
        paint_root(desktop.display, pattern)
        output = tmp_path / "out.png"
        with keyboard_taken(desktop.display):
            began = time.monotonic()
            with capture(desktop, tmp_path, ["--output", str(output)]) as run:
                refused = run.finish()
            seconds = time.monotonic() - began
        with capture(desktop, tmp_path, ["--output", str(output)]) as run:
            run.wait_painted((5, 5), pattern.getpixel((5, 5)))  # type: ignore[arg-type]
            run.drag((100, 100), (300, 200))
            run.xdotool("key", "Return")
            accepted = run.finish()
        still_shown = overlay_windows(desktop)
    assert refused.returncode == 1
    assert "could not take the keyboard" in refused.stderr
    assert "another program is holding the keyboard" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert seconds < 10, f"the refusal took {seconds:.1f} s"
    assert accepted.returncode == 0, accepted.stderr
    assert still_shown == []
    with Image.open(output) as saved:
        assert saved.convert("RGB").tobytes() == pattern.crop((100, 100, 300, 200)).tobytes()


def overlay_windows(desktop: VirtualDesktop) -> list[str]:
    found = desktop.run("xdotool", "search", "--onlyvisible", "--class", "^ai-image-studio$", check=False)
    return found.stdout.decode().split()
