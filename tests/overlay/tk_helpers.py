"""A Tk root on the test session's Xvfb, and a pump that runs Tk until something happened."""

from __future__ import annotations

import gc
import time
import tkinter as tk
from collections.abc import Callable, Iterator

import pytest

from tests.virtual_desktop import VirtualDesktop


@pytest.fixture
def root(desktop: VirtualDesktop, monkeypatch: pytest.MonkeyPatch) -> Iterator[tk.Tk]:
    monkeypatch.setenv("DISPLAY", desktop.display)
    window = tk.Tk()
    window.withdraw()
    try:
        yield window
    finally:
        window.destroy()
        # Tk objects must die on this thread: left to the cyclic GC, they may be collected on
        # another thread (a job runner's), where Tcl aborts the process.
        gc.collect()


def pump(root: tk.Misc, until: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        root.update()
        if until():
            return
        time.sleep(0.01)
    root.update()
    assert until(), "timed out waiting for Tk"
