"""The thumbnail at once (issue 18): after delivery, the result's own pixels appear beside the selection
(or in the screen's corner for a clipboard or file source) on the real X screen, and go by themselves."""

from __future__ import annotations

import time

import pytest
from PIL import Image

from core.models import Rect
from overlay import thumbnail
from overlay.placement import GAP
from tests.overlay.capture_run import screen_pixel
from tests.overlay.tk_helpers import pump, root  # noqa: F401 - the fixture
from tests.tray.flow_fakes import FlowRig, rig_fixture  # noqa: F401 - the fixture
from tests.virtual_desktop import VirtualDesktop

pytestmark = pytest.mark.desktop

QUADRANTS = ((220, 30, 30), (30, 200, 30), (30, 30, 220), (230, 210, 20))


def quadrants(size: tuple[int, int]) -> Image.Image:
    """Four colours, one a quarter: a thumbnail showing them in place is the result, not a blank."""
    width, height = size
    image = Image.new("RGB", size, QUADRANTS[0])
    image.paste(QUADRANTS[1], (width // 2, 0, width, height // 2))
    image.paste(QUADRANTS[2], (0, height // 2, width // 2, height))
    image.paste(QUADRANTS[3], (width // 2, height // 2, width, height))
    return image


def shown_at(desktop: VirtualDesktop, x: int, y: int, w: int, h: int) -> bool:
    """The root window shows the four colours where the thumbnail's quarters are."""
    probes = [(x + w // 4, y + h // 4), (x + 3 * w // 4, y + h // 4)]
    probes += [(x + w // 4, y + 3 * h // 4), (x + 3 * w // 4, y + 3 * h // 4)]
    return all(_near(screen_pixel(desktop.display, *p), c) for p, c in zip(probes, QUADRANTS, strict=True))


def _near(got: tuple[int, int, int], want: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 2 for a, b in zip(got, want, strict=True))


def run_job(rig: FlowRig, size: tuple[int, int], anchor: Rect, *, on_screen: bool = True) -> None:
    rig.provider.answer = [quadrants(size)]
    rig.flow.start(rig.config(), rig.plan(), quadrants(size), anchor, "make it", on_screen=on_screen)
    rig.finish_one()
    assert len(rig.board.written) == 1, "delivery stays as it was: the clipboard first"


def test_the_thumbnail_shows_the_result_beside_the_selection_then_goes(
    rig: FlowRig, desktop: VirtualDesktop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(thumbnail, "SHOW_MS", 1500)
    anchor = Rect(300, 200, 400, 300)
    run_job(rig, (400, 300), anchor)
    shown = rig.flow.results.thumbnail
    assert shown is not None
    assert shown.shown.size == (200, 150)
    # Beside the selection: under it, left-aligned with it (overlay.placement's rule).
    x, y = anchor.x + 1, anchor.bottom + GAP + 1  # inside its 1-pixel border
    pump(rig.root, lambda: shown_at(desktop, x, y, 200, 150), timeout=5)
    assert (shown.label.winfo_rootx(), shown.label.winfo_rooty()) == (x, y)
    # It goes by itself (a Tk after), from the screen too.
    pump(rig.root, lambda: shown.closed and not shown_at(desktop, x, y, 200, 150), timeout=6)


def test_a_clipboard_sources_thumbnail_sits_in_the_screens_corner(rig: FlowRig, desktop: VirtualDesktop) -> None:
    run_job(rig, (300, 600), Rect(760, 360, 400, 1), on_screen=False)
    shown = rig.flow.results.thumbnail
    assert shown is not None
    assert shown.shown.size == (100, 200)
    x = desktop.width - thumbnail.CORNER_MARGIN - 102 + 1
    y = desktop.height - thumbnail.CORNER_MARGIN - 202 + 1
    pump(rig.root, lambda: shown_at(desktop, x, y, 100, 200), timeout=5)


def test_clicking_the_thumbnail_opens_the_viewer_over_the_selection(rig: FlowRig, desktop: VirtualDesktop) -> None:
    anchor = Rect(900, 300, 200, 200)
    run_job(rig, (200, 200), anchor)
    shown = rig.flow.results.thumbnail
    assert shown is not None
    x, y = anchor.x + 1, anchor.bottom + GAP + 1
    pump(rig.root, lambda: shown_at(desktop, x, y, 200, 200), timeout=5)
    desktop.run("xdotool", "mousemove", str(x + 50), str(y + 50), "click", "1")
    pump(rig.root, lambda: shown.closed and rig.flow.results.viewer is not None, timeout=5)
    viewer = rig.flow.results.viewer
    assert viewer is not None
    assert (viewer.window.winfo_rootx(), viewer.window.winfo_rooty()) == (anchor.x, anchor.y)
    # The result's own pixels where the selection was (its top-left quarter's colour).
    pump(rig.root, lambda: screen_pixel(desktop.display, anchor.x + 50, anchor.y + 50) == QUADRANTS[0], timeout=5)
    viewer.close()


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)], ids=["1080p", "4K"])
def test_from_the_providers_answer_to_the_thumbnail_painted(
    rig: FlowRig, desktop: VirtualDesktop, size: tuple[int, int]
) -> None:
    anchor = Rect(0, 0, 1920, 1080)  # a full-screen selection: the thumbnail goes inside its bottom edge
    rig.provider.answer = [quadrants(size)]
    rig.flow.start(rig.config(), rig.plan(), quadrants(size), anchor, "make it")
    painted: list[float] = []

    def seen() -> bool:
        shown = rig.flow.results.thumbnail
        if shown is None:
            rig.finish_one_step()
            return False
        x, y = shown.label.winfo_rootx(), shown.label.winfo_rooty()
        if shown_at(desktop, x, y, shown.shown.width, shown.shown.height):
            painted.append(time.perf_counter())
            return True
        return False

    pump(rig.root, seen, timeout=15)
    elapsed = painted[0] - rig.provider.answered[0]
    print(f"thumbnail painted {elapsed * 1000:.0f} ms after a {size[0]}x{size[1]} answer")  # noqa: T201
    assert elapsed < 3.0
