"""OpenAI gets painted marks in its own convention, on exactly the image it is sent (issue 13, ADR 033).

The stand-in checks every request against openai-images.yaml (a mask or markup must be a PNG with alpha
the image's size; markup only on gpt-image-2.5/2.6, never with mask). The tests then decode the pair
the stand-in received and check that the mask (alpha 0) or the markup's strokes cover the crop's red
patches and nothing else, after every resize the request took.
"""

from __future__ import annotations

import dataclasses
import io

import pytest
from PIL import Image

from core.errors import InputError
from core.models import EditRequest
from providers.base import ProviderInfo
from providers.catalog.openai import INFO
from tests.providers import mask_alignment as align
from tests.providers.loopback import LoopbackServer, Recorded, Reply
from tests.providers.openai_server import OpenAISpec, images_answer
from tests.providers.test_openai_shapes import KEY, run

# Sizes: 200x150 on gpt-image-2 is below 655,360 px and goes up 5x in whole pixels; 1920x1080 is padded
# by 8 rows; 2400x300 (8:1) is padded to 3:1; 4200x1000 is over the 3840 edge: shrunk (resampled) and padded.
CASES = [
    ("gpt-image-2", (200, 150), "1008x752", 0),
    ("gpt-image-2.6-flare", (1920, 1080), "1920x1088", 0),
    ("gpt-image-2.5-sunburst", (2400, 300), "2400x800", 0),
    ("gpt-image-2.6-flare", (4200, 1000), "3840x1280", 2),
]
SMALL_EDGE = dataclasses.replace(INFO, limits=dataclasses.replace(INFO.limits, max_side=900))


def plain(recorded: Recorded) -> Reply:
    """A model that changes nothing: the uploaded image at the asked size."""
    form = recorded.form()
    width, _, height = form["size"].text.partition("x")
    uploaded = Image.open(io.BytesIO(form["image"].data)).convert("RGB")
    buffer = io.BytesIO()
    uploaded.resize((int(width), int(height))).save(buffer, "PNG")
    return images_answer(buffer.getvalue(), size=form["size"].text)


def send(request: EditRequest, model: str, info: ProviderInfo = INFO) -> Recorded:
    with LoopbackServer([Reply(respond=plain)], validator=OpenAISpec(KEY)) as server:
        run(server, request, model, info)
    assert len(server.requests) == 1
    return server.requests[0]


@pytest.mark.parametrize(("model", "crop", "size", "seam"), CASES)
def test_the_mask_covers_exactly_the_painted_pixels_of_the_sent_image(
    model: str, crop: tuple[int, int], size: str, seam: int
) -> None:
    image, mask = align.painted_crop(crop)
    form = send(EditRequest("edit", prompt="make it green", image=image, mask=mask), model).form()
    assert form["size"].text == size
    assert "markup" not in form
    sent = align.decode(form["image"].data)
    wrong, checked = align.misplaced(sent, align.openai_edit_area(form["mask"].data), seam)
    assert checked > 0
    assert wrong == 0


@pytest.mark.parametrize(("model", "crop", "size", "seam"), [case for case in CASES if case[0] != "gpt-image-2"])
def test_markup_goes_as_a_transparent_png_on_the_sent_image(
    model: str, crop: tuple[int, int], size: str, seam: int
) -> None:
    image, markup = align.marked_crop(crop)
    form = send(EditRequest("edit", prompt="make it green", image=image, markup=markup), model).form()
    assert form["size"].text == size
    assert "mask" not in form
    sent = align.decode(form["image"].data)
    strokes = align.markup_area(form["markup"].data)
    wrong, checked = align.misplaced(sent, strokes, seam)
    assert checked > 0
    assert wrong == 0


def test_a_small_crop_enlarged_in_whole_pixels_takes_its_markup_along_block_for_block() -> None:
    image, markup = align.marked_crop((200, 150))
    form = send(EditRequest("edit", prompt="x", image=image, markup=markup), "gpt-image-2.6-flare").form()
    wrong, checked = align.misplaced(align.decode(form["image"].data), align.markup_area(form["markup"].data), 0)
    assert (wrong, checked > 0) == (0, True)


def test_an_image_shrunk_again_to_fit_the_upload_limits_keeps_its_mask_in_place() -> None:
    # The 5x frame (1008x752) is over this edge limit and resampled once more, after framing.
    image, mask = align.painted_crop((200, 150))
    form = send(EditRequest("edit", prompt="x", image=image, mask=mask), "gpt-image-2", SMALL_EDGE).form()
    sent = align.decode(form["image"].data)
    assert sent.size == (900, 671)
    wrong, checked = align.misplaced(sent, align.openai_edit_area(form["mask"].data), 2)
    assert checked > 0
    assert wrong == 0


@pytest.mark.parametrize(
    ("model", "with_mask", "words"),
    [
        ("gpt-image-2", False, "does not take markup (only OpenAI's GPT Image 2.5 and 2.6 do)"),
        ("gpt-image-2.6-flare", True, "takes marks or a mask, not both"),
    ],
)
def test_markup_where_it_cannot_go_is_refused_in_words_before_sending(model: str, with_mask: bool, words: str) -> None:
    image, markup = align.marked_crop((300, 200))
    mask = align.painted_crop((300, 200))[1] if with_mask else None
    request = EditRequest("edit", prompt="x", image=image, mask=mask, markup=markup)
    with LoopbackServer([], validator=OpenAISpec(KEY)) as server, pytest.raises(InputError) as caught:
        run(server, request, model)
    assert words in str(caught.value)
    assert server.requests == []
