"""What every hotkey method offers: grab these hotkeys, call back with the index of the one pressed.

A method runs its own thread (the X11 connection's reader, the Windows message loop, pynput's
listener); ``on_press`` is called on that thread, so it must only post to a queue.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from core.hotkeys import Hotkey

log = logging.getLogger(__name__)

PressSink = Callable[[int], None]
RefusalReason = Literal["taken", "no-key", "unavailable"]


@dataclass(frozen=True)
class Refusal:
    """A hotkey a method could not take. ``holder`` names who has it, where the system can tell."""

    index: int
    reason: RefusalReason
    detail: str = ""
    holder: str = ""


class HotkeyMethod(Protocol):
    """``start`` grabs what it can and returns the rest; ``stop`` releases all and ends its thread."""

    @property
    def name(self) -> str: ...
    @property
    def install_hint(self) -> str: ...
    @property
    def consumes(self) -> bool:
        """Whether the focused application stops receiving a grabbed hotkey."""
        ...

    def fits_this_system(self) -> bool: ...
    def is_installed(self) -> bool: ...
    def start(self, hotkeys: Sequence[Hotkey], on_press: PressSink) -> list[Refusal]: ...
    def stop(self) -> None: ...


def safe_call(on_press: PressSink, index: int) -> None:
    """A failing sink must not end the method's thread: the other hotkeys keep working."""
    try:
        on_press(index)
    except Exception:
        log.exception("hotkey handler failed")
