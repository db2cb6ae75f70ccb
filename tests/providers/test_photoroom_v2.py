"""PhotoRoom's /v2/edit modes (issue 11): a prompt is a natural-language edit; text removal, relight, expand, upscale.

Each request is checked by the stand-in against ``specs/photoroom-v2-edit.yaml`` (field names and
values from PhotoRoom's OpenAPI) and the rules its descriptions state.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from core.errors import InputError
from core.models import EditRequest
from tests.providers import photoroom_server as pr
from tests.providers.provider_run import picture, png_bytes, run
from tests.providers.test_photoroom import KEY, api, make

SERVED = png_bytes(picture((160, 90), (5, 5, 5)))


def fields_sent(request: EditRequest) -> tuple[dict[str, str], Image.Image]:
    with api(pr.image_reply(SERVED)) as server:
        run(make(server), request, key=KEY)
    assert server.invalid == []
    assert server.requests[0].path == "/v2/edit"
    form = server.requests[0].form()
    image = Image.open(io.BytesIO(form["imageFile"].data))
    return {name: part.text for name, part in form.items() if part.filename is None}, image


def test_a_prompt_in_edit_mode_is_a_natural_language_edit_of_the_whole_picture() -> None:
    sent, _image = fields_sent(EditRequest("edit", prompt="remove the cup", image=picture()))
    assert sent == {"removeBackground": "false", "editWithAI.mode": "ai.auto", "editWithAI.prompt": "remove the cup"}


def test_new_background_still_means_background_prompt() -> None:
    sent, _image = fields_sent(EditRequest("new-background", prompt="on a marble table", image=picture()))
    assert sent == {"background.prompt": "on a marble table"}


def test_edit_without_a_prompt_points_to_new_background() -> None:
    with api() as server, pytest.raises(InputError, match="new-background"):
        run(make(server), EditRequest("edit", image=picture()), key=KEY)
    assert server.requests == []


@pytest.mark.parametrize(
    ("mode", "options", "expected"),
    [
        ("remove-text", {}, {"textRemoval.mode": "ai.all"}),
        ("remove-text", {"textRemoval.mode": "ai.natural"}, {"textRemoval.mode": "ai.natural"}),
        ("relight", {}, {"lighting.mode": "ai.auto"}),
        (
            "relight",
            {"lighting.mode": "ai.preserve-hue-and-saturation"},
            {"lighting.mode": "ai.preserve-hue-and-saturation"},
        ),
        ("expand", {"outputSize": "320x90"}, {"expand.mode": "ai.auto", "outputSize": "320x90"}),
        ("upscale", {"upscale.mode": "ai.slow"}, {"upscale.mode": "ai.slow"}),
    ],
)
def test_each_mode_sends_its_field_and_keeps_the_original_background(
    mode: str, options: dict[str, object], expected: dict[str, str]
) -> None:
    sent, _image = fields_sent(EditRequest(mode, image=picture(), options=options))
    assert sent == {"removeBackground": "false", **expected}


def test_expand_without_a_size_to_expand_to_is_refused_before_sending() -> None:
    with api() as server, pytest.raises(InputError, match="outputSize"):
        run(make(server), EditRequest("expand", image=picture()), key=KEY)
    assert server.requests == []


@pytest.mark.parametrize(("mode", "side"), [("ai.fast", 1000), ("ai.slow", 512)])
def test_upscale_input_is_shrunk_uniformly_to_what_the_mode_takes(mode: str, side: int) -> None:
    _sent, image = fields_sent(EditRequest("upscale", image=picture((1600, 900)), options={"upscale.mode": mode}))
    assert max(image.size) == side
    assert abs(image.size[0] / image.size[1] - 1600 / 900) < 0.01


def test_the_stand_in_refuses_what_the_field_descriptions_forbid() -> None:
    big = Image.new("RGB", (1200, 300))
    assert pr.edit_rule_problems({"upscale.mode": "ai.fast"}, big) == [
        "upscale ai.fast takes at most 1000x1000; the image is (1200, 300)"
    ]
    assert pr.edit_rule_problems({"editWithAI.prompt": "x"}, big) == [
        "editWithAI.prompt is sent without editWithAI.mode=ai.auto"
    ]
    assert pr.edit_rule_problems({"textRemoval.mode": "ai.all"}, big) == []
