"""The key dialog and About take the keyboard at once under a window manager, from an app in the background.

Issue 17. GIVEN openbox or icewm and a witness window (``tests.witness``) focused, as a person's
terminal would be, WHEN the tray opens the key dialog (or About), THEN it has the X focus as soon
as it is mapped, the key typed goes into it (and is stored exactly), Esc closes About, and the
witness logged no key but modifiers.
"""

from __future__ import annotations

import gc
import tkinter as tk
from collections.abc import Iterator
from pathlib import Path

import pytest

from overlay.about import AboutWindow
from overlay.key_dialog import KeyDialog
from tests.overlay.tk_helpers import pump
from tests.virtual_desktop import VirtualDesktop, virtual_desktop
from tests.witness import Witness, witness

pytestmark = pytest.mark.desktop

KEY = "sk-dialog-focus-0123456789"


def _screen(wm: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[VirtualDesktop, Witness]]:
    log = tmp_path_factory.mktemp("witness") / "keys.log"
    with virtual_desktop(800, 600, wm=wm) as desktop, witness(desktop, log) as shown:
        yield desktop, shown


# Session-scoped, one fixture per WM: Tk keeps every display it opened in this process, and a later
# root.update() on another display dies of an X IO error if one of them has gone (module scope would
# end the first desktop before the second test's Tk runs).
@pytest.fixture(scope="session")
def openbox_screen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[VirtualDesktop, Witness]]:
    yield from _screen("openbox", tmp_path_factory)


@pytest.fixture(scope="session")
def icewm_screen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[VirtualDesktop, Witness]]:
    yield from _screen("icewm", tmp_path_factory)


@pytest.fixture(params=["openbox", "icewm"])
def screen(request: pytest.FixtureRequest) -> tuple[VirtualDesktop, Witness]:
    found: tuple[VirtualDesktop, Witness] = request.getfixturevalue(f"{request.param}_screen")
    return found


@pytest.fixture
def app_root(screen: tuple[VirtualDesktop, Witness], monkeypatch: pytest.MonkeyPatch) -> Iterator[tk.Tk]:
    monkeypatch.setenv("DISPLAY", screen[0].display)
    root = tk.Tk()
    root.withdraw()
    try:
        yield root
    finally:
        root.destroy()
        gc.collect()  # Tk objects must die on this thread


def has_focus(desktop: VirtualDesktop, window: tk.Toplevel) -> bool:
    """The X focus is on the toplevel's window or on Tk's wrapper around it (its parent)."""
    from Xlib import display as xdisplay

    focused = desktop.run("xdotool", "getwindowfocus", check=False).stdout.decode().strip()
    connection = xdisplay.Display(desktop.display)
    try:
        inner = window.winfo_id()
        wrapper = connection.create_resource_object("window", inner).query_tree().parent.id
    finally:
        connection.close()
    return focused.isdigit() and int(focused) in {inner, wrapper}


class Keys:
    def __init__(self) -> None:
        self.stored: list[tuple[str, str]] = []

    def set(self, provider_id: str, key: str) -> None:
        self.stored.append((provider_id, key))


def test_the_key_dialog_takes_the_focus_and_gets_exactly_the_typed_key(
    screen: tuple[VirtualDesktop, Witness], app_root: tk.Tk
) -> None:
    desktop, shown = screen
    shown.focus()
    mark = shown.mark()
    keys = Keys()
    done: list[bool] = []
    dialog = KeyDialog(
        app_root, provider_id="openai", provider_name="OpenAI", env_var="OPENAI_API_KEY", keys=keys, on_done=done.append
    )
    pump(app_root, lambda: has_focus(desktop, dialog.window), timeout=10)
    desktop.xdotool("type", "--delay", "5", KEY)
    desktop.xdotool("key", "Return")
    pump(app_root, lambda: done == [True], timeout=10)
    assert keys.stored == [("openai", KEY)]
    assert shown.leaked_since(mark) == []


def test_about_takes_the_focus_and_esc_closes_it(
    screen: tuple[VirtualDesktop, Witness], app_root: tk.Tk, tmp_path: Path
) -> None:
    desktop, shown = screen
    shown.focus()
    mark = shown.mark()
    about = AboutWindow(app_root, config_path=tmp_path / "settings.yaml", log_path=None)
    pump(app_root, lambda: has_focus(desktop, about.window), timeout=10)
    desktop.xdotool("key", "Escape")
    pump(app_root, lambda: not about.window.winfo_exists(), timeout=10)
    assert shown.leaked_since(mark) == []
