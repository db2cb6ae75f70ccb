"""``capture --preset copy`` driven by xdotool on Xvfb, from the one-file build and from the checkout.

The same drag on a known pattern must give exactly the pattern's pixels in the output file: this is
what proves that the freeze kept Tk, the capture backend, Pillow's Tk bridge and the selector.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from tests.desktop.capture.screens import noise, paint_root
from tests.packaging.overlay_probe import overlay_painted
from tests.virtual_desktop import VirtualDesktop

REPO = Path(__file__).resolve().parents[2]
START, END = (300, 200), (620, 440)

pytestmark = [pytest.mark.desktop, pytest.mark.timeout(900)]


def _wait_for_overlay(desktop: VirtualDesktop, pattern: Image.Image, process: subprocess.Popen[bytes]) -> None:
    """Until the overlay paints over the pattern (it dims the frozen screen), or the process dies."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _out, err = process.communicate()
            pytest.fail(f"capture exited with {process.returncode} before showing the overlay:\n{err.decode()}")
        if overlay_painted(desktop.display, pattern):
            return
        time.sleep(0.05)
    pytest.fail("the selection overlay never appeared")


@pytest.mark.parametrize("build", ["frozen", "checkout"])
def test_capture_copy_preset_saves_exactly_the_dragged_region(
    build: str, desktop: VirtualDesktop, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # GIVEN a known pattern as the whole screen
    pattern = noise(desktop.width, desktop.height, seed=8)
    paint_root(desktop.display, pattern)
    program = (
        [str(request.getfixturevalue("frozen_binary"))]
        if build == "frozen"
        else [sys.executable, str(REPO / "main.py")]
    )
    output = tmp_path / "out.png"
    desktop.xdotool("mousemove", "960", "540")
    # WHEN capture runs and a region is dragged and accepted with Enter
    # A private HOME and runtime folder: a tray app left by another test must not take the request,
    # and the keyring is not what this test is about.
    (tmp_path / "run").mkdir(mode=0o700)
    env = {
        **desktop.env,
        "HOME": str(tmp_path),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    process = subprocess.Popen(
        [*program, "capture", "--preset", "copy", "--output", str(output)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_overlay(desktop, pattern, process)
        desktop.xdotool("mousemove", str(START[0]), str(START[1]), "mousedown", "1")
        desktop.xdotool("mousemove", "400", "300", "mousemove", str(END[0]), str(END[1]), "mouseup", "1")
        desktop.xdotool("key", "Return")
        _out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    # THEN the file holds exactly the pattern's pixels of that region
    assert process.returncode == 0, err.decode()
    with Image.open(output) as saved:
        assert saved.size == (END[0] - START[0], END[1] - START[1])
        assert saved.convert("RGB").tobytes() == pattern.crop((*START, *END)).tobytes()
