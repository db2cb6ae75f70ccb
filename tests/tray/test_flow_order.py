"""Delivery first (issue 14, ADR 037): when a job's answer is handled, only the clipboard write happens at
once; the thumbnail, the tray icon's busy -> idle and the memory trim follow when Tk is next idle."""

from __future__ import annotations

import pytest

from core.models import Rect
from overlay.placement import GAP
from tests.overlay.tk_helpers import pump, root  # noqa: F401 - the fixture
from tests.tray.flow_fakes import FlowRig, rig_fixture  # noqa: F401 - the fixture
from tests.tray.test_flow_thumbnail import quadrants, shown_at
from tests.virtual_desktop import VirtualDesktop
from tray import flow
from tray.results import LastResult

pytestmark = pytest.mark.desktop

SIZE = (400, 300)
ANCHOR = Rect(300, 200, 400, 300)


def _watch(rig: FlowRig, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What happens, in order: the clipboard write, the thumbnail, the tray icon's update, the trim."""
    order: list[str] = []
    board_write, show = rig.board.write_png, rig.flow.results.show

    def write_png(data: bytes) -> None:
        order.append("clipboard")
        board_write(data)

    def shown(last: LastResult) -> None:
        order.append("thumbnail")
        show(last)

    monkeypatch.setattr(rig.board, "write_png", write_png)
    monkeypatch.setattr(rig.flow.results, "show", shown)
    monkeypatch.setattr(rig.flow, "_on_change", lambda: order.append("tray"))
    # The trim after the thumbnail is built and shown, not inside its update_idletasks.
    monkeypatch.setattr(flow, "release_memory", lambda: order.append("trim" if _thumbnail_shown(rig) else "early trim"))
    return order


def _thumbnail_shown(rig: FlowRig) -> bool:
    return rig.flow.results.thumbnail is not None


def _answered(rig: FlowRig, order: list[str]) -> None:
    rig.provider.answer = [quadrants(SIZE)]
    rig.flow.start(rig.config(), rig.plan(), quadrants(SIZE), ANCHOR, "make it")
    order.clear()  # the tray icon's busy update at the start is not what this is about
    # The job's events handed to the flow as the app's queue does; pump returns right after that handler.
    pump(rig.root, rig.finish_one_step, timeout=10)


def test_the_result_is_on_the_clipboard_before_the_thumbnail_the_tray_icon_and_the_trim(
    rig: FlowRig, desktop: VirtualDesktop, monkeypatch: pytest.MonkeyPatch
) -> None:
    order = _watch(rig, monkeypatch)
    _answered(rig, order)
    assert order == ["clipboard"]
    assert not _thumbnail_shown(rig)
    assert rig.recorder.said("Copied 400x300")  # the notice says so at once
    pump(rig.root, lambda: len(order) == 4, timeout=5)
    assert order == ["clipboard", "thumbnail", "tray", "trim"]
    # What the person sees is unchanged, only later: the result's own pixels beside the selection.
    assert _thumbnail_shown(rig)
    x, y = ANCHOR.x + 1, ANCHOR.bottom + GAP + 1
    pump(rig.root, lambda: shown_at(desktop, x, y, 200, 150), timeout=5)


def test_work_still_waiting_is_dropped_when_the_tray_closes(rig: FlowRig, monkeypatch: pytest.MonkeyPatch) -> None:
    order = _watch(rig, monkeypatch)
    _answered(rig, order)
    rig.flow.close_all()
    rig.root.update()
    assert order == ["clipboard"]
    assert not _thumbnail_shown(rig)
    assert len(rig.board.written) == 1
