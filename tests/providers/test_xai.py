"""xAI Grok Imagine over loopback: the request shape, both answer forms, errors in words, retries (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from core.errors import AuthError, BadResponseError, BlockedError, ProviderTimeoutError, QuotaError, ServerError
from core.models import EditRequest
from tests.providers import xai_server as xai
from tests.providers.loopback import LoopbackServer, Reply, SleepLog
from tests.providers.provider_run import picture, png_bytes, run, run_cli, same_pixels, write_config

KEY = "xai-test-key-0123456789abcdef"
CROP = (120, 80)


def edit(**options: object) -> EditRequest:
    return EditRequest(mode="edit", prompt="make it night", image=picture(CROP), options=options)


def api(*replies: Reply) -> LoopbackServer:
    return LoopbackServer(list(replies), validator=xai.XaiSpec(KEY, CROP))


def test_main_edit_delivers_the_linked_image_fetched_without_the_key(tmp_path: Path) -> None:
    picture(CROP).save(tmp_path / "in.png")
    served = picture(CROP, (10, 200, 90))
    with LoopbackServer([Reply.image(png_bytes(served))]) as host, api(xai.url_answer(host.url + "/r.png")) as server:
        config = write_config(tmp_path, "xai", server.url)
        done = run_cli(
            tmp_path, "XAI_API_KEY", KEY,
            "edit", "in.png", "--provider", "xai", "--mode", "edit", "--prompt", "make it night",
            "--output", "out.png", "--config", str(config),
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert server.requests[0].json()["model"] == "grok-imagine-image"
    assert "authorization" not in host.requests[0].headers
    assert same_pixels(Image.open(tmp_path / "out.png"), served)
    assert KEY not in done.stdout + done.stderr


def test_base64_answers_are_decoded_and_options_are_sent() -> None:
    served = picture((64, 64), (1, 2, 3))
    with api(xai.b64_answer(png_bytes(served))) as server:
        result = run(xai.make(server, response_format="b64_json", aspect_ratio="3:2"), edit(), key=KEY)
    body = server.requests[0].json()
    assert (body["response_format"], body["aspect_ratio"]) == ("b64_json", "3:2")
    assert same_pixels(result.image, served)


def test_429_waits_the_retry_after_then_succeeds() -> None:
    sleeps = SleepLog()
    served = picture((32, 32))
    with api(xai.error(429, "slow down", {"retry-after": "3"}), xai.b64_answer(png_bytes(served))) as server:
        result = run(xai.make(server, sleeps), edit(), key=KEY)
    assert sleeps.delays == [3.0]
    assert len(server.requests) == 2
    assert same_pixels(result.image, served)


def test_5xx_gives_up_after_the_retries() -> None:
    with api(*[xai.error(503, "overloaded")] * 3) as server, pytest.raises(ServerError, match="503"):
        run(xai.make(server), edit(), key=KEY)
    assert len(server.requests) == 3


@pytest.mark.parametrize(
    ("reply", "kind", "words"),
    [
        (xai.error(401, "Incorrect API key provided"), AuthError, "XAI_API_KEY"),
        (xai.error(402, "insufficient credits"), QuotaError, "out of credits"),
        (xai.error(400, "Generated image rejected by content moderation."), BlockedError, "content check"),
    ],
)
def test_refusals_are_said_in_words_and_never_retried(reply: Reply, kind: type[Exception], words: str) -> None:
    with api(reply, reply) as server, pytest.raises(kind, match=words):
        run(xai.make(server), edit(), key=KEY)
    assert len(server.requests) == 1


def test_an_answer_that_is_not_an_image_is_refused() -> None:
    with (
        api(xai.b64_answer(b"<html>not an image</html>")) as server,
        pytest.raises(BadResponseError, match="not an image"),
    ):
        run(xai.make(server), edit(), key=KEY)


def test_a_server_that_never_answers_hits_the_deadline() -> None:
    with LoopbackServer([Reply(hang=True)] * 3) as server, pytest.raises(ProviderTimeoutError, match="within 1"):
        run(xai.make(server, timeout=1.0), edit(), key=KEY)


def test_a_key_echoed_in_an_error_never_reaches_the_output(tmp_path: Path) -> None:
    picture(CROP).save(tmp_path / "in.png")
    with api(xai.error(401, f"Incorrect API key provided: {KEY}")) as server:
        config = write_config(tmp_path, "xai", server.url)
        done = run_cli(
            tmp_path, "XAI_API_KEY", KEY,
            "edit", "in.png", "--provider", "xai", "--prompt", "x", "--output", "out.png", "--config", str(config),
        )  # fmt: skip
    assert done.returncode == 1
    assert "key was rejected" in done.stderr
    assert KEY not in done.stdout + done.stderr
    assert not (tmp_path / "out.png").exists()
