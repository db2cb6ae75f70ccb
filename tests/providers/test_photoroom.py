"""PhotoRoom against a loopback stand-in that validates each request with PhotoRoom's OpenAPI (openapi-core)."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable

import httpx
import pytest
from PIL import Image

from core.config import ProviderSettings
from core.errors import (
    AuthError,
    BadRequestError,
    BadResponseError,
    InputError,
    QuotaError,
    RateLimitError,
    ServerError,
    TooLargeError,
)
from core.models import EditRequest
from providers.photoroom import PhotoRoomProvider
from providers.photoroom_wire import edit_base_url
from tests.providers import photoroom_server as pr
from tests.providers.loopback import LoopbackServer, Reply, SleepLog
from tests.providers.provider_run import picture, png_bytes, policy, run, same_pixels

KEY = "pr-test-key-0123456789abcdef"


def cutout() -> Image.Image:
    """A result with real transparency: the left half cut away."""
    image = picture((160, 90)).convert("RGBA")
    image.paste((0, 0, 0, 0), (0, 0, 80, 90))
    return image


def make(server: LoopbackServer, sleeps: SleepLog | None = None) -> Callable[[httpx.AsyncClient], PhotoRoomProvider]:
    settings = ProviderSettings("photoroom", base_url=server.url, timeout=10, connect_timeout=2)
    return lambda client: PhotoRoomProvider(settings, client, policy(sleeps or SleepLog()))


def remove(**options: object) -> EditRequest:
    return EditRequest(mode="remove-background", image=picture((160, 90)), options=options)


def api(*replies: Reply) -> LoopbackServer:
    return LoopbackServer(replies, validator=pr.PhotoRoomSpec(KEY))


def test_remove_background_posts_image_file_to_segment_and_returns_the_cutout_with_its_alpha() -> None:
    with api(pr.image_reply(png_bytes(cutout()))) as server:
        result = run(make(server), remove(), key=KEY)

    assert server.invalid == []
    sent = server.requests[0]
    assert (sent.method, sent.path) == ("POST", "/v1/segment")
    assert sent.headers["x-api-key"] == KEY
    assert same_pixels(Image.open(io.BytesIO(sent.form()["image_file"].data)), picture((160, 90)))
    assert result.image.mode == "RGBA"
    assert same_pixels(result.image, cutout())


def test_segment_options_are_sent_as_the_api_spells_them() -> None:
    options = {
        "format": "webp",
        "channels": "alpha",
        "bg_color": "#FF00FF",
        "size": "hd",
        "crop": True,
        "despill": False,
    }
    with api(pr.image_reply(png_bytes(cutout()))) as server:
        run(make(server), remove(**options), key=KEY)

    assert server.invalid == []
    form = server.requests[0].form()
    sent = {name: form[name].text for name in options}
    assert sent == {
        "format": "webp",
        "channels": "alpha",
        "bg_color": "#FF00FF",
        "size": "hd",
        "crop": "true",
        "despill": "false",
    }


def test_new_background_posts_image_file_and_the_prompt_as_background_prompt_to_v2_edit() -> None:
    request = EditRequest(
        mode="new-background", prompt="on a marble table", image=picture(), options={"outputSize": "originalImage"}
    )
    with api(pr.image_reply(png_bytes(picture((160, 90), (1, 2, 3))))) as server:
        result = run(make(server), request, key=KEY)

    assert server.invalid == []
    sent = server.requests[0]
    assert sent.path == "/v2/edit"
    form = sent.form()
    assert form["background.prompt"].text == "on a marble table"
    assert form["outputSize"].text == "originalImage"
    assert "imageFile" in form
    assert same_pixels(result.image, picture((160, 90), (1, 2, 3)))


def test_new_background_in_a_colour_sends_hex_without_the_hash_and_leaves_out_segment_options() -> None:
    request = EditRequest(
        mode="new-background",
        image=picture(),
        options={"background.color": "#FF0000", "export.format": "webp", "crop": True},
    )
    with api(pr.image_reply(png_bytes(cutout()))) as server:
        result = run(make(server), request, key=KEY)

    assert server.invalid == []
    form = server.requests[0].form()
    assert form["background.color"].text == "FF0000"
    assert form["export.format"].text == "webp"
    assert "crop" not in form
    assert result.notes == ("new-background does not take crop; it was left out.",)


def test_new_background_without_a_prompt_or_colour_is_refused_before_sending() -> None:
    with api() as server, pytest.raises(InputError, match=r"background.color"):
        run(make(server), EditRequest(mode="new-background", image=picture()), key=KEY)
    assert server.requests == []


def test_the_edit_endpoint_is_photorooms_image_api_for_the_official_base_and_the_same_server_otherwise() -> None:
    assert edit_base_url("https://sdk.photoroom.com") == "https://image-api.photoroom.com"
    assert edit_base_url("https://sdk.photoroom.com/") == "https://image-api.photoroom.com"
    assert edit_base_url("https://proxy.example.com/photoroom/") == "https://proxy.example.com/photoroom"
    assert edit_base_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080"


def test_a_json_answer_with_base64img_is_accepted() -> None:
    encoded = base64.b64encode(png_bytes(cutout())).decode()
    with api(Reply.json({"base64img": encoded})) as server:
        result = run(make(server), remove(), key=KEY)
    assert same_pixels(result.image, cutout())


@pytest.mark.parametrize(
    ("reply", "kind", "words"),
    [
        (pr.error_v1(400, "Please provide an image.", "missing_image"), BadRequestError, "Please provide an image"),
        (pr.error_v1(402, "Not enough credits.", "payment_required"), QuotaError, "api-dashboard"),
        (pr.error_v1(403, "Invalid API key.", "forbidden"), AuthError, "keys set photoroom"),
        (Reply(status=403), AuthError, "PHOTOROOM_API_KEY"),
        (Reply.json({"detail": "Request Entity Too Large"}, status=413), TooLargeError, "larger than PhotoRoom"),
    ],
)
def test_segment_refusals_map_to_their_error_and_are_never_retried(
    reply: Reply, kind: type[Exception], words: str
) -> None:
    with api(reply, reply) as server, pytest.raises(kind, match=words):
        run(make(server), remove(), key=KEY)
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("reply", "kind", "words"),
    [
        (pr.error_v2(400, message="removeBackground must be boolean"), BadRequestError, "removeBackground"),
        (pr.error_v2(402, detail="API credits exhausted."), QuotaError, "credits exhausted"),
    ],
)
def test_v2_edit_refusals_read_the_nested_error_shape(reply: Reply, kind: type[Exception], words: str) -> None:
    request = EditRequest(mode="edit", prompt="studio", image=picture())
    with api(reply) as server, pytest.raises(kind, match=words):
        run(make(server), request, key=KEY)
    assert len(server.requests) == 1


def test_429_waits_the_retry_after_then_succeeds() -> None:
    sleeps = SleepLog()
    busy = Reply.json(
        {"detail": "Too many requests", "status_code": 429, "type": "rate_limit"},
        status=429,
        headers={"retry-after": "2"},
    )
    with api(busy, pr.image_reply(png_bytes(cutout()))) as server:
        result = run(make(server, sleeps), remove(), key=KEY)
    assert server.invalid == []
    assert sleeps.delays == [2.0]
    assert same_pixels(result.image, cutout())


def test_429_every_time_is_a_rate_limit_error() -> None:
    busy = Reply.json({"detail": "Too many requests", "status_code": 429, "type": "rate_limit"}, status=429)
    with api(busy, busy, busy) as server, pytest.raises(RateLimitError):
        run(make(server), remove(), key=KEY)
    assert len(server.requests) == 3


def test_a_500_then_success_is_retried_once() -> None:
    with api(pr.error_v2(500, message="An unexpected error occurred."), pr.image_reply(png_bytes(cutout()))) as server:
        result = run(make(server), remove(), key=KEY)
    assert len(server.requests) == 2
    assert same_pixels(result.image, cutout())


def test_500_every_time_is_a_server_error_quoting_photoroom() -> None:
    failing = pr.error_v2(500, message="An unexpected error occurred.")
    with api(failing, failing, failing) as server, pytest.raises(ServerError, match="unexpected error"):
        run(make(server), remove(), key=KEY)


def test_a_200_that_is_not_an_image_is_a_bad_response() -> None:
    with (
        api(Reply(body=b"GIF89a-not-really", headers={"content-type": "image/png"})) as server,
        pytest.raises(BadResponseError, match="not an image"),
    ):
        run(make(server), remove(), key=KEY)


def test_a_truncated_image_is_fetched_again() -> None:
    whole = png_bytes(cutout())
    cut = Reply(body=whole, headers={"content-type": "image/png"}, truncate=len(whole) // 2)
    with api(cut, pr.image_reply(whole)) as server:
        result = run(make(server), remove(), key=KEY)
    assert len(server.requests) == 2
    assert same_pixels(result.image, cutout())
