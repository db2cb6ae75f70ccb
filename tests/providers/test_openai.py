"""OpenAI and OpenAI-compatible providers against a loopback server that checks the published spec."""

from __future__ import annotations

import asyncio
import base64
import io
from collections.abc import Mapping

import pytest
from PIL import Image

from core.config import ProviderSettings
from core.errors import (
    AuthError,
    BadRequestError,
    BadResponseError,
    BlockedError,
    InputError,
    ProviderError,
    QuotaError,
    RateLimitError,
    ServerError,
    TooLargeError,
)
from core.models import EditRequest, EditResult
from providers import openai
from providers.base import ProviderInfo
from providers.catalog.openai import COMPATIBLE_INFO, INFO
from providers.http import HttpPolicy, build_http_client
from providers.retry import RetryPolicy
from tests.providers.loopback import LoopbackServer, ProgressLog, Recorded, Reply, SleepLog
from tests.providers.openai_contract import deprecated, models_answer
from tests.providers.openai_server import OpenAISpec, error_answer, images_answer, png, spec_problems, url_answer

KEY = "sk-proj-test-0123456789abcdef"


CROP = (300, 200)
# gpt-image-2 and later take any 16-aligned size of at least 655,360 pixels: the 300x200 crop is sent
# enlarged four times, and the answer reduced back to the crop (issue 11, ADR 020).
SENT = (1200, 800)


def crop(size: tuple[int, int] = CROP) -> Image.Image:
    image = Image.new("RGB", size, (10, 120, 200))
    image.paste((250, 250, 0), (0, 0, size[0] // 2, size[1] // 2))
    return image


def run(
    server: LoopbackServer,
    request: EditRequest,
    *,
    info: ProviderInfo = INFO,
    key: str = KEY,
    model: str | None = "gpt-image-2.6-flare",
    sleeps: SleepLog | None = None,
    progress: ProgressLog | None = None,
) -> EditResult:
    settings = ProviderSettings(info.id, base_url=server.url + "/v1", model=model, timeout=10, connect_timeout=2)
    policy = HttpPolicy(retry=RetryPolicy(sleep=sleeps or SleepLog()))

    async def go() -> EditResult:
        async with build_http_client() as client:
            provider = openai.OpenAIProvider(settings, client, info=info, policy=policy)
            return await provider.run(request, key=key, progress=progress or ProgressLog())

    return asyncio.run(go())


def edit(
    prompt: str = "make it a watercolor", options: Mapping[str, object] | None = None, **kw: object
) -> EditRequest:
    return EditRequest("edit", prompt=prompt, image=crop(), options=dict(options or {}), **kw)  # type: ignore[arg-type]


def fields(recorded: Recorded) -> dict[str, str]:
    return {name: part.text for name, part in recorded.form().items() if part.filename is None}


def test_edit_sends_a_spec_valid_multipart_and_returns_the_served_image() -> None:
    spec = OpenAISpec(KEY)
    progress = ProgressLog()
    with LoopbackServer([images_answer(png(SENT))], validator=spec) as server:
        result = run(server, edit(), progress=progress)
    assert server.invalid == []
    assert spec.checked == ["/v1/images/edits"]
    assert result.image.size == CROP
    assert result.image.convert("RGB").getpixel((5, 5)) == (200, 40, 40)
    sent = fields(server.requests[0])
    assert sent == {"prompt": "make it a watercolor", "model": "gpt-image-2.6-flare", "size": "1200x800"}
    uploaded = Image.open(io.BytesIO(server.requests[0].form()["image"].data))
    assert uploaded.size == SENT
    assert {"uploading", "waiting", "done"} <= set(progress.stages())


def test_edit_with_a_mask_sends_transparent_where_to_edit_at_the_images_size() -> None:
    ours = Image.new("L", (300, 200), 0)
    ours.paste(255, (0, 0, 100, 200))
    with LoopbackServer([images_answer(png())], validator=OpenAISpec(KEY)) as server:
        run(server, edit(mask=ours))
    assert server.invalid == []
    mask = Image.open(io.BytesIO(server.requests[0].form()["mask"].data)).convert("RGBA")
    assert mask.size == SENT
    assert mask.getchannel("A").getpixel((200, 400)) == 0
    assert mask.getchannel("A").getpixel((1000, 400)) == 255


def test_edit_with_every_option_is_valid_and_never_sends_moderation() -> None:
    options = {
        "quality": "max",
        "complexity": "low",
        "background": "transparent",
        "output_format": "webp",
        "output_compression": 80,
        "n": 2,
        "size": "1024x1024",
        "moderation": "low",
    }
    with LoopbackServer([images_answer(png(), png((8, 8)))], validator=OpenAISpec(KEY)) as server:
        result = run(server, edit(options=options))
    assert server.invalid == []
    sent = fields(server.requests[0])
    assert "moderation" not in sent
    assert sent["n"] == "2"
    assert (sent["quality"], sent["complexity"]) == ("max", "low")
    assert len(result.images) == 2
    assert any("moderation" in note for note in result.notes)


@pytest.mark.parametrize("model", ["gpt-image-2.6-flare", "gpt-image-2.5-sunburst", "gpt-image-2"])
def test_input_fidelity_is_never_sent_to_gpt_image_2_or_later(model: str) -> None:
    # GIVEN input_fidelity, which gpt-image-2 and later answer 400 invalid_input_fidelity_model
    with LoopbackServer([images_answer(png())], validator=OpenAISpec(KEY)) as server:
        result = run(server, edit(options={"input_fidelity": "high", "model": model}))
    # THEN it is left out, and the person is told
    sent = fields(server.requests[0])
    assert sent["model"] == model
    assert "input_fidelity" not in sent
    assert any("input_fidelity" in note for note in result.notes)


@pytest.mark.parametrize(
    ("model", "options", "words"),
    [
        ("gpt-image-2", {"quality": "max"}, "quality"),
        ("gpt-image-2.5-flare", {"complexity": "low"}, "complexity"),
    ],
)
def test_an_option_value_the_model_does_not_take_is_refused_before_sending(
    model: str, options: dict[str, object], words: str
) -> None:
    with LoopbackServer([images_answer(png())]) as server, pytest.raises(InputError, match=words):
        run(server, edit(options={**options, "model": model}))
    assert server.requests == []


def test_a_retired_model_is_answered_404_and_the_error_names_the_models_the_key_can_use() -> None:
    # GIVEN a settings file still naming gpt-image-1 (shut down 2026-10-23)
    usable = models_answer(
        "gpt-image-2.6-flare", "gpt-image-2", "gpt-image-1.5", shutdown={"gpt-image-1.5": "2026-12-01"}
    )
    with LoopbackServer([usable], validator=OpenAISpec(KEY)) as server:
        server.expect_violations()
        with pytest.raises(BadRequestError) as raised:
            run(server, edit(), model="gpt-image-1")
    # THEN the stand-in refused it as OpenAI does, and the message lists what the key can use instead
    assert server.invalid == ["retired model gpt-image-1 (shut down 2026-10-23)"]
    assert [r.path for r in server.requests] == ["/v1/images/edits", "/v1/models"]
    message = str(raised.value)
    assert "gpt-image-1 is not available" in message
    assert "gpt-image-2, gpt-image-2.6-flare." in message
    assert "gpt-image-1.5" not in message.split("use:")[1]
    assert "embedding" not in message


def test_generate_sends_spec_valid_json_with_moderation() -> None:
    request = EditRequest("generate", prompt="a red fox", options={"moderation": "low", "quality": "low", "n": 1})
    with LoopbackServer([images_answer(png((16, 16)))], validator=OpenAISpec(KEY)) as server:
        result = run(server, request, model="gpt-image-2.5-sunburst")
    assert server.invalid == []
    assert server.requests[0].path == "/v1/images/generations"
    assert server.requests[0].json() == {
        "prompt": "a red fox",
        "model": "gpt-image-2.5-sunburst",
        "n": 1,
        "quality": "low",
        "moderation": "low",
    }
    assert result.image.size == (16, 16)


def test_the_spec_check_itself_catches_what_openai_would_refuse() -> None:
    # GIVEN a multipart edit with a field the edit does not take and n out of range
    boundary = "xyz"
    parts = [("prompt", "p"), ("n", "11"), ("moderation", "low"), ("size", "1024x1024")]
    body = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{n}"\r\n\r\n{v}\r\n' for n, v in parts)
    body += f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="i.png"\r\n'
    body += "Content-Type: image/png\r\n\r\n"
    raw = body.encode() + png() + f"\r\n--{boundary}--\r\n".encode()
    headers = {"content-type": f"multipart/form-data; boundary={boundary}", "authorization": f"Bearer {KEY}"}
    recorded = Recorded("POST", "/v1/images/edits", {}, headers, raw, 0)
    # WHEN it is checked THEN both problems are named
    assert any("11" in problem for problem in spec_problems(recorded))
    assert "'moderation' is not a field of the multipart edit" in OpenAISpec(KEY).problems(recorded)


@pytest.mark.parametrize(
    ("request_", "words"),
    [
        (edit(prompt="  "), "needs a prompt"),
        (edit(prompt="x" * 32_001), "at most 32000 characters"),
        (edit(options={"background": "transparent", "output_format": "jpeg"}), "png or webp"),
    ],
)
def test_what_openai_would_refuse_is_said_before_sending(request_: EditRequest, words: str) -> None:
    with LoopbackServer([images_answer(png())]) as server, pytest.raises(InputError, match=words):
        run(server, request_)
    assert server.requests == []


def test_a_compatible_server_answering_a_url_is_downloaded_without_the_key() -> None:
    def link(recorded: Recorded) -> Reply:
        return url_answer(f"http://127.0.0.1:{recorded.port}/files/result.png")

    # 30x20: the 3:2 shape asked for (1536x1024 for the 300x200 crop), at the server's resolution.
    with LoopbackServer([Reply(respond=link), Reply.image(png(SENT))], validator=None) as server:
        result = run(server, edit(), info=COMPATIBLE_INFO, key="local-key")
    assert result.image.size == CROP
    assert server.requests[0].headers["authorization"] == "Bearer local-key"
    assert server.requests[1].path == "/files/result.png"
    assert "authorization" not in server.requests[1].headers


def test_a_compatible_server_without_a_key_gets_no_authorization_header() -> None:
    with LoopbackServer([images_answer(png())], validator=OpenAISpec("")) as server:
        run(server, edit(), info=COMPATIBLE_INFO, key="")
    assert server.invalid == []


@pytest.mark.parametrize(
    ("reply", "error", "words"),
    [
        (
            error_answer(400, "moderation_blocked", "Your request was rejected by the safety system."),
            BlockedError,
            "safety system blocked",
        ),
        (error_answer(401, "invalid_api_key", f"Incorrect API key provided: {KEY}."), AuthError, "keys set openai"),
        (
            error_answer(403, None, "Your organization must be verified to use the model gpt-image-2.6-flare."),
            AuthError,
            "verified",
        ),
        (error_answer(413, "request_too_large", "Request too large."), TooLargeError, "smaller region"),
        (
            error_answer(429, "insufficient_quota", "You exceeded your current quota.", kind="insufficient_quota"),
            QuotaError,
            "out of credits",
        ),
        (error_answer(400, "invalid_value", f"Bad size; your key {KEY} is fine."), ProviderError, "Bad size"),
    ],
)
def test_each_refusal_is_named_with_its_fix_and_never_retried(
    reply: Reply, error: type[ProviderError], words: str
) -> None:
    with LoopbackServer([reply, images_answer(png())]) as server, pytest.raises(error) as caught:
        run(server, edit())
    message = str(caught.value)
    assert message.startswith("OpenAI: ")
    assert words in message
    assert KEY not in message
    assert len(server.requests) == 1


def test_rate_limit_is_retried_after_retry_after_then_succeeds() -> None:
    sleeps, progress = SleepLog(), ProgressLog()
    limited = error_answer(429, "rate_limit_exceeded", "Rate limit reached.", kind="requests", **{"retry-after": "3"})
    with LoopbackServer([limited, images_answer(png(SENT))], validator=OpenAISpec(KEY)) as server:
        result = run(server, edit(), sleeps=sleeps, progress=progress)
    assert result.image.size == CROP
    assert sleeps.delays == [3.0]
    assert [e.retry_in for e in progress.events if e.stage == "retrying"] == [3.0]
    assert server.invalid == []


def test_rate_limits_that_persist_are_reported_as_rate_limited() -> None:
    limited = error_answer(429, "rate_limit_exceeded", "Rate limit reached.", kind="requests")
    with LoopbackServer([limited] * 3) as server, pytest.raises(RateLimitError, match="Wait a minute"):
        run(server, edit())
    assert len(server.requests) == 3


def test_server_errors_then_success_returns_the_image() -> None:
    replies = [
        error_answer(500, None, "internal", kind="server_error"),
        Reply(status=503),
        images_answer(png(SENT)),
    ]
    with LoopbackServer(replies) as server:
        assert run(server, edit()).image.size == CROP
    assert len(server.requests) == 3


def test_server_errors_that_persist_say_try_again_later() -> None:
    with LoopbackServer([Reply(status=502)] * 3) as server, pytest.raises(ServerError, match="Try again in a few"):
        run(server, edit())


@pytest.mark.parametrize(
    "reply",
    [
        Reply.json({"data": [{"b64_json": base64.b64encode(b"<html>oops</html>").decode()}]}),
        Reply(body=b"<html>proxy error</html>", headers={"content-type": "text/html"}),
        Reply.json({"data": []}),
    ],
)
def test_an_answer_without_a_usable_image_is_a_bad_response(reply: Reply) -> None:
    with LoopbackServer([reply]) as server, pytest.raises(BadResponseError):
        run(server, edit())


def test_an_answer_announcing_the_models_sunset_succeeds_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    # GIVEN an answer that says the model is deprecated (RFC 9745) and when it stops (RFC 8594)
    reply = deprecated(
        images_answer(png(SENT)),
        since=1793491200,
        sunset="Mon, 01 Mar 2027 00:00:00 GMT",
        successor="https://platform.openai.com/docs/deprecations",
    )
    with LoopbackServer([reply], validator=OpenAISpec(KEY)) as server:
        result = run(server, edit())
    # THEN the image is used, and the person reads when to move and where to look
    assert result.image.size == CROP
    assert server.invalid == []
    note = result.notes[-1]
    assert note.startswith("OpenAI says gpt-image-2.6-flare is deprecated (since 2026-11-01)")
    assert "will stop working on 2027-03-01" in note
    assert "'python main.py models openai'" in note
    assert "https://platform.openai.com/docs/deprecations" in note
    assert note in caplog.text
