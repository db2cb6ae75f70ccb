"""The selector lets the keyboard go on every path: accept, cancel, a failed grab, and close (Quit).

GIVEN a ``SelectorHost`` on the session's Xvfb with a keyboard method that records what it is
asked, WHEN a selection is accepted, cancelled, refused by the grab, or the host is closed while
open, THEN the keyboard was taken once and released (or closed) each time, and a refused grab
leaves no window shown and the host ready for the next capture.
"""

from __future__ import annotations

import tkinter as tk
from dataclasses import dataclass, field

import pytest
from PIL import Image

from core.errors import CaptureError
from core.models import Monitor, Rect, Screenshot, Selection
from overlay.selector import SelectorHost
from tests.overlay.tk_helpers import pump, root

__all__ = ["root"]

pytestmark = pytest.mark.desktop

SHOT = Screenshot(Monitor(0, Rect(0, 0, 320, 240)), Image.new("RGB", (320, 240), (10, 120, 200)))


@dataclass
class RecordingKeyboard:
    name: str = "recording"
    install_hint: str = ""
    refuse: bool = False
    cold: bool = False
    calls: list[str] = field(default_factory=list)

    def fits_this_system(self) -> bool:
        return True

    def is_installed(self) -> bool:
        return True

    def warm_up(self) -> None:
        self.calls.append("warm_up")
        if self.cold:
            raise CaptureError("The selector cannot reach the X display :99 (refused).")

    def take(self, window: int) -> None:
        self.calls.append("take")
        if self.refuse:
            raise CaptureError("The selector could not take the keyboard: another program is holding the keyboard.")

    def focus(self, window: int) -> None:
        self.calls.append("focus")

    def hold(self) -> None:
        self.calls.append("hold")

    def keys_down(self) -> bool:
        return False

    def release(self) -> None:
        self.calls.append("release")

    def close(self) -> None:
        self.calls.append("close")


def opened(root: tk.Tk, keyboard: RecordingKeyboard) -> tuple[SelectorHost, list[Selection | None]]:
    host = SelectorHost(root, keyboard=keyboard)
    results: list[Selection | None] = []
    host.select([SHOT], results.append)
    assert host.active
    return host, results


def test_accept_releases_the_keyboard(root: tk.Tk) -> None:
    keyboard = RecordingKeyboard()
    host, results = opened(root, keyboard)
    host._accept(host._shown[0], (5, 5))
    pump(root, lambda: "release" in keyboard.calls)
    assert len(results) == 1
    assert results[0] is not None
    # Held on the root as the windows close: what opens next may be lent it (SelectorHost.lend_keyboard).
    assert [call for call in keyboard.calls if call != "focus"] == ["take", "hold", "release"]
    host.close()


def test_cancel_releases_and_close_while_open_releases_and_closes(root: tk.Tk) -> None:
    keyboard = RecordingKeyboard()
    host, results = opened(root, keyboard)
    host.cancel()
    pump(root, lambda: "release" in keyboard.calls)
    assert results == [None]
    host.select([SHOT], results.append)
    host.close()  # Quit with the selector open
    assert results == [None, None]
    assert keyboard.calls.count("take") == 2
    assert keyboard.calls.count("release") == 2
    assert keyboard.calls[-1] == "close"


def test_a_refused_grab_closes_the_windows_raises_in_words_and_the_next_capture_opens(root: tk.Tk) -> None:
    keyboard = RecordingKeyboard(refuse=True)
    host = SelectorHost(root, keyboard=keyboard)
    results: list[Selection | None] = []
    with pytest.raises(CaptureError, match="could not take the keyboard"):
        host.select([SHOT], results.append)
    root.update()
    refused_open = host.active
    assert all(not window.top.winfo_viewable() for window in host._windows.values())
    assert results == []
    keyboard.refuse = False
    host.select([SHOT], results.append)
    assert host.active
    host.cancel()
    host.close()
    assert refused_open is False
    assert results == [None]


@pytest.mark.parametrize("cold", [False, True])
def test_prepare_warms_the_keyboard_before_the_first_capture_and_a_cold_one_does_not_stop_it(
    root: tk.Tk, cold: bool
) -> None:
    """The first hotkey must not pay for the keyboard's connections (issue 14: first within 1.5x)."""
    keyboard = RecordingKeyboard(cold=cold)
    host = SelectorHost(root, keyboard=keyboard)
    host.prepare([SHOT.monitor])
    assert keyboard.calls == ["warm_up"]
    results: list[Selection | None] = []
    host.select([SHOT], results.append)
    assert host.active
    host.cancel()
    host.close()
    assert results == [None]
    assert [call for call in keyboard.calls if call != "focus"] == ["warm_up", "take", "hold", "release", "close"]
