"""Tray > History on a real X server under openbox, driven by xdotool keys (issue 18).

GIVEN three kept jobs of three colours (oldest red, then green, newest blue) and the History window
opened as from the tray menu, WHEN keys are pressed, THEN the screen, the folder and the clipboard
show it: thumbnails newest first, Delete removes that record's files, Enter puts the stored result
in the viewer, C puts it on the clipboard (read back with xclip), Shift+Delete asks before removing all.
"""

from __future__ import annotations

import io
import tkinter as tk
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from core.config import Config
from core.history import Entry, History, Record
from desktop.clipboard.xclip import XclipClipboard
from tests.overlay.capture_run import screen_pixel
from tests.overlay.test_dialog_focus import has_focus
from tests.overlay.tk_helpers import pump, root  # noqa: F401 - the fixture
from tests.tray.flow_fakes import FlowRig, rig_fixture  # noqa: F401 - the fixture
from tests.virtual_desktop import VirtualDesktop, virtual_desktop
from tray import menu
from tray.events import MenuCommand
from tray.flow import JobFlow
from tray.history_view import HistoryView
from tray.parts import AppParts
from tray.ui_actions import MenuActions

pytestmark = pytest.mark.desktop

RED, GREEN, BLUE = (210, 30, 30), (30, 190, 40), (40, 50, 220)
RESULT_SIZE = (800, 600)  # shown 160x120 in the list, 800x600 in the viewer's middle
WHEN = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


# Session scope: Tk keeps every display it opened, and one that went away kills a later update().
@pytest.fixture(scope="session")
def openbox_desktop() -> Iterator[VirtualDesktop]:
    with virtual_desktop(1920, 1080, wm="openbox") as running:
        yield running


@pytest.fixture(name="desktop")
def desktop_fixture(openbox_desktop: VirtualDesktop) -> VirtualDesktop:
    return openbox_desktop


def near(got: tuple[int, int, int], want: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 2 for a, b in zip(got, want, strict=True))


class Opened:
    def __init__(self, rig: FlowRig, desktop: VirtualDesktop, folder: Path) -> None:
        self.rig, self.desktop = rig, desktop
        self.history = History(folder, 10**9)
        self.kept: list[Entry] = []
        for minutes, colour in enumerate((RED, GREEN, BLUE)):
            result = Image.new("RGB", RESULT_SIZE, colour)
            record = Record(Image.new("RGB", RESULT_SIZE, (9, 9, 9)), (result,), f"job {minutes}", "openai")
            self.kept.append(self.history.add(replace(record, when=WHEN + timedelta(minutes=minutes))))
        on = rig.config()
        self.config: Config = replace(on, privacy=replace(on.privacy, history=True))
        self.view = HistoryView(rig.root, rig.flow, folder, lambda: XclipClipboard(desktop.env), rig.flow_catalog)
        self.view.show(self.config)
        window = self.view.window
        assert window is not None
        self.window = window
        pump(rig.root, lambda: has_focus(desktop, window.window), timeout=10)

    def row_shows(self, index: int, colour: tuple[int, int, int]) -> bool:
        x, y = self.window.row_on_screen(index)
        return near(screen_pixel(self.desktop.display, x + 80, y + 60), colour)

    def key(self, *names: str) -> None:
        for name in names:
            self.desktop.xdotool("key", name)


@pytest.fixture
def opened(rig: FlowRig, desktop: VirtualDesktop, tmp_path: Path) -> Iterator[Opened]:
    shown = Opened(rig, desktop, tmp_path / "history")
    try:
        yield shown
    finally:
        shown.view.close()


def test_thumbnails_are_drawn_newest_first(opened: Opened) -> None:
    pump(opened.rig.root, lambda: all(opened.row_shows(i, c) for i, c in enumerate((BLUE, GREEN, RED))), timeout=10)


def test_delete_removes_the_chosen_record_and_its_files(opened: Opened) -> None:
    pump(opened.rig.root, lambda: opened.row_shows(1, GREEN), timeout=10)
    green = opened.kept[1]
    opened.key("Down", "Delete")
    pump(opened.rig.root, lambda: not green.folder.exists(), timeout=10)
    assert [entry.id for entry in opened.history.entries()] == [opened.kept[2].id, opened.kept[0].id]
    pump(opened.rig.root, lambda: opened.row_shows(1, RED), timeout=10)


def test_enter_shows_the_stored_result_in_the_viewer(opened: Opened) -> None:
    opened.key("Down", "Down", "Return")  # the oldest: red
    pump(opened.rig.root, lambda: opened.rig.flow.results.viewer is not None, timeout=10)
    # Inside the 800x600 viewer in the screen's middle (above its help line), right of the History window.
    x, y = 960 + 370, 540 + 200
    pump(opened.rig.root, lambda: near(screen_pixel(opened.desktop.display, x, y), RED), timeout=10)
    viewer = opened.rig.flow.results.viewer
    assert viewer is not None
    viewer.close()


def test_c_copies_the_stored_result_to_the_clipboard(opened: Opened) -> None:
    opened.key("Down", "c")  # green
    found: list[Image.Image] = []

    def on_clipboard() -> bool:
        data = opened.desktop.read_clipboard("image/png")
        if data:
            found[:] = [Image.open(io.BytesIO(data)).convert("RGB")]
        return bool(found) and found[0].getpixel((0, 0)) == GREEN

    pump(opened.rig.root, on_clipboard, timeout=10)
    assert found[0].size == RESULT_SIZE
    assert found[0].getcolors() == [(RESULT_SIZE[0] * RESULT_SIZE[1], GREEN)]


def test_remove_all_asks_first_and_esc_keeps_them(opened: Opened) -> None:
    opened.key("shift+Delete")
    pump(opened.rig.root, lambda: opened.window.confirming, timeout=10)
    opened.key("Escape")
    pump(opened.rig.root, lambda: not opened.window.confirming, timeout=10)
    assert len(opened.history.entries()) == 3
    assert not opened.window.closed, "Esc ended the question, not the window"
    opened.key("shift+Delete", "Return")
    pump(opened.rig.root, lambda: opened.history.entries() == [], timeout=10)
    assert all(not entry.folder.exists() for entry in opened.kept)


@dataclass
class MenuHostStandIn:
    """The little of the tray app that Tray > History uses."""

    root: tk.Tk
    parts: AppParts
    config: Config
    flow: JobFlow


def test_the_menus_history_item_opens_the_window_and_says_when_history_is_off(
    rig: FlowRig, desktop: VirtualDesktop
) -> None:
    host = MenuHostStandIn(rig.root, rig.flow._parts, rig.config(), rig.flow)
    actions = MenuActions(host)  # type: ignore[arg-type]
    actions.run(MenuCommand(menu.HISTORY))
    view = actions.history
    assert view is not None
    assert view.window is not None
    window = view.window
    pump(rig.root, lambda: has_focus(desktop, window.window), timeout=10)
    assert window.window.title() == "AI Image Studio history"
    assert window.note.cget("text").startswith("History is off")
    assert window.entries == []
    desktop.xdotool("key", "Escape")
    pump(rig.root, lambda: window.closed, timeout=10)


def test_an_opened_entry_retries_with_r_and_enter_delivers_the_variant_shown(opened: Opened) -> None:
    # GIVEN the oldest entry (red, "job 0") open in the viewer, and a provider answering yellow
    yellow = Image.new("RGB", RESULT_SIZE, (250, 220, 0))
    opened.rig.provider.answer[:] = [yellow]
    opened.key("Down", "Down", "Return")
    pump(opened.rig.root, lambda: opened.rig.flow.results.viewer is not None, timeout=10)
    viewer = opened.rig.flow.results.viewer
    assert viewer is not None
    # WHEN R asks again: the stored crop and prompt go to the entry's provider
    opened.key("r")
    pump(opened.rig.root, opened.rig.finish_one_step, timeout=10)
    assert [request.prompt for request in opened.rig.provider.requests] == ["job 0"]
    sent = opened.rig.provider.requests[0].image
    assert sent is not None
    assert sent.getcolors() == [(RESULT_SIZE[0] * RESULT_SIZE[1], (9, 9, 9))]
    pump(opened.rig.root, lambda: len(viewer.variants) == 2, timeout=10)
    # THEN Enter on variant 2 delivers exactly the retried picture
    opened.key("2", "Return")
    pump(opened.rig.root, lambda: bool(opened.rig.board.written), timeout=10)
    delivered = Image.open(io.BytesIO(opened.rig.board.written[-1])).convert("RGB")
    assert delivered.getcolors() == [(RESULT_SIZE[0] * RESULT_SIZE[1], (250, 220, 0))]
