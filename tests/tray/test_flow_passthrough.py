"""The tray's result path hands the provider's own PNG to the clipboard when the result is delivered as
it came, and encodes the pixels itself when ``match_size`` scaled them (issue 14, ADR 036)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from core.models import Rect
from core.output import encode_image
from tests.overlay.tk_helpers import root  # noqa: F401 - the fixture
from tests.tray.flow_fakes import FlowRig, rig_fixture  # noqa: F401 - the fixture

pytestmark = pytest.mark.desktop

SIZE = (120, 80)


def level_nine(image: Image.Image) -> bytes:
    """Not what our own encoder (level 1) writes, so passing through and encoding again differ."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=9)
    return buffer.getvalue()


def test_a_result_of_the_crops_size_reaches_the_clipboard_as_the_providers_bytes(rig: FlowRig) -> None:
    answer = Image.new("RGB", SIZE, (30, 160, 90))
    answer.paste((250, 250, 250), (10, 10, 50, 40))
    rig.provider.answer, rig.provider.encoded = [answer], (level_nine(answer),)
    assert level_nine(answer) != encode_image(answer, "png")
    rig.flow.start(rig.config(), rig.plan(), Image.new("RGB", SIZE), Rect(10, 10, *SIZE), "tidy")
    rig.finish_one()
    assert rig.board.written == [level_nine(answer)]


def test_a_result_scaled_to_the_crop_reaches_the_clipboard_encoded_again(rig: FlowRig) -> None:
    answer = Image.new("RGB", (240, 160), (30, 160, 90))
    rig.provider.answer, rig.provider.encoded = [answer], (level_nine(answer),)
    rig.flow.start(rig.config(), rig.plan(), Image.new("RGB", SIZE), Rect(10, 10, *SIZE), "tidy")
    rig.finish_one()
    assert len(rig.board.written) == 1
    assert rig.board.written[0] != level_nine(answer)
    with Image.open(io.BytesIO(rig.board.written[0])) as pasted:
        assert pasted.size == SIZE
