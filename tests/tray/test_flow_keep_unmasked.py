"""The tray's result path with a masked job (issue 18): the clipboard gets the crop's own pixels outside
the mask, exactly, and the provider's inside; with ``jobs.keep_unmasked: false`` the provider's as sent."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image

from core.config import Config
from core.models import Rect
from tests.overlay.tk_helpers import root  # noqa: F401 - the fixture
from tests.tray.flow_fakes import FlowRig, rig_fixture  # noqa: F401 - the fixture

pytestmark = pytest.mark.desktop

SIZE = (120, 80)
RED = (200, 40, 40)


def crop() -> Image.Image:
    image = Image.new("RGB", SIZE)
    image.putdata([(x * 2, y * 3, (x + y) % 256) for y in range(SIZE[1]) for x in range(SIZE[0])])
    return image


def right_half_mask() -> Image.Image:
    mask = Image.new("L", SIZE, 0)
    mask.paste(255, (60, 0, 120, 80))  # ours: 255 = edit
    return mask


def delivered(rig: FlowRig) -> Image.Image:
    assert len(rig.board.written) == 1
    return Image.open(io.BytesIO(rig.board.written[0])).convert("RGB")


def test_a_masked_job_delivers_the_crop_outside_the_mask_and_the_result_inside(rig: FlowRig) -> None:
    original = crop()
    # The provider paints everything, at twice the size, as providers do.
    rig.provider.answer = [Image.new("RGB", (240, 160), RED)]
    rig.flow.start(rig.config(), rig.plan(), original, Rect(10, 10, *SIZE), "paint it", mask=right_half_mask())
    rig.finish_one()
    assert rig.provider.requests[0].mask is not None
    out = delivered(rig)
    assert out.size == SIZE
    for y in range(SIZE[1]):
        for x in range(60):
            assert out.getpixel((x, y)) == original.getpixel((x, y)), (x, y)
        for x in range(65, SIZE[0]):
            assert out.getpixel((x, y)) == RED, (x, y)


def test_keep_unmasked_false_delivers_the_providers_pixels(rig: FlowRig, monkeypatch: pytest.MonkeyPatch) -> None:
    config = rig.config()
    off = replace(config, jobs=replace(config.jobs, keep_unmasked=False))

    def config_off() -> Config:
        return off

    monkeypatch.setattr(rig, "config", config_off)
    rig.provider.answer = [Image.new("RGB", SIZE, RED)]
    rig.flow.start(off, rig.plan(), crop(), Rect(10, 10, *SIZE), "paint it", mask=right_half_mask())
    rig.finish_one()
    assert delivered(rig).getpixel((5, 5)) == RED


def test_a_job_without_a_mask_delivers_the_result_as_before(rig: FlowRig) -> None:
    rig.provider.answer = [Image.new("RGB", SIZE, RED)]
    rig.flow.start(rig.config(), rig.plan(), crop(), Rect(10, 10, *SIZE), "paint it")
    rig.finish_one()
    assert rig.provider.requests[0].mask is None
    assert delivered(rig).getpixel((5, 5)) == RED
