"""The tray app itself under openbox: its hotkey opens the overlay and the focused window never gets the key.

Issue 17's report, as a test: with a terminal-like witness focused, Ctrl+Shift+E opened the overlay
and typed ^E into the window below. The witness logs every key it receives; after the tray has
handled the hotkey and quit (so nothing of ours holds the keyboard), a typed Space reaches the
witness, and nothing but modifiers came before it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.tray.hotkey_witness import MODIFIER_KEYSYMS
from tests.tray.tray_session import overlay_shown, running_tray, tray_desktop, wait_for
from tests.tray.witness_desktop import child, end, start_openbox
from tests.virtual_desktop import VirtualDesktop

pytestmark = pytest.mark.desktop


@pytest.fixture(scope="module")
def desktop() -> Iterator[VirtualDesktop]:
    with tray_desktop() as desk:
        start_openbox(desk)
        yield desk


def test_the_trays_hotkey_opens_the_overlay_and_the_focused_window_receives_no_key(desktop: VirtualDesktop) -> None:
    # GIVEN the tray running (Ctrl+Shift+E, Ctrl+Shift+V, the default last_result) and a focused witness
    with running_tray(desktop, "http://127.0.0.1:9/v1") as tray:
        tray.wait_log("hotkeys through x11-grab: 3 taken, 0 refused")
        witness = child(desktop, "witness")
        try:
            witness.until("focused")

            # WHEN the person presses the capture hotkey
            desktop.run("xdotool", "key", "ctrl+shift+e")

            # THEN the tray opens its overlay
            tray.wait_log("capture requested: screen")
            wait_for(lambda: overlay_shown(tray), 10, "the overlay")
            assert tray.stop() == 0

            # AND the witness, still focused, got nothing of it but the modifier presses
            desktop.run("xdotool", "key", "space")
            assert [key for key in witness.until("space") if key not in MODIFIER_KEYSYMS] == []
        finally:
            end(witness)
