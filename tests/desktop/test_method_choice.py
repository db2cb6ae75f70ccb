"""A person can pin a capture or clipboard method by name, and a method that fails at run time hands over
to the next usable one, said in the log (issue 12; NormCap's --screenshot-handler, with its fallback)."""

from __future__ import annotations

import logging

import pytest

from core.errors import CaptureError, ClipboardError, NoImageError
from core.models import Monitor, Rect, Screenshot
from desktop.capture.system import CAPTURE, FallbackCapture
from desktop.clipboard.base import ClipboardImage
from desktop.clipboard.system import CLIPBOARD, FallbackClipboard
from desktop.methods import usable

SCREEN = Monitor(0, Rect(0, 0, 4, 4))


class FakeCapture:
    def __init__(self, name: str, *, fits: bool = True, installed: bool = True, fails: bool = False) -> None:
        self.name, self.install_hint = name, f"install {name}"
        self._fits, self._installed, self._fails = fits, installed, fails
        self.closed = False

    def fits_this_system(self) -> bool:
        return self._fits

    def is_installed(self) -> bool:
        return self._installed

    def monitors(self) -> tuple[Monitor, ...]:
        return (SCREEN,)

    def grab(self) -> tuple[Screenshot, ...]:
        if self._fails:
            raise CaptureError(f"{self.name} could not read the screen")
        from PIL import Image

        return (Screenshot(SCREEN, Image.new("RGB", (4, 4), (len(self.name), 0, 0))),)

    def close(self) -> None:
        self.closed = True


def test_a_pinned_method_comes_first_and_the_rest_stay_behind_it() -> None:
    methods = [FakeCapture("x11"), FakeCapture("grim"), FakeCapture("portal", fits=False)]
    chosen = usable(methods, CAPTURE, {"AIIS_CAPTURE": "Grim"})
    assert [method.name for method in chosen] == ["grim", "x11"]


def test_a_pinned_method_that_does_not_work_here_is_said_and_the_first_usable_is_taken(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="desktop.methods")
    methods = [FakeCapture("x11"), FakeCapture("grim", installed=False)]
    chosen = usable(methods, CAPTURE, {"AIIS_CAPTURE": "grim"})
    assert [method.name for method in chosen] == ["x11"]
    assert "screen capture grim was asked for (AIIS_CAPTURE) but does not work here" in caplog.text
    assert "screen capture through x11" in caplog.text


def test_a_pinned_name_that_is_no_method_is_refused_with_the_known_names() -> None:
    with pytest.raises(CaptureError, match="AIIS_CAPTURE=scrot names no screen capture method; known: x11, grim"):
        usable([FakeCapture("x11"), FakeCapture("grim")], CAPTURE, {"AIIS_CAPTURE": "scrot"})


def test_a_grab_that_fails_hands_over_to_the_next_method_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    first, second = FakeCapture("portal", fails=True), FakeCapture("grim")
    capture = FallbackCapture([first, second], CAPTURE)
    shots = capture.grab()
    assert shots[0].image.getpixel((0, 0)) == (4, 0, 0)  # grim's pixels
    assert capture.name == "grim"
    assert first.closed
    assert "screen capture through portal failed (portal could not read the screen); using grim" in caplog.text
    # AND the next grab goes straight to the one that works
    assert capture.grab()[0].image.getpixel((0, 0)) == (4, 0, 0)


def test_when_the_last_method_fails_too_its_error_is_the_answer() -> None:
    capture = FallbackCapture([FakeCapture("portal", fails=True), FakeCapture("grim", fails=True)], CAPTURE)
    with pytest.raises(CaptureError, match="grim could not read the screen"):
        capture.grab()


class FakeClipboard:
    def __init__(self, name: str, *, refuses: bool = False, empty: bool = False) -> None:
        self.name, self.install_hint = name, f"install {name}"
        self._refuses, self._empty = refuses, empty
        self.written: list[bytes] = []

    def fits_this_system(self) -> bool:
        return True

    def is_installed(self) -> bool:
        return True

    def write_png(self, data: bytes) -> None:
        if self._refuses:
            raise ClipboardError(f"{self.name} could not set the clipboard")
        self.written.append(data)

    def read_image(self) -> ClipboardImage:
        if self._empty:
            raise NoImageError("There is no image on the clipboard.")
        return ClipboardImage(b"png", "image/png")


def test_a_clipboard_write_that_fails_goes_to_the_next_method() -> None:
    wayland, xclip = FakeClipboard("wl-clipboard", refuses=True), FakeClipboard("xclip")
    board = FallbackClipboard([wayland, xclip], CLIPBOARD)
    board.write_png(b"result")
    assert xclip.written == [b"result"]
    assert board.name == "xclip"


def test_no_image_on_the_clipboard_is_an_answer_not_a_failure_to_hand_over() -> None:
    first, second = FakeClipboard("wl-clipboard", empty=True), FakeClipboard("xclip")
    board = FallbackClipboard([first, second], CLIPBOARD)
    with pytest.raises(NoImageError):
        board.read_image()
    assert board.name == "wl-clipboard"


def test_the_clipboard_variable_pins_its_method() -> None:
    chosen = usable([FakeClipboard("wl-clipboard"), FakeClipboard("xclip")], CLIPBOARD, {"AIIS_CLIPBOARD": "xclip"})
    assert [method.name for method in chosen] == ["xclip", "wl-clipboard"]
