"""The result viewer driven by the keyboard under a window manager (issue 18).

GIVEN openbox, a focused witness window (a person's terminal) and a finished job with two variants
whose thumbnail is shown, WHEN the thumbnail is clicked, THEN the viewer covers the selection showing
variant 1 and holds the keyboard; held Space shows the original's pixels, 2 shows variant 2, Enter
puts exactly variant 2 on the clipboard (read back with xclip) and closes; Esc on a second opening
changes nothing. The witness gets no key but modifiers, and the keyboard is let go each time.
"""

from __future__ import annotations

import gc
import io
import tkinter as tk
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from core.delivery import Destination, Naming, deliver
from core.models import Rect
from desktop.clipboard.xclip import XclipClipboard
from overlay.placement import GAP
from tests.overlay.capture_run import screen_pixel
from tests.overlay.tk_helpers import pump
from tests.virtual_desktop import VirtualDesktop, virtual_desktop
from tests.witness import Witness, keyboard_held, witness
from tray.results import LastResult, ResultViews

pytestmark = pytest.mark.desktop

REGION = Rect(200, 150, 300, 200)
SIZE = (REGION.width, REGION.height)
BLUE, RED, GREEN = (20, 60, 210), (210, 30, 30), (30, 190, 60)


@pytest.fixture(scope="session")
def openbox_viewer_screen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[VirtualDesktop, Witness]]:
    # Session scope: Tk keeps every display it opened, and dies on a later update if one went away.
    log = tmp_path_factory.mktemp("viewer-witness") / "keys.log"
    with virtual_desktop(800, 600, wm="openbox") as desktop, witness(desktop, log) as shown:
        yield desktop, shown


@pytest.fixture
def screen_root(
    openbox_viewer_screen: tuple[VirtualDesktop, Witness], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tk.Tk]:
    monkeypatch.setenv("DISPLAY", openbox_viewer_screen[0].display)
    root = tk.Tk()
    root.withdraw()
    try:
        yield root
    finally:
        root.destroy()
        gc.collect()  # Tk objects must die on this thread


def pixel_is(desktop: VirtualDesktop, colour: tuple[int, int, int]) -> bool:
    got = screen_pixel(desktop.display, REGION.x + REGION.width // 2, REGION.y + REGION.height // 3)
    return all(abs(a - b) <= 2 for a, b in zip(got, colour, strict=True))


def clipboard_image(desktop: VirtualDesktop) -> Image.Image | None:
    found = desktop.run("xclip", "-selection", "clipboard", "-t", "image/png", "-o", check=False)
    if found.returncode != 0 or not found.stdout.startswith(b"\x89PNG"):
        return None
    return Image.open(io.BytesIO(found.stdout)).convert("RGB")


def test_space_shows_the_original_2_picks_and_enter_copies_exactly_that_variant(
    openbox_viewer_screen: tuple[VirtualDesktop, Witness], screen_root: tk.Tk
) -> None:
    desktop, shown = openbox_viewer_screen
    original = Image.new("RGB", SIZE, BLUE)
    second = Image.new("RGB", SIZE, GREEN)
    second.paste((250, 250, 250), (0, 0, 10, 10))  # a corner mark: "exactly" means every pixel

    def to_clipboard(image: Image.Image) -> None:
        destination = Destination(copy=True)
        deliver([image], destination, Naming("", "openai", "edit"), lambda: XclipClipboard(desktop.env))

    views = ResultViews(screen_root, to_clipboard)
    try:
        desktop.set_clipboard(b"what the person had copied")
        shown.focus()
        mark = shown.mark()
        views.show(LastResult(original, (Image.new("RGB", SIZE, RED), second), REGION))
        thumb_x, thumb_y = REGION.x + 40, REGION.bottom + GAP + 40
        pump(screen_root, lambda: views.thumbnail is not None and views.thumbnail.window.winfo_ismapped())
        pump(screen_root, lambda: screen_pixel(desktop.display, thumb_x, thumb_y) == RED, timeout=5)
        desktop.xdotool("mousemove", str(thumb_x), str(thumb_y), "click", "1")
        pump(screen_root, lambda: views.viewer is not None and pixel_is(desktop, RED), timeout=10)
        pump(screen_root, lambda: keyboard_held(desktop.display), timeout=10)
        viewer = views.viewer
        assert viewer is not None
        assert (viewer.window.winfo_rootx(), viewer.window.winfo_rooty()) == (REGION.x, REGION.y)
        assert (viewer.window.winfo_width(), viewer.window.winfo_height()) == SIZE

        desktop.xdotool("keydown", "space")
        pump(screen_root, lambda: pixel_is(desktop, BLUE), timeout=5)
        desktop.xdotool("keyup", "space")
        pump(screen_root, lambda: pixel_is(desktop, RED), timeout=5)
        desktop.xdotool("key", "2")
        pump(screen_root, lambda: pixel_is(desktop, GREEN), timeout=5)
        desktop.xdotool("key", "Return")
        pump(screen_root, lambda: viewer.closed and clipboard_image(desktop) is not None, timeout=10)
        copied = clipboard_image(desktop)
        assert copied is not None
        assert ImageChops.difference(copied, second).getbbox() is None
        pump(screen_root, lambda: not keyboard_held(desktop.display), timeout=5)
        assert shown.leaked_since(mark) == []
    finally:
        views.close()


def test_esc_closes_the_viewer_and_changes_nothing(
    openbox_viewer_screen: tuple[VirtualDesktop, Witness], screen_root: tk.Tk, tmp_path: Path
) -> None:
    desktop, shown = openbox_viewer_screen
    delivered: list[Image.Image] = []
    views = ResultViews(screen_root, delivered.append)
    try:
        desktop.set_clipboard(b"still mine")
        shown.focus()
        mark = shown.mark()
        views.show(LastResult(Image.new("RGB", SIZE, BLUE), (Image.new("RGB", SIZE, RED),), REGION))
        assert views.open()
        pump(screen_root, lambda: pixel_is(desktop, RED) and keyboard_held(desktop.display), timeout=10)
        desktop.xdotool("key", "Escape")
        pump(screen_root, lambda: views.viewer is None and not keyboard_held(desktop.display), timeout=10)
        pump(screen_root, lambda: not pixel_is(desktop, RED), timeout=5)
        assert delivered == []
        assert desktop.run("xclip", "-selection", "clipboard", "-o").stdout == b"still mine"
        assert shown.leaked_since(mark) == []
        assert shown.has_focus(), "the focus goes back to where the person was"
    finally:
        views.close()
