"""Jobs leave nothing behind in Tk (issue 14): images, windows and timers after 12 jobs are those after 1.

Each job goes through the real flow on the session's Xvfb (job runner, toast, delivery, thumbnail);
``bench.tray_job_memory`` runs the same on the whole tray. The thumbnail of the last job is the one
window, picture and timer a job may leave, for the next job (or its own timer) to close.
"""

from __future__ import annotations

import tkinter as tk

import pytest

from core.models import Rect
from tests.overlay.tk_helpers import pump, root  # noqa: F401 - the fixture
from tests.tray.flow_fakes import FlowRig, rig_fixture  # noqa: F401 - the fixture
from tests.tray.test_flow_thumbnail import quadrants
from tray import flow

pytestmark = pytest.mark.desktop


def tk_counts(window: tk.Misc) -> tuple[int, int, int]:
    """Tk's images, the root's child windows and pending ``after`` timers."""
    split, call = window.tk.splitlist, window.tk.call
    return len(split(call("image", "names"))), len(window.winfo_children()), len(split(call("after", "info")))


def one_job(rig: FlowRig, number: int) -> None:
    rig.provider.answer = [quadrants((320, 240))]
    rig.flow.start(rig.config(), rig.plan(), quadrants((320, 240)), Rect(200, 150, 320, 240), f"job {number}")
    rig.finish_one()
    assert len(rig.board.written) == number, "each job was delivered"
    # The second trim is due a moment later; it too must have run before Tk is counted.
    pump(rig.root, lambda: tk_counts(rig.root)[2] == 1, timeout=flow.TRIM_AGAIN_MS / 1000 + 5)


def test_twelve_jobs_leave_the_same_tk_images_windows_and_timers_as_one(
    rig: FlowRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(flow, "TRIM_AGAIN_MS", 50)
    one_job(rig, 1)
    after_one = tk_counts(rig.root)
    assert rig.flow.results.thumbnail is not None
    assert after_one[1] == 1, "the thumbnail's window, the toast gone"
    for number in range(2, 13):
        one_job(rig, number)
    assert tk_counts(rig.root) == after_one
