"""The prompt bar on a real X server, typed into with xdotool like a person would."""

from __future__ import annotations

import tkinter as tk
from pathlib import Path

import pytest

from core.models import Rect
from core.prompt_history import PromptHistory
from overlay.placement import place_beside
from overlay.prompt_bar import PromptBar, PromptBarSpec
from tests.overlay.tk_helpers import pump, root
from tests.virtual_desktop import VirtualDesktop

__all__ = ["root"]

SCREEN = Rect(0, 0, 1920, 1080)
ANCHOR = Rect(300, 200, 200, 150)


class Outcome:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self.cancelled = 0

    def send(self, prompt: str) -> None:
        self.sent.append(prompt)

    def cancel(self) -> None:
        self.cancelled += 1


def open_bar(root: tk.Tk, outcome: Outcome, *, prompt: str = "Redraw this", history: tuple[str, ...] = ()) -> PromptBar:
    spec = PromptBarSpec(ANCHOR, SCREEN, "OpenAI", "Edit the selection", "restyle", prompt, history)
    bar = PromptBar(root, spec, outcome.send, outcome.cancel)
    pump(root, lambda: root.focus_get() is bar.entry)
    return bar


@pytest.mark.desktop
def test_typing_replaces_the_presets_prompt_and_enter_sends_it(root: tk.Tk, desktop: VirtualDesktop) -> None:
    outcome = Outcome()
    bar = open_bar(root, outcome)
    assert bar.text.get() == "Redraw this"
    desktop.xdotool("type", "--delay", "2", "at night")
    desktop.xdotool("key", "Return")
    pump(root, lambda: bool(outcome.sent))
    assert outcome.sent == ["at night"]
    assert not bar.is_open
    assert outcome.cancelled == 0


@pytest.mark.desktop
def test_escape_cancels_and_sends_nothing(root: tk.Tk, desktop: VirtualDesktop) -> None:
    outcome = Outcome()
    bar = open_bar(root, outcome)
    desktop.xdotool("key", "Escape")
    pump(root, lambda: outcome.cancelled == 1)
    assert outcome.sent == []
    assert not bar.is_open


@pytest.mark.desktop
def test_up_and_down_walk_the_recent_prompts_and_come_back_to_the_typed_text(
    root: tk.Tk, desktop: VirtualDesktop
) -> None:
    outcome = Outcome()
    bar = open_bar(root, outcome, prompt="", history=("older", "newer"))
    desktop.xdotool("type", "--delay", "2", "mine")
    seen = []
    for key in ("Up", "Up", "Up", "Down", "Down"):
        desktop.xdotool("key", key)
        root.update()
        pump(root, lambda: True)
        seen.append(bar.text.get())
    assert seen == ["newer", "older", "older", "newer", "mine"]
    desktop.xdotool("key", "Return")
    pump(root, lambda: bool(outcome.sent))
    assert outcome.sent == ["mine"]


@pytest.mark.desktop
def test_an_empty_prompt_is_not_sent_and_the_bar_says_why(root: tk.Tk, desktop: VirtualDesktop) -> None:
    outcome = Outcome()
    bar = open_bar(root, outcome, prompt="")
    desktop.xdotool("key", "Return")
    pump(root, lambda: "Type what" in str(bar.hint.cget("text")))
    assert bar.is_open
    assert outcome.sent == []
    bar.cancel()


@pytest.mark.desktop
def test_the_bar_opens_just_below_the_selection(root: tk.Tk) -> None:
    bar = open_bar(root, Outcome())
    pump(root, lambda: bar.window.winfo_viewable() == 1)
    assert (bar.window.winfo_rootx(), bar.window.winfo_rooty()) == (ANCHOR.x, ANCHOR.bottom + 8)
    bar.cancel()


def test_placement_goes_above_when_there_is_no_room_below_and_stays_on_screen() -> None:
    size = (600, 90)
    assert place_beside(Rect(300, 200, 200, 150), size, SCREEN) == (300, 358)
    assert place_beside(Rect(300, 1000, 200, 70), size, SCREEN) == (300, 1000 - 8 - 90)
    assert place_beside(Rect(1700, 0, 200, 1080), size, SCREEN) == (1920 - 600, 1080 - 8 - 90)
    assert place_beside(Rect(-50, 10, 20, 20), size, SCREEN) == (0, 38)


def test_history_keeps_recent_prompts_in_memory_without_a_file() -> None:
    history = PromptHistory(None, limit=3)
    for prompt in ("a", "b", "a", "c", "d", "  "):
        history.add(prompt)
    assert history.items == ("a", "c", "d")


def test_history_with_a_file_survives_a_restart_one_line_per_prompt(tmp_path: Path) -> None:
    file = tmp_path / "history.txt"
    PromptHistory(file).add("two\nlines")
    assert PromptHistory(file).items == ("two lines",)
