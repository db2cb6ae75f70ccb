"""The progress toast: plain words for each stage, a live countdown and elapsed time, and Cancel."""

from __future__ import annotations

import tkinter as tk

import pytest

from core.models import ProgressEvent, Rect
from overlay.toast import ProgressToast, describe
from tests.overlay.tk_helpers import pump, root
from tests.virtual_desktop import VirtualDesktop

__all__ = ["root"]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_each_stage_is_told_in_plain_words() -> None:
    assert describe(ProgressEvent("uploading", sent_bytes=50, total_bytes=200)) == "uploading 25%"
    assert describe(ProgressEvent("waiting")) == "waiting for the answer"
    assert describe(ProgressEvent("waiting", detail="generating 40%")) == "waiting: generating 40%"
    assert describe(ProgressEvent("retrying", retry_in=2.2)) == "retrying in 3 s"
    assert describe(ProgressEvent("downloading"), step=2, steps=2) == "step 2 of 2: downloading"


@pytest.mark.desktop
def test_the_toast_counts_elapsed_seconds_and_the_retry_countdown(root: tk.Tk) -> None:
    clock = Clock()
    toast = ProgressToast(
        root,
        anchor=Rect(100, 100, 50, 50),
        screen=Rect(0, 0, 1920, 1080),
        provider="OpenAI",
        on_cancel=lambda: None,
        clock=clock,
    )
    try:
        assert toast.text == "preparing \N{MIDDLE DOT} 0 s"
        clock.now += 4
        toast.show(ProgressEvent("retrying", retry_in=5))
        assert toast.text == "retrying in 5 s \N{MIDDLE DOT} 4 s"
        clock.now += 2
        toast._tick()  # what the 1 s timer calls
        assert toast.text == "retrying in 3 s \N{MIDDLE DOT} 6 s"
        toast.show(ProgressEvent("waiting"))
        assert toast.text == "waiting for the answer \N{MIDDLE DOT} 6 s"
    finally:
        toast.close()


@pytest.mark.desktop
def test_clicking_cancel_calls_back_once_and_says_it_is_cancelling(root: tk.Tk, desktop: VirtualDesktop) -> None:
    cancelled: list[bool] = []
    toast = ProgressToast(
        root,
        anchor=Rect(400, 300, 200, 100),
        screen=Rect(0, 0, 1920, 1080),
        provider="OpenAI",
        on_cancel=lambda: cancelled.append(True),
    )
    pump(root, lambda: toast.cancel_button.winfo_viewable() == 1)
    button = toast.cancel_button
    x = button.winfo_rootx() + button.winfo_width() // 2
    y = button.winfo_rooty() + button.winfo_height() // 2
    desktop.xdotool("mousemove", str(x), str(y), "click", "1")
    pump(root, lambda: bool(cancelled))
    desktop.xdotool("click", "1")
    pump(root, lambda: True)
    assert cancelled == [True]
    assert toast.text.startswith("cancelling")
    toast.close()
    assert not toast.window.winfo_exists()


@pytest.mark.desktop
def test_a_draft_is_shown_beside_the_words_and_replaced_by_the_next(root: tk.Tk, desktop: VirtualDesktop) -> None:
    from PIL import Image

    from tests.overlay.capture_run import screen_pixel

    toast = ProgressToast(
        root, anchor=Rect(400, 300, 200, 100), screen=Rect(0, 0, 1920, 1080), provider="OpenAI", on_cancel=lambda: None
    )
    try:
        assert toast.draft_text == ""
        first = Image.new("RGB", (160, 107), (250, 10, 10))
        toast.show(ProgressEvent("waiting", detail="draft 1 of 2", preview=first))
        picture = toast.draft_image

        def centre() -> tuple[int, int]:
            return (
                picture.winfo_rootx() + picture.winfo_width() // 2,
                picture.winfo_rooty() + picture.winfo_height() // 2,
            )

        pump(root, lambda: picture.winfo_viewable() == 1 and screen_pixel(desktop.display, *centre()) == (250, 10, 10))
        assert toast.draft_text == "draft 1 of 2"
        assert toast.text.startswith("draft 1 of 2 received")
        # The draft sits beside the words, not over them.
        assert picture.winfo_rootx() + picture.winfo_width() <= toast.status.winfo_rootx()
        toast.show(ProgressEvent("downloading"))
        toast.show(ProgressEvent("waiting", detail="draft 2 of 2", preview=Image.new("RGB", (160, 107), (10, 200, 10))))
        pump(root, lambda: screen_pixel(desktop.display, *centre()) == (10, 200, 10))
        assert toast.draft_text == "draft 2 of 2"
    finally:
        toast.close()
