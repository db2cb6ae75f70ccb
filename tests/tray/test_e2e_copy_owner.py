"""The copy preset through the real tray: the tray serves the clipboard itself, then xclip after Quit (ADR 039).

GIVEN ``main.py`` on a private desktop with the copy preset active and output to the clipboard only.
WHEN a person presses the hotkey, drags over the known pattern and presses Enter. THEN a paster gets
exactly the dragged pixels from the tray (its TARGETS include TIMESTAMP, which xclip's do not), and
after Quit the same pixels from the xclip that took over.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.tray.tray_session import (
    CROP_BOX,
    END,
    PATTERN,
    START,
    png_pixels,
    running_tray,
    same_pixels,
    selector_ready,
    tray_desktop,
    wait_for,
)
from tests.virtual_desktop import VirtualDesktop

pytestmark = pytest.mark.desktop


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    with tray_desktop("openbox") as running:
        yield running


def test_the_copy_preset_is_served_by_the_tray_and_still_pastes_after_quit(desktop: VirtualDesktop) -> None:
    with running_tray(desktop, "http://127.0.0.1:9/v1") as tray:
        text = tray.config.read_text(encoding="utf-8")
        tray.config.write_text(
            text.replace("active_preset: restyle", "active_preset: copy").replace("mode: both", "mode: clipboard"),
            encoding="utf-8",
        )
        tray.wait_log("settings reloaded")
        tray.xdotool("key", "ctrl+shift+e")
        wait_for(lambda: selector_ready(tray), 10, "the selector overlay")
        tray.drag(START, END)
        tray.xdotool("key", "Return")
        tray.wait_log("delivered a")
        wait_for(lambda: "TIMESTAMP" in tray.clipboard("TARGETS").decode(), 10, "the tray owning the clipboard")
        served = png_pixels(tray.clipboard("image/png"))
        assert tray.stop() == 0
        targets = tray.clipboard("TARGETS").decode().split()
        after_quit = png_pixels(tray.clipboard("image/png"))
    crop = PATTERN.crop(CROP_BOX).convert("RGBA")
    assert same_pixels(served, crop)
    assert targets == ["TARGETS", "image/png"], "xclip serves it after Quit"
    assert same_pixels(after_quit, crop)
    assert not (tray.folder / "out").exists() or not any((tray.folder / "out").iterdir()), "clipboard only: no file"
