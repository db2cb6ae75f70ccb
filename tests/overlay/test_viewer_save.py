"""The viewer's S (issue 18): Tk's save dialog, driven by real keys on the session's Xvfb (no window manager).

GIVEN a viewer showing variant 2 of two, WHEN S is pressed and a path is typed, THEN exactly variant 2's
pixels are in that file, in the format its extension names, and the viewer has the keyboard back.
GIVEN that file exists, WHEN it is chosen again and the overwrite question is answered No, THEN the
file keeps its bytes. A write that fails (a folder that cannot be written) says so in words and leaves
nothing behind. Under openbox, with a witness window focused, the dialog gets the typed path and
the window below gets no key.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import tkinter as tk
from collections.abc import Callable, Iterator
from pathlib import Path
from tkinter import filedialog

import pytest
from PIL import Image, ImageChops

from core.errors import OutputError
from core.models import Rect
from desktop.keyboard.base import system_keyboard
from overlay.save_as import format_for, save_image
from overlay.viewer import ResultViewer, ViewerSpec
from tests.desktop.capture.screens import noise
from tests.overlay.test_viewer_keys import openbox_viewer_screen, screen_root  # noqa: F401 - the fixtures
from tests.overlay.tk_helpers import pump, root  # noqa: F401 - the fixture
from tests.virtual_desktop import VirtualDesktop
from tests.witness import Witness, keyboard_held

pytestmark = pytest.mark.desktop

REGION = Rect(300, 200, 240, 160)
SIZE = (REGION.width, REGION.height)


@pytest.fixture
def viewer(root: tk.Tk, desktop: VirtualDesktop) -> Iterator[ResultViewer]:  # noqa: F811
    keyboard = system_keyboard(os.environ, root.tk.interpaddr())
    variants = (noise(*SIZE, seed=21), noise(*SIZE, seed=22))
    spec = ViewerSpec(noise(*SIZE, seed=20), variants, REGION, Rect(0, 0, desktop.width, desktop.height))
    shown = ResultViewer(root, spec, keyboard, lambda image: None)
    try:
        pump(root, lambda: keyboard_held(desktop.display), timeout=10)
        yield shown
    finally:
        shown.close()
        pump(root, lambda: not keyboard_held(desktop.display), timeout=5)
        keyboard.close()


class FocusLines(logging.Handler):
    """Counts the dialog's "has the focus" lines: the signs a key sent now reaches it (any thread)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "save dialog has the focus":
            self.count += 1

    def wait(self, count: int) -> None:
        deadline = time.monotonic() + 10
        while self.count < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.count >= count, "the save dialog never had the focus"


@pytest.fixture
def focus_lines() -> Iterator[FocusLines]:
    handler = FocusLines()
    logger = logging.getLogger("overlay.save_as")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def drive(root: tk.Tk, *steps: Callable[[], object]) -> None:  # noqa: F811
    """The dialog runs its own Tk loop inside the viewer's key handler: keys come from another thread."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            for step in steps:
                step()
        except BaseException as error:  # handed to the test thread
            failures.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    pump(root, lambda: not worker.is_alive(), timeout=30)
    if failures:
        raise failures[0]


def test_s_saves_exactly_the_shown_variant_and_never_replaces_without_the_confirm(
    root: tk.Tk,  # noqa: F811
    desktop: VirtualDesktop,
    viewer: ResultViewer,
    focus_lines: FocusLines,
    tmp_path: Path,
) -> None:
    desktop.xdotool("key", "2")
    pump(root, lambda: viewer.index == 1)
    target = tmp_path / "kept.webp"

    def type_target() -> None:
        # The entry holds "result.png"; Tk's <<SelectAll>> first, so the typed path replaces it.
        desktop.xdotool("key", "ctrl+slash")
        desktop.xdotool("type", "--delay", "5", str(target))
        desktop.xdotool("key", "Return")

    drive(root, lambda: desktop.xdotool("key", "s"), lambda: focus_lines.wait(1), type_target)
    pump(root, lambda: viewer.status.startswith("Saved as") and keyboard_held(desktop.display), timeout=10)
    with Image.open(target) as saved:
        assert saved.format == "WEBP"
        assert ImageChops.difference(saved.convert("RGB"), viewer.variants[1]).getbbox() is None
    before = target.read_bytes()

    desktop.xdotool("key", "1")
    pump(root, lambda: viewer.index == 0)
    drive(
        root,
        lambda: desktop.xdotool("key", "s"),
        lambda: focus_lines.wait(2),
        type_target,
        lambda: focus_lines.wait(3),  # the question "already exists... overwrite?" has the focus
        lambda: desktop.xdotool("key", "Escape"),  # its No
        lambda: focus_lines.wait(4),  # the dialog again
        lambda: desktop.xdotool("key", "Escape"),  # its Cancel
    )
    pump(root, lambda: keyboard_held(desktop.display), timeout=10)
    assert target.read_bytes() == before
    assert not viewer.closed
    assert viewer.status == "Saved as kept.webp", "a cancelled save says nothing new"


def test_a_failed_write_says_so_in_words_and_changes_nothing(tmp_path: Path) -> None:
    # Tests may run as root, for whom no folder is read-only: a file where the folder should be fails for all.
    blocker = tmp_path / "notes.txt"
    blocker.write_bytes(b"mine")
    with pytest.raises(OutputError) as caught:
        save_image(Image.new("RGB", (4, 4)), blocker / "out.png")
    assert "cannot be created" in str(caught.value)
    folder = tmp_path / "taken.png"
    folder.mkdir()
    with pytest.raises(OutputError, match="not a file; nothing was written"):
        save_image(Image.new("RGB", (4, 4)), folder)
    assert blocker.read_bytes() == b"mine"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt", "taken.png"]
    assert list(folder.iterdir()) == []


def test_the_extension_names_the_format() -> None:
    assert format_for(Path("a")) == (Path("a.png"), "png")
    assert format_for(Path("b.JPG")) == (Path("b.JPG"), "jpeg")
    with pytest.raises(OutputError, match=r"does not end in \.png, \.jpg or \.webp"):
        format_for(Path("c.gif"))


def test_a_failed_save_is_told_in_the_viewer_and_it_keeps_the_keyboard(
    root: tk.Tk,  # noqa: F811
    desktop: VirtualDesktop,
    viewer: ResultViewer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_bytes(b"mine")
    # The dialog itself is driven in the test above; here it answers a place that cannot be written.
    monkeypatch.setattr(filedialog, "asksaveasfilename", lambda **_options: str(blocker / "out.png"))
    desktop.xdotool("key", "s")
    pump(root, lambda: "cannot be created" in viewer.status and keyboard_held(desktop.display), timeout=10)
    assert viewer.status.endswith("Nothing was saved.")
    assert "cannot be created" in str(viewer.help.cget("text"))
    assert blocker.read_bytes() == b"mine"
    assert not viewer.closed


def test_under_openbox_the_dialog_gets_the_keys_and_none_reach_the_window_below(
    openbox_viewer_screen: tuple[VirtualDesktop, Witness],  # noqa: F811
    screen_root: tk.Tk,  # noqa: F811
    focus_lines: FocusLines,
    tmp_path: Path,
) -> None:
    desktop, shown = openbox_viewer_screen
    shown.focus()
    mark = shown.mark()
    keyboard = system_keyboard(os.environ, screen_root.tk.interpaddr())
    spec = ViewerSpec(noise(*SIZE, seed=30), (noise(*SIZE, seed=31),), REGION, Rect(0, 0, 800, 600))
    viewer = ResultViewer(screen_root, spec, keyboard, lambda image: None)
    target = tmp_path / "under-openbox.png"
    try:
        pump(screen_root, lambda: keyboard_held(desktop.display), timeout=10)

        def type_target() -> None:
            desktop.xdotool("key", "ctrl+slash")
            desktop.xdotool("type", "--delay", "5", str(target))
            desktop.xdotool("key", "Return")

        drive(screen_root, lambda: desktop.xdotool("key", "s"), lambda: focus_lines.wait(1), type_target)
        pump(screen_root, lambda: viewer.status.startswith("Saved as") and keyboard_held(desktop.display), timeout=10)
        with Image.open(target) as saved:
            assert ImageChops.difference(saved.convert("RGB"), viewer.variants[0]).getbbox() is None
        desktop.xdotool("key", "Escape")
        pump(screen_root, lambda: viewer.closed and not keyboard_held(desktop.display), timeout=10)
        assert shown.leaked_since(mark) == []
    finally:
        viewer.close()
        keyboard.close()
