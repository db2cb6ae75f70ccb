"""What it costs, before and after (issue 18), on the session's Xvfb with a real job runner.

The prompt bar shows the table's estimate before Enter; after the job the viewer shows the figure the
answer's ``usage`` implies (or the estimate, labelled so) and the tray menu the session's running total.
Where the table has no price, no number appears anywhere.
"""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import pytest
from PIL import Image

from core.models import EditRequest, EditResult, ProgressSink, Rect, Usage
from core.planning import Plan
from tests.overlay.tk_helpers import pump, root  # noqa: F401 - the fixture
from tests.tray.flow_fakes import FlowRig, rig_fixture  # noqa: F401 - the fixture
from tray.menu import MenuState, build_menu

pytestmark = pytest.mark.desktop

ANCHOR = Rect(300, 200, 256, 256)
SCREEN = Rect(0, 0, 1920, 1080)
# What OpenAI's answer says it billed (as the loopback stand-in's usage_payload does).
USAGE = Usage(input_text_tokens=10, input_image_tokens=40, output_image_tokens=1000)


def answer_with(rig: FlowRig, monkeypatch: pytest.MonkeyPatch, model: str, usage: Usage | None) -> None:
    async def run(request: EditRequest, *, key: str, progress: ProgressSink) -> EditResult:
        del key, progress
        rig.provider.requests.append(request)
        return EditResult("openai", (Image.new("RGB", request.image.size if request.image else (8, 8), "teal"),),
                          model=model, usage=usage)  # fmt: skip

    monkeypatch.setattr(rig.provider, "run", run)


def plan_with(rig: FlowRig, **options: object) -> Plan:
    return dataclasses.replace(rig.plan(), options=MappingProxyType(options))


def run_job(rig: FlowRig, plan: Plan, size: tuple[int, int] = (256, 256)) -> None:
    rig.flow.start(rig.config(), plan, Image.new("RGB", size, "gray"), ANCHOR, "make it teal")
    rig.finish_one()


def menu_labels(rig: FlowRig) -> dict[str, bool]:
    state = MenuState(None, None, (), "openai", (), None, "clipboard", False, None, spent=rig.flow.spending.menu_text)
    return {item.label: item.enabled for item in build_menu(state)}


def test_the_prompt_bar_shows_the_estimate_before_enter(rig: FlowRig) -> None:
    # gpt-image-2 at medium, a 1024x1024 crop asked as 1024x1024: $0.053 a picture (OpenAI's guide).
    plan = plan_with(rig, model="gpt-image-2", quality="medium")
    rig.flow.ask_prompt(rig.config(), plan, Image.new("RGB", (1024, 1024)), ANCHOR, SCREEN)
    bar = rig.flow.prompt_bar
    assert bar is not None
    pump(rig.root, bar.cost.winfo_viewable)
    assert bar.cost.cget("text") == "about $0.05, estimate"
    # On the bar, above the entry the person types in.
    assert bar.window.winfo_rooty() <= bar.cost.winfo_rooty() < bar.entry.winfo_rooty()
    bar.cancel()


def test_no_price_in_the_table_shows_no_number_in_the_prompt_bar(rig: FlowRig) -> None:
    # gpt-image-2.6-flare (the default): OpenAI publishes its token rates, not its tokens per picture.
    rig.flow.ask_prompt(rig.config(), rig.plan(), Image.new("RGB", (1024, 1024)), ANCHOR, SCREEN)
    bar = rig.flow.prompt_bar
    assert bar is not None
    pump(rig.root, bar.entry.winfo_viewable)
    assert bar.cost.cget("text") == ""
    assert not bar.cost.winfo_ismapped()
    bar.cancel()


def test_the_viewer_shows_the_answers_figure_and_the_menu_the_total_after_two_jobs(
    rig: FlowRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer_with(rig, monkeypatch, "gpt-image-2.6-flare", USAGE)
    assert rig.flow.spending.menu_text == ""
    run_job(rig, rig.plan())
    # 10 x $5 + 40 x $8 + 1000 x $30 per million tokens = $0.03037.
    assert rig.flow.results.last is not None
    assert rig.flow.results.last.cost_text == "Cost: $0.03 (from the answer's token count)"
    assert rig.flow.spending.menu_text == "Spent this session: about $0.03"
    run_job(rig, rig.plan())
    # Twice that: $0.06074.
    assert rig.flow.spending.total == pytest.approx(0.06074)
    assert menu_labels(rig).get("Spent this session: about $0.06") is False, "shown, not clickable"
    assert rig.flow.results.open()
    viewer = rig.flow.results.viewer
    assert viewer is not None
    pump(rig.root, viewer.cost.winfo_viewable)
    assert viewer.cost.cget("text") == "Cost: $0.03 (from the answer's token count)"
    assert (viewer.cost.winfo_rootx(), viewer.cost.winfo_rooty()) == (ANCHOR.x, ANCHOR.y)
    viewer.close()


def test_without_usage_the_estimate_is_shown_as_an_estimate(rig: FlowRig, monkeypatch: pytest.MonkeyPatch) -> None:
    answer_with(rig, monkeypatch, "gpt-image-2", None)
    run_job(rig, plan_with(rig, model="gpt-image-2", quality="low", size="1024x1024"))
    assert rig.flow.results.last is not None
    assert rig.flow.results.last.cost_text == "Cost: about $0.006 (estimate)"
    assert rig.flow.spending.menu_text == "Spent this session: about $0.006"


def test_no_price_and_no_usage_means_no_number_anywhere(rig: FlowRig, monkeypatch: pytest.MonkeyPatch) -> None:
    answer_with(rig, monkeypatch, "gpt-image-2.6-flare", None)
    run_job(rig, rig.plan())
    assert rig.flow.results.last is not None
    assert rig.flow.results.last.cost_text == ""
    assert rig.flow.spending.menu_text == ""
    assert not [label for label in menu_labels(rig) if "$" in label]
    assert rig.flow.results.open()
    viewer = rig.flow.results.viewer
    assert viewer is not None
    pump(rig.root, viewer.help.winfo_viewable)
    assert not viewer.cost.winfo_ismapped()
    viewer.close()


def test_text_to_image_is_estimated_at_the_size_asked_not_the_crops(rig: FlowRig) -> None:
    # Generate sends no image, so no crop-shaped size: OpenAI's own default (auto) has no price.
    plan = dataclasses.replace(plan_with(rig, model="gpt-image-2", quality="low"), needs_image=False)
    assert rig.flow.spending.estimate(rig.config(), plan, (1024, 1024)) is None
    sized = dataclasses.replace(plan_with(rig, model="gpt-image-2", quality="low", size="1536x1024"), needs_image=False)
    guess = rig.flow.spending.estimate(rig.config(), sized, (1024, 1024))
    assert guess is not None
    assert guess.amount == 0.005
