"""Ideogram v3 against a loopback stand-in that validates each request with Ideogram's published OpenAPI.

Results are served by a second loopback server (another origin), as Ideogram serves its signed
links from another host: that shows the download happens at once and without the key.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable

import httpx
import pytest
from PIL import Image

from core.config import ProviderSettings
from core.errors import (
    AuthError,
    BadRequestError,
    BadResponseError,
    BlockedError,
    InputError,
    QuotaError,
    RateLimitError,
    ServerError,
    TooLargeError,
)
from core.models import EditRequest
from providers.ideogram import IdeogramProvider
from tests.providers import ideogram_server as ideo
from tests.providers.loopback import LoopbackServer, ProgressLog, Reply, SleepLog
from tests.providers.provider_run import picture, png_bytes, policy, run, same_pixels

KEY = "ideo-test-key-0123456789abcdef"
RESULT = picture((128, 72), (240, 200, 20))
SECOND = picture((128, 72), (20, 200, 240))


def make(server: LoopbackServer, sleeps: SleepLog | None = None) -> Callable[[httpx.AsyncClient], IdeogramProvider]:
    settings = ProviderSettings("ideogram", base_url=server.url, timeout=10, connect_timeout=2)
    return lambda client: IdeogramProvider(settings, client, policy(sleeps or SleepLog()))


def remix(**options: object) -> EditRequest:
    return EditRequest(mode="remix", prompt="as a stained-glass window", image=picture((160, 90)), options=options)


def api(*replies: Reply) -> LoopbackServer:
    return LoopbackServer(replies, validator=ideo.IdeogramSpec(KEY))


def test_remix_sends_a_valid_request_and_downloads_the_result_at_once_without_the_key() -> None:
    progress = ProgressLog()
    with LoopbackServer([Reply.image(png_bytes(RESULT))]) as images:
        link = ideo.result_link(images.url)
        with api(ideo.answer(link)) as server:
            result = run(make(server), remix(image_weight=35, seed=7), key=KEY, progress=progress)

    assert server.invalid == []
    form = server.requests[0].form()
    assert server.requests[0].path == "/v1/ideogram-v3/remix"
    assert server.requests[0].headers["api-key"] == KEY
    assert form["prompt"].text == "as a stained-glass window"
    assert (form["image_weight"].text, form["seed"].text) == ("35", "7")
    # The selection is 16:9; remix crops to the asked shape, so the nearest shape keeps all of it.
    assert form["aspect_ratio"].text == "16x9"
    assert same_pixels(Image.open(io.BytesIO(form["image"].data)), picture((160, 90)))
    download = images.requests[0]
    assert download.path == "/api/images/ephemeral/result.png"
    assert download.query["sig"] == ["e13e12677633f646d8531a153d20e2d3"]
    assert "api-key" not in download.headers
    assert same_pixels(result.image, RESULT)
    assert {"uploading", "waiting", "downloading"} <= set(progress.stages())


def test_edit_sends_the_mask_black_where_the_person_marked_and_the_images_size() -> None:
    # Our mask: mode L, 255 = edit. The right half is marked.
    mask = Image.new("L", (160, 90), 0)
    mask.paste(255, (80, 0, 160, 90))
    request = EditRequest(mode="edit", prompt="a red door", image=picture((160, 90)), mask=mask)
    with (
        LoopbackServer([Reply.image(png_bytes(RESULT))]) as images,
        api(ideo.answer(ideo.result_link(images.url))) as server,
    ):
        result = run(make(server), request, key=KEY)

    assert server.invalid == []
    assert server.requests[0].path == "/v1/ideogram-v3/edit"
    sent = Image.open(io.BytesIO(server.requests[0].form()["mask"].data)).convert("L")
    assert sent.size == (160, 90)
    assert sent.getpixel((120, 45)) == 0
    assert sent.getpixel((20, 45)) == 255
    assert same_pixels(result.image, RESULT)


def test_edit_without_a_mask_is_refused_before_anything_is_sent() -> None:
    with api() as server, pytest.raises(InputError, match="needs a mask"):
        run(make(server), EditRequest(mode="edit", prompt="x", image=picture()), key=KEY)
    assert server.requests == []


def test_replace_background_leaves_out_options_it_does_not_take_and_says_so() -> None:
    request = EditRequest(
        mode="replace-background",
        prompt="on a beach",
        image=picture(),
        options={"aspect_ratio": "1x1", "style_type": "REALISTIC", "rendering_speed": "TURBO"},
    )
    with (
        LoopbackServer([Reply.image(png_bytes(RESULT))]) as images,
        api(ideo.answer(ideo.result_link(images.url))) as server,
    ):
        result = run(make(server), request, key=KEY)

    assert server.invalid == []
    form = server.requests[0].form()
    assert server.requests[0].path == "/v1/ideogram-v3/replace-background"
    assert form["rendering_speed"].text == "TURBO"
    assert "aspect_ratio" not in form
    assert "style_type" not in form
    assert result.notes == (
        "replace-background does not take aspect_ratio; it was left out.",
        "replace-background does not take style_type; it was left out.",
    )


def test_reframe_sends_no_prompt_and_the_listed_resolution_nearest_to_the_chosen_shape() -> None:
    request = EditRequest(mode="reframe", image=picture((100, 100)), options={"aspect_ratio": "16x9"})
    with (
        LoopbackServer([Reply.image(png_bytes(RESULT))]) as images,
        api(ideo.answer(ideo.result_link(images.url))) as server,
    ):
        run(make(server), request, key=KEY)

    assert server.invalid == []
    form = server.requests[0].form()
    assert "prompt" not in form
    assert form["resolution"].text == "1312x736"


def test_reframe_without_a_shape_uses_the_resolution_nearest_to_the_selection() -> None:
    request = EditRequest(mode="reframe", image=picture((300, 200)))
    with (
        LoopbackServer([Reply.image(png_bytes(RESULT))]) as images,
        api(ideo.answer(ideo.result_link(images.url))) as server,
    ):
        run(make(server), request, key=KEY)

    assert server.invalid == []
    assert server.requests[0].form()["resolution"].text == "1248x832"


def test_generate_is_multipart_without_an_image_and_downloads_every_result() -> None:
    request = EditRequest(mode="generate", prompt="a paper crane", options={"num_images": 2, "magic_prompt": "OFF"})
    with LoopbackServer([Reply.image(png_bytes(RESULT)), Reply.image(png_bytes(SECOND))]) as images:
        links = (ideo.result_link(images.url, "one"), ideo.result_link(images.url, "two"))
        with api(ideo.answer(*links)) as server:
            result = run(make(server), request, key=KEY)

    assert server.invalid == []
    assert server.requests[0].headers["content-type"].startswith("multipart/form-data")
    assert "image" not in server.requests[0].form()
    assert [r.path for r in images.requests] == ["/api/images/ephemeral/one.png", "/api/images/ephemeral/two.png"]
    assert [same_pixels(got, want) for got, want in zip(result.images, (RESULT, SECOND), strict=True)] == [True, True]


def test_aspect_ratio_and_resolution_together_are_refused_before_sending() -> None:
    with api() as server, pytest.raises(InputError, match="not both"):
        run(make(server), remix(aspect_ratio="1x1", resolution="1024x1024"), key=KEY)
    assert server.requests == []


def test_a_result_flagged_unsafe_is_a_block() -> None:
    with api(ideo.answer("https://unused.invalid/x.png", safe=False)) as server, pytest.raises(BlockedError) as raised:
        run(make(server), remix(), key=KEY)
    assert "is_image_safe" in str(raised.value)


@pytest.mark.parametrize("status", [403, 404])
def test_an_expired_result_link_says_the_link_expired(status: int) -> None:
    gone = Reply(status=status, body=b"<Error><Code>AccessDenied</Code></Error>", headers={"content-type": "text/xml"})
    with (
        LoopbackServer([gone]) as images,
        api(ideo.answer(ideo.result_link(images.url))) as server,
        pytest.raises(BadResponseError, match="expired") as raised,
    ):
        run(make(server), remix(), key=KEY)
    assert len(images.requests) == 1
    assert raised.value.status == status


@pytest.mark.parametrize(
    ("status", "body", "kind", "words"),
    [
        (401, {"detail": "Invalid API key"}, AuthError, "keys set ideogram"),
        (403, {"detail": "Forbidden"}, AuthError, "IDEOGRAM_API_KEY"),
        (402, {"detail": "insufficient_funds"}, QuotaError, "out of credits"),
        (402, {"detail": "daily_limit"}, QuotaError, "daily spending limit"),
        (413, {"detail": "Request entity too large"}, TooLargeError, "10 MB"),
        (400, {"detail": "Invalid resolution"}, BadRequestError, "Invalid resolution"),
    ],
)
def test_refusals_map_to_their_error_and_are_never_retried(
    status: int, body: dict[str, str], kind: type[Exception], words: str
) -> None:
    with (
        api(Reply.json(body, status=status), Reply.json(body, status=status)) as server,
        pytest.raises(kind, match=words),
    ):
        run(make(server), remix(), key=KEY)
    assert len(server.requests) == 1


def test_422_safety_check_is_a_block_quoting_ideogram() -> None:
    with api(ideo.safety_error()) as server, pytest.raises(BlockedError, match="prohibited content"):
        run(make(server), remix(), key=KEY)
    assert len(server.requests) == 1


def test_429_waits_the_retry_after_then_succeeds() -> None:
    sleeps = SleepLog()
    busy = Reply.json({"detail": "inflight_limit"}, status=429, headers={"retry-after": "3"})
    with (
        LoopbackServer([Reply.image(png_bytes(RESULT))]) as images,
        api(busy, ideo.answer(ideo.result_link(images.url))) as server,
    ):
        result = run(make(server, sleeps), remix(), key=KEY)

    assert server.invalid == []
    assert sleeps.delays == [3.0]
    assert same_pixels(result.image, RESULT)


def test_429_every_time_is_a_rate_limit_error() -> None:
    busy = Reply.json({"detail": "inflight_limit"}, status=429)
    with api(busy, busy, busy) as server, pytest.raises(RateLimitError, match="inflight_limit"):
        run(make(server), remix(), key=KEY)
    assert len(server.requests) == 3


def test_a_500_then_success_is_retried_once() -> None:
    failing = Reply(status=500, body=b"oops")
    with (
        LoopbackServer([Reply.image(png_bytes(RESULT))]) as images,
        api(failing, ideo.answer(ideo.result_link(images.url))) as server,
    ):
        result = run(make(server), remix(), key=KEY)
    assert len(server.requests) == 2
    assert same_pixels(result.image, RESULT)


def test_500_every_time_is_a_server_error() -> None:
    with api(*[Reply(status=502)] * 3) as server, pytest.raises(ServerError, match="Ideogram's servers failed"):
        run(make(server), remix(), key=KEY)


def test_a_downloaded_result_that_is_not_an_image_is_a_bad_response() -> None:
    html = Reply(body=b"<html>hello</html>", headers={"content-type": "text/html"})
    with (
        LoopbackServer([html]) as images,
        api(ideo.answer(ideo.result_link(images.url))) as server,
        pytest.raises(BadResponseError, match="not an image"),
    ):
        run(make(server), remix(), key=KEY)


def test_a_truncated_download_is_fetched_again() -> None:
    whole = png_bytes(RESULT)
    cut = Reply(body=whole, headers={"content-type": "image/png"}, truncate=len(whole) // 3)
    with LoopbackServer([cut, Reply.image(whole)]) as images, api(ideo.answer(ideo.result_link(images.url))) as server:
        result = run(make(server), remix(), key=KEY)
    assert len(images.requests) == 2
    assert same_pixels(result.image, RESULT)


def test_an_answer_without_the_result_list_is_a_bad_response() -> None:
    with api(Reply.json({"message": "ok"})) as server, pytest.raises(BadResponseError, match="result list"):
        run(make(server), remix(), key=KEY)


def test_a_crop_over_10_mb_is_downscaled_and_its_mask_follows_to_the_same_size() -> None:
    # GIVEN random pixels, which PNG cannot compress below Ideogram's 10 MB
    noisy = Image.frombytes("RGB", (2000, 2000), os.urandom(2000 * 2000 * 3))
    mask = Image.new("L", (2000, 2000), 0)
    mask.paste(255, (1000, 0, 2000, 2000))
    request = EditRequest(mode="edit", prompt="a window", image=noisy, mask=mask)
    # WHEN it is sent for an edit
    with (
        LoopbackServer([Reply.image(png_bytes(RESULT))]) as images,
        api(ideo.answer(ideo.result_link(images.url))) as server,
    ):
        run(make(server), request, key=KEY)

    # THEN the image fits and the mask (checked by the stand-in) has the image's new size, marks intact
    assert server.invalid == []
    form = server.requests[0].form()
    assert len(form["image"].data) <= 10 * 1024 * 1024
    sent_image = Image.open(io.BytesIO(form["image"].data))
    sent_mask = Image.open(io.BytesIO(form["mask"].data)).convert("L")
    assert sent_image.size[0] < 2000
    assert sent_mask.size == sent_image.size
    assert sent_mask.getpixel((sent_mask.width - 5, 5)) == 0
    assert sent_mask.getpixel((5, 5)) == 255
