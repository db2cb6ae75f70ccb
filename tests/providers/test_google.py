"""Google Gemini against a loopback stand-in that checks the documented request shape and answers like Gemini."""

from __future__ import annotations

import base64
import logging
import os

import pytest
from PIL import Image

from core.errors import AuthError, BlockedError
from core.models import EditRequest
from tests.providers import google_server as gemini
from tests.providers.google_server import KEY, RESULT, edit, provider
from tests.providers.loopback import LoopbackServer, ProgressLog, Reply, SleepLog
from tests.providers.provider_run import picture, png_bytes, run, same_pixels


def test_edit_sends_the_crop_inline_with_the_nearest_aspect_ratio_and_returns_the_served_image() -> None:
    sleeps, progress = SleepLog(), ProgressLog()
    with LoopbackServer(
        [gemini.image_answer(png_bytes(RESULT))], validator=gemini.GeminiShape(KEY, images=1)
    ) as server:
        result = run(provider(server, sleeps), edit(), key=KEY, progress=progress)

    assert server.invalid == []
    sent = server.requests[0]
    assert sent.path == "/v1beta/models/gemini-nano-banana-2.1:generateContent"
    body = sent.json()
    assert body["contents"][0]["parts"][0] == {"text": "make it snow"}
    assert body["generationConfig"]["imageConfig"] == {"aspectRatio": "16:9"}
    assert same_pixels(gemini.sent_image(sent), picture((160, 90)))
    assert same_pixels(result.image, RESULT)
    assert result.model == "gemini-nano-banana-2.1"
    assert result.notes == ("Here is the edited image.",)
    assert "uploading" in progress.stages()


def test_generate_sends_no_image_and_the_chosen_model_ratio_and_size() -> None:
    request = EditRequest(
        mode="generate",
        prompt="a lighthouse at dusk",
        image=picture((100, 100)),
        options={"model": "gemini-3-pro-image", "aspectRatio": "21:9", "imageSize": "2K"},
    )
    with LoopbackServer(
        [gemini.image_answer(png_bytes(RESULT))], validator=gemini.GeminiShape(KEY, images=0)
    ) as server:
        result = run(provider(server, SleepLog()), request, key=KEY)

    assert server.invalid == []
    assert server.requests[0].path == "/v1beta/models/gemini-3-pro-image:generateContent"
    assert server.requests[0].json()["generationConfig"]["imageConfig"] == {"aspectRatio": "21:9", "imageSize": "2K"}
    assert same_pixels(result.image, RESULT)


def test_the_key_travels_only_in_its_header_never_in_the_url_or_the_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with (
        LoopbackServer([gemini.bad_key()], validator=gemini.GeminiShape(KEY, images=1)) as server,
        pytest.raises(AuthError) as raised,
    ):
        run(provider(server, SleepLog()), edit(), key=KEY)

    assert server.invalid == []
    assert server.requests[0].query == {}
    assert KEY not in caplog.text
    assert KEY not in str(raised.value)


def test_final_image_is_taken_and_thinking_drafts_are_skipped() -> None:
    draft = picture((96, 64), (250, 250, 0))
    with LoopbackServer([gemini.image_answer(png_bytes(RESULT), thought_draft=png_bytes(draft))]) as server:
        result = run(provider(server, SleepLog()), edit(), key=KEY)

    assert len(result.images) == 1
    assert same_pixels(result.image, RESULT)


def test_snake_case_inline_data_in_the_answer_is_read_too() -> None:
    answer = {
        "candidates": [
            {
                "content": {
                    "parts": [
                        {
                            "inline_data": {
                                "mime_type": "image/png",
                                "data": base64.b64encode(png_bytes(RESULT)).decode(),
                            }
                        }
                    ]
                }
            }
        ]
    }
    with LoopbackServer([Reply.json(answer)]) as server:
        result = run(provider(server, SleepLog()), edit(), key=KEY)

    assert same_pixels(result.image, RESULT)


def test_200_without_an_image_part_is_a_block_with_its_finish_reason_and_is_not_retried() -> None:
    with LoopbackServer([gemini.blocked_by_finish("IMAGE_SAFETY")]) as server, pytest.raises(BlockedError) as raised:
        run(provider(server, SleepLog()), edit(), key=KEY)

    assert len(server.requests) == 1
    message = str(raised.value)
    assert message.startswith("Google Gemini: ")
    assert "safety filters blocked the generated image" in message
    assert "IMAGE_SAFETY" in message


def test_prompt_feedback_block_reason_is_reported_in_words() -> None:
    with (
        LoopbackServer([gemini.blocked_prompt("PROHIBITED_CONTENT")]) as server,
        pytest.raises(BlockedError, match=r"prohibited content.*PROHIBITED_CONTENT"),
    ):
        run(provider(server, SleepLog()), edit(), key=KEY)


def test_a_text_only_answer_is_a_block_that_quotes_the_model() -> None:
    reply = gemini.blocked_by_finish("STOP", text="I can't edit images of this person.")
    with (
        LoopbackServer([reply]) as server,
        pytest.raises(BlockedError, match=r"text only.*I can't edit images of this person"),
    ):
        run(provider(server, SleepLog()), edit(), key=KEY)


def test_a_redirect_to_another_origin_does_not_carry_the_key_header() -> None:
    with LoopbackServer([gemini.image_answer(png_bytes(RESULT))]) as elsewhere:
        redirect = Reply(status=307, headers={"location": elsewhere.url + "/v1beta/models/m:generateContent"})
        with LoopbackServer([redirect]) as server:
            result = run(provider(server, SleepLog()), edit(), key=KEY)

    assert same_pixels(result.image, RESULT)
    assert server.requests[0].headers["x-goog-api-key"] == KEY
    assert "x-goog-api-key" not in elsewhere.requests[0].headers


def test_a_crop_too_big_for_googles_20_mb_request_is_downscaled_to_fit_with_its_base64() -> None:
    # GIVEN random pixels, which PNG cannot compress: about 15.9 MB, 21 MB once base64-encoded
    noisy = Image.frombytes("RGB", (2300, 2300), os.urandom(2300 * 2300 * 3))
    request = EditRequest(mode="edit", prompt="sharpen", image=noisy)
    with LoopbackServer(
        [gemini.image_answer(png_bytes(RESULT))], validator=gemini.GeminiShape(KEY, images=1)
    ) as server:
        run(provider(server, SleepLog()), request, key=KEY)

    # THEN the stand-in saw a whole request under 20 MB, and the image was shrunk, not cropped
    assert server.invalid == []
    assert len(server.requests[0].body) <= 20 * 1024 * 1024
    sent = gemini.sent_image(server.requests[0])
    assert sent.width < 2300
    assert sent.width == sent.height
