"""The viewer lets the keyboard go on every way out (Enter, Esc, the tray quitting) and a refused grab
leaves no window; a flow's viewer delivers the variant it shows, as the job's result was (issue 18)."""

from __future__ import annotations

import io
import tkinter as tk

import pytest
from PIL import Image

from core.models import Rect
from overlay.placement import viewer_box
from overlay.viewer import ResultViewer, ViewerSpec
from tests.overlay.test_keyboard_release import RecordingKeyboard
from tests.overlay.tk_helpers import pump, root
from tests.tray.flow_fakes import FlowRig, rig_fixture  # noqa: F401 - the fixture
from tray.results import LastResult, ResultViews

__all__ = ["root"]

pytestmark = pytest.mark.desktop

SCREEN = Rect(0, 0, 1920, 1080)
RED, GREEN, BLUE = (200, 40, 40), (40, 180, 60), (40, 60, 200)


def spec() -> ViewerSpec:
    size = (120, 80)
    variants = (Image.new("RGB", size, RED), Image.new("RGB", size, GREEN))
    return ViewerSpec(Image.new("RGB", size, BLUE), variants, Rect(100, 100, 120, 80), SCREEN)


def test_the_box_is_the_region_or_the_image_fitted_in_the_screens_middle() -> None:
    assert viewer_box((120, 80), Rect(5, 6, 120, 80), SCREEN) == Rect(5, 6, 120, 80)
    assert viewer_box((400, 300), None, SCREEN) == Rect(760, 390, 400, 300)
    fitted = viewer_box((4000, 1000), None, SCREEN)
    assert (fitted.width, fitted.height) == (1536, 384)  # 80 % of the width, the shape kept


@pytest.mark.parametrize("way_out", ["enter", "esc", "close"])
def test_every_way_out_releases_the_keyboard(root: tk.Tk, way_out: str) -> None:
    keyboard = RecordingKeyboard()
    delivered: list[Image.Image] = []
    closed: list[bool] = []
    viewer = ResultViewer(root, spec(), keyboard, delivered.append, lambda: closed.append(True))
    viewer.pick(1)
    if way_out == "enter":
        viewer.deliver()
    elif way_out == "esc":
        viewer._key_press(_key("Escape"))
    else:
        viewer.close()
    pump(root, lambda: "release" in keyboard.calls)
    assert [call for call in keyboard.calls if call != "focus"] == ["take", "release"]
    assert closed == [True]
    assert not viewer.window.winfo_exists()
    assert [image.getpixel((0, 0)) for image in delivered] == ([GREEN] if way_out == "enter" else [])


def test_a_refused_grab_leaves_no_window_and_no_viewer(root: tk.Tk) -> None:
    keyboard = RecordingKeyboard(refuse=True)
    views = ResultViews(root, lambda image: None, keyboard)
    views.last = LastResult(spec().original, spec().variants, Rect(100, 100, 120, 80))
    assert views.open() is False
    assert views.viewer is None
    root.update()
    assert [w for w in root.winfo_children() if isinstance(w, tk.Toplevel) and w.winfo_ismapped()] == []


def test_the_flows_viewer_delivers_the_variant_it_shows(rig: FlowRig) -> None:
    keyboard = RecordingKeyboard()
    rig.flow.results = ResultViews(rig.root, rig.flow._deliver_chosen, keyboard)
    size = (120, 80)
    rig.provider.answer = [Image.new("RGB", size, RED), Image.new("RGB", size, GREEN)]
    rig.flow.start(rig.config(), rig.plan(), Image.new("RGB", size, BLUE), Rect(100, 100, *size), "two")
    rig.finish_one()
    first = Image.open(io.BytesIO(rig.board.written[0])).convert("RGB")
    assert first.getpixel((5, 5)) == RED
    assert rig.flow.results.open()
    viewer = rig.flow.results.viewer
    assert viewer is not None
    viewer._key_press(_key("2"))
    viewer._key_press(_key("Return"))
    assert len(rig.board.written) == 2
    chosen = Image.open(io.BytesIO(rig.board.written[1])).convert("RGB")
    assert chosen.getpixel((5, 5)) == GREEN
    assert rig.recorder.said("Copied 120x80")


class _Event:
    def __init__(self, keysym: str) -> None:
        self.keysym = keysym


def _key(keysym: str) -> tk.Event[tk.Misc]:
    return _Event(keysym)  # type: ignore[return-value]
