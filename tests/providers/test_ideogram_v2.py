"""Ideogram's v2 endpoints (issue 11): precise edit by default, crop-shaped requests, deprecation notices.

The result host answers what the API was sent (the uploaded frame, as a model that changes nothing
would), so a result that differs from the crop shows a client-side stretch, offset or lost padding.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from PIL import Image

from core.errors import InputError
from core.models import EditRequest
from providers.catalog.ideogram import INFO
from tests.providers import ideogram_server as ideo
from tests.providers.ideogram_server import KEY, RESULT, api, make
from tests.providers.loopback import LoopbackServer, Recorded, Reply
from tests.providers.provider_run import picture, png_bytes, run, run_cli, same_pixels, write_config


def echo_host(api_server: list[LoopbackServer]) -> LoopbackServer:
    """A result host that serves the image the API server received: the model changed nothing."""

    def serve(_recorded: Recorded) -> Reply:
        return Reply.image(api_server[0].requests[0].form()["image"].data)

    return LoopbackServer([Reply(respond=serve)])


def round_trip(request: EditRequest) -> tuple[LoopbackServer, Image.Image, tuple[str, ...]]:
    holder: list[LoopbackServer] = []
    with echo_host(holder) as images, api(ideo.answer(ideo.result_link(images.url))) as server:
        holder.append(server)
        result = run(make(server), request, key=KEY)
    assert server.invalid == []
    return server, result.image, result.notes


def test_precise_edit_is_the_default_mode() -> None:
    assert INFO.default_mode == "precise-edit"
    assert INFO.mode("precise-edit").accepts_mask


def test_precise_edit_sends_the_crop_as_it_is_and_returns_it_at_its_own_size() -> None:
    crop = picture((300, 170))
    server, result, notes = round_trip(EditRequest("precise-edit", prompt="make the sign say OPEN", image=crop))
    form = server.requests[0].form()
    assert server.requests[0].path == "/v2/image/precise-edit/ideogram-4-5"
    assert form["prompt"].text == "make the sign say OPEN"
    assert "mask" not in form
    assert "aspect_ratio" not in form
    assert same_pixels(result, crop)
    assert notes == ()


def test_a_strip_beyond_six_to_one_is_padded_and_the_padding_cut_off_the_answer() -> None:
    crop = picture((960, 80))  # 12:1; precise edit takes 1:6 to 6:1
    server, result, _notes = round_trip(EditRequest("precise-edit", prompt="p", image=crop))
    sent = Image.open(io.BytesIO(server.requests[0].form()["image"].data))
    assert sent.size == (960, 160)
    assert same_pixels(result, crop)


def test_a_precise_edit_mask_is_black_where_marked_and_white_in_the_padding() -> None:
    mask = Image.new("L", (960, 80), 0)
    mask.paste(255, (0, 0, 480, 80))
    server, _result, _notes = round_trip(EditRequest("precise-edit", prompt="p", image=picture((960, 80)), mask=mask))
    sent = Image.open(io.BytesIO(server.requests[0].form()["mask"].data)).convert("L")
    assert sent.size == (960, 160)
    assert sent.getpixel((100, 80)) == 0  # marked: edit
    assert sent.getpixel((700, 80)) == 255  # unmarked: keep
    assert sent.getpixel((100, 5)) == 255  # padding: keep


def test_a_mask_over_everything_is_left_out_with_a_note_and_an_empty_one_is_refused() -> None:
    everything = Image.new("L", (200, 100), 255)
    server, _result, notes = round_trip(
        EditRequest("precise-edit", prompt="p", image=picture((200, 100)), mask=everything)
    )
    assert "mask" not in server.requests[0].form()
    assert any("whole image" in note for note in notes)
    with api() as idle, pytest.raises(InputError, match="marks nothing"):
        run(
            make(idle),
            EditRequest("precise-edit", prompt="p", image=picture(), mask=Image.new("L", (160, 90), 0)),
            key=KEY,
        )
    assert idle.requests == []


def test_remix_of_a_five_to_one_strip_is_padded_to_three_to_one_and_comes_back_five_to_one() -> None:
    crop = picture((1000, 200))
    server, result, _notes = round_trip(EditRequest("remix", prompt="p", image=crop))
    form = server.requests[0].form()
    assert form["aspect_ratio"].text == "3x1"
    assert Image.open(io.BytesIO(form["image"].data)).size == (1002, 334)
    assert same_pixels(result, crop)


def test_a_shape_the_person_chose_for_remix_is_sent_and_the_answer_kept_whole() -> None:
    request = EditRequest("remix", prompt="p", image=picture((1000, 200)), options={"aspect_ratio": "1x1"})
    with (
        LoopbackServer([Reply.image(png_bytes(RESULT))]) as images,
        api(ideo.answer(ideo.result_link(images.url))) as server,
    ):
        result = run(make(server), request, key=KEY)
    assert server.requests[0].form()["aspect_ratio"].text == "1x1"
    assert same_pixels(result.image, RESULT)


def test_a_deprecated_endpoint_is_logged_as_a_warning_and_named_in_the_notes(caplog: pytest.LogCaptureFixture) -> None:
    # As Ideogram answers /v1/ideogram-v3/edit today; here replace-background plays the part.
    body, _status, headers = ideo.v1_answer("/v1/ideogram-v3/edit", {"created": "2026-11-25T19:00:00+00:00"})
    with LoopbackServer([Reply.image(png_bytes(RESULT))]) as images:
        link = ideo.result_link(images.url)
        data = [{"url": link, "prompt": "p", "resolution": "1024x1024", "is_image_safe": True, "seed": 1}]
        reply = Reply.json({**body, "data": data}, headers=headers)
        with api(reply) as server, caplog.at_level(logging.WARNING, logger="providers.ideogram"):
            result = run(make(server), EditRequest("replace-background", prompt="a beach", image=picture()), key=KEY)
    assert headers["deprecation"] == "@1777420800"
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert any("This endpoint is deprecated" in message and "successor-version" in message for message in warnings)
    assert any("deprecated" in note for note in result.notes)


def test_v1_answers_of_the_stand_in_carry_the_signals_ideogram_documents() -> None:
    _body, _status, headers = ideo.v1_answer("/v1/ideogram-v3/remix", {})
    assert headers == {
        "link": '<https://developer.ideogram.ai/v2/api-reference/images/remix/ideogram-3>; rel="successor-version"'
    }
    body, _status, headers = ideo.v1_answer("/v1/ideogram-v3/edit", {})
    assert "deprecation" in headers
    assert str(body["notice"]).startswith("This endpoint is deprecated. Use POST /v2/image/inpaint/ideogram-3")


def test_the_deprecation_warning_shows_in_verbose_cli_output(tmp_path: Path) -> None:
    picture((120, 80)).save(tmp_path / "in.png")
    body, _status, headers = ideo.v1_answer("/v1/ideogram-v3/edit", {"created": "2026-11-25T19:00:00+00:00"})
    with LoopbackServer([Reply.image(png_bytes(picture((120, 80), (9, 9, 9))))]) as images:
        data = [
            {
                "url": ideo.result_link(images.url),
                "prompt": "p",
                "resolution": "120x80",
                "is_image_safe": True,
                "seed": 1,
            }
        ]
        with LoopbackServer(
            [Reply.json({**body, "data": data}, headers=headers)], validator=ideo.IdeogramSpec(KEY)
        ) as server:
            config = write_config(tmp_path, "ideogram", server.url)
            done = run_cli(
                tmp_path, "IDEOGRAM_API_KEY", KEY,
                "-v", "edit", "in.png", "--provider", "ideogram", "--mode", "replace-background",
                "--prompt", "on a beach", "--output", "out.png", "--config", str(config),
            )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert server.invalid == []
    assert "This endpoint is deprecated" in done.stderr
