"""The viewer's R and E (issue 18): the same request again, or a new prompt on the shown result, and the
new results join the same viewer as further variants without replacing what was delivered.

On the session's Xvfb with a real job runner and a stand-in provider (``tests.tray.flow_fakes``): keys
are real xdotool presses into the viewer and the prompt bar; what the provider was sent is read back.
"""

from __future__ import annotations

import asyncio
import threading

import pytest
from PIL import Image, ImageChops

from core.errors import AppError, BadRequestError
from core.models import EditRequest, EditResult, ProgressEvent, ProgressSink, Rect
from tests.overlay.tk_helpers import pump, root  # noqa: F401 - the fixture
from tests.tray.flow_fakes import CATALOG, FlowRig, rig_fixture  # noqa: F401 - the fixture
from tests.virtual_desktop import VirtualDesktop
from tests.witness import keyboard_held
from tray.results import ResultViews

pytestmark = pytest.mark.desktop

ANCHOR = Rect(400, 300, 160, 120)
SIZE = (ANCHOR.width, ANCHOR.height)
CROP, FIRST, SECOND, THIRD, DRAFT = (10, 10, 10), (200, 30, 30), (30, 200, 30), (30, 30, 200), (240, 140, 0)


class AnsweringProvider:
    """Answers each request with the next colour; may send a draft first and wait for ``go``."""

    def __init__(self, colours: list[tuple[int, int, int]]) -> None:
        self.info = CATALOG["openai"]
        self.colours = colours
        self.requests: list[EditRequest] = []
        self.draft_first = False
        self.go = threading.Event()
        self.fail: AppError | None = None

    async def run(self, request: EditRequest, *, key: str, progress: ProgressSink) -> EditResult:
        del key
        self.requests.append(request)
        if self.draft_first:
            progress(ProgressEvent("downloading", detail="draft 1 of 1", preview=Image.new("RGB", (40, 30), DRAFT)))
            await asyncio.to_thread(self.go.wait, 10)
        if self.fail is not None:
            raise self.fail
        return EditResult("openai", (Image.new("RGB", SIZE, self.colours.pop(0)),))


def viewer_shows(desktop: VirtualDesktop, colour: tuple[int, int, int]) -> bool:
    from tests.overlay.capture_run import screen_pixel

    got = screen_pixel(desktop.display, ANCHOR.x + ANCHOR.width // 2, ANCHOR.y + ANCHOR.height // 3)
    return all(abs(a - b) <= 2 for a, b in zip(got, colour, strict=True))


def same(first: Image.Image | None, colour: tuple[int, int, int]) -> bool:
    return (
        first is not None
        and ImageChops.difference(first.convert("RGB"), Image.new("RGB", SIZE, colour)).getbbox() is None
    )


def open_viewer(rig: FlowRig, desktop: VirtualDesktop, provider: AnsweringProvider) -> ResultViews:
    # The rig's provider answers one picture for ever; these tests need one per request.
    rig.provider.run = provider.run  # type: ignore[method-assign]
    rig.flow.start(rig.config(), rig.plan(), Image.new("RGB", SIZE, CROP), ANCHOR, "make it red")
    rig.finish_one()
    views = rig.flow.results
    assert views.open()
    pump(rig.root, lambda: viewer_shows(desktop, FIRST) and keyboard_held(desktop.display), timeout=10)
    return views


def test_r_retries_the_same_request_and_its_result_joins_as_variant_2(rig: FlowRig, desktop: VirtualDesktop) -> None:
    provider = AnsweringProvider([FIRST, SECOND])
    views = open_viewer(rig, desktop, provider)
    delivered = len(rig.board.written)
    desktop.xdotool("key", "r")
    pump(rig.root, lambda: (rig.finish_one_step() or True) and viewer_shows(desktop, SECOND), timeout=10)
    viewer = views.viewer
    assert viewer is not None
    assert (viewer.index, len(viewer.variants)) == (1, 2)
    first, again = provider.requests
    assert again.prompt == first.prompt == "make it red"
    assert same(again.image, CROP), "a retry sends the same crop"
    assert again.options == first.options
    assert len(rig.board.written) == delivered, "a retried result is picked in the viewer, not delivered"
    desktop.xdotool("key", "1")
    pump(rig.root, lambda: viewer_shows(desktop, FIRST), timeout=5)


def test_e_sends_the_typed_prompt_on_the_shown_result_and_shift_enter_on_the_original(
    rig: FlowRig, desktop: VirtualDesktop
) -> None:
    provider = AnsweringProvider([FIRST, SECOND, THIRD])
    views = open_viewer(rig, desktop, provider)
    refiner = rig.flow.refiner

    def bar_ready() -> bool:
        bar = refiner.prompt_bar
        return (
            bar is not None
            and bar.is_open
            and bar.entry.focus_get() is bar.entry
            and not keyboard_held(desktop.display)
        )

    desktop.xdotool("key", "e")
    pump(rig.root, bar_ready, timeout=10)
    bar = refiner.prompt_bar
    assert bar is not None
    assert bar.text.get() == "make it red", "the bar opens with the last prompt"
    desktop.xdotool("key", "End")
    desktop.xdotool("type", "--delay", "5", " and shiny")
    desktop.xdotool("key", "Return")
    pump(rig.root, lambda: keyboard_held(desktop.display), timeout=10)  # the viewer has the keyboard back
    pump(rig.root, lambda: (rig.finish_one_step() or True) and viewer_shows(desktop, SECOND), timeout=10)
    assert provider.requests[1].prompt == "make it red and shiny"
    assert same(provider.requests[1].image, FIRST), "Enter refines the result shown"

    desktop.xdotool("key", "e")
    pump(rig.root, bar_ready, timeout=10)
    assert refiner.prompt_bar is not None
    assert refiner.prompt_bar.text.get() == "make it red and shiny"
    desktop.xdotool("key", "shift+Return")
    pump(rig.root, lambda: (rig.finish_one_step() or True) and viewer_shows(desktop, THIRD), timeout=10)
    assert same(provider.requests[2].image, CROP), "Shift+Enter refines the original"
    viewer = views.viewer
    assert viewer is not None
    assert len(viewer.variants) == 3
    assert views.last is not None
    assert len(views.last.variants) == 3, "a viewer opened again shows them too"


def test_a_streamed_draft_shows_in_the_viewer_until_the_result_replaces_it(
    rig: FlowRig, desktop: VirtualDesktop
) -> None:
    provider = AnsweringProvider([FIRST, SECOND])
    views = open_viewer(rig, desktop, provider)
    provider.draft_first = True
    desktop.xdotool("key", "r")

    def draft_shown() -> bool:
        rig.finish_one_step()
        viewer = views.viewer
        return viewer is not None and "draft" in str(viewer.help.cget("text")) and viewer_shows(desktop, DRAFT)

    pump(rig.root, draft_shown, timeout=10)
    provider.go.set()
    pump(rig.root, lambda: (rig.finish_one_step() or True) and viewer_shows(desktop, SECOND), timeout=10)
    viewer = views.viewer
    assert viewer is not None
    assert "draft" not in str(viewer.help.cget("text"))


def test_with_the_viewer_closed_a_retrys_draft_shows_as_a_thumbnail_then_its_result(
    rig: FlowRig, desktop: VirtualDesktop
) -> None:
    provider = AnsweringProvider([FIRST, SECOND])
    views = open_viewer(rig, desktop, provider)
    provider.draft_first = True
    desktop.xdotool("key", "r")
    pump(rig.root, lambda: len(provider.requests) == 2, timeout=10)
    desktop.xdotool("key", "Escape")
    pump(rig.root, lambda: not views.viewer_open and not keyboard_held(desktop.display), timeout=10)

    def draft_thumbnail() -> bool:
        rig.finish_one_step()
        shown = views.thumbnail
        return shown is not None and not shown.closed and shown.draft_text == "draft 1 of 1"

    pump(rig.root, draft_thumbnail, timeout=10)
    provider.go.set()

    def result_thumbnail() -> bool:
        rig.finish_one_step()
        shown = views.thumbnail
        return shown is not None and not shown.is_draft and shown.shown.getpixel((5, 5)) == SECOND

    pump(rig.root, result_thumbnail, timeout=10)
    assert views.last is not None
    assert len(views.last.variants) == 2, "the hotkey or a click opens the viewer with both"


def test_esc_in_the_refine_bar_sends_nothing_and_the_viewer_takes_keys_again(
    rig: FlowRig, desktop: VirtualDesktop
) -> None:
    provider = AnsweringProvider([FIRST, SECOND])
    views = open_viewer(rig, desktop, provider)
    desktop.xdotool("key", "e")
    pump(rig.root, lambda: rig.flow.refiner.prompt_bar is not None and not keyboard_held(desktop.display), timeout=10)
    bar = rig.flow.refiner.prompt_bar
    assert bar is not None
    pump(rig.root, lambda: bar.entry.focus_get() is bar.entry, timeout=10)
    desktop.xdotool("key", "Escape")
    pump(rig.root, lambda: keyboard_held(desktop.display), timeout=10)
    desktop.xdotool("key", "r")  # a key the viewer must hear: the retry goes out
    pump(rig.root, lambda: (rig.finish_one_step() or True) and viewer_shows(desktop, SECOND), timeout=10)
    assert len(provider.requests) == 2
    assert views.viewer is not None
    assert not views.viewer.closed, "Esc in the bar closes the bar, not the viewer"


def test_a_failed_retry_is_told_in_the_viewer_and_changes_nothing(rig: FlowRig, desktop: VirtualDesktop) -> None:
    provider = AnsweringProvider([FIRST])
    views = open_viewer(rig, desktop, provider)
    delivered = len(rig.board.written)
    provider.fail = BadRequestError("OpenAI", "the size is not allowed")
    desktop.xdotool("key", "r")

    def told() -> bool:
        rig.finish_one_step()
        viewer = views.viewer
        return viewer is not None and "the size is not allowed" in str(viewer.help.cget("text"))

    pump(rig.root, told, timeout=10)
    viewer = views.viewer
    assert viewer is not None
    assert len(viewer.variants) == 1
    assert "were not changed" in viewer.status
    assert len(rig.board.written) == delivered
    assert rig.flow.running == 0
