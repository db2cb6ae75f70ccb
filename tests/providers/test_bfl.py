"""Black Forest Labs over loopback: submit, poll with progress, fetch the result without the key (issue 15)."""

from __future__ import annotations

import asyncio
import base64
import io
from pathlib import Path

import httpx
import pytest
from PIL import Image

from core.errors import (
    AuthError,
    BadResponseError,
    BlockedError,
    CancelledError,
    ProviderTimeoutError,
    QuotaError,
    ServerError,
)
from core.models import EditRequest, ProgressEvent
from providers.bfl import poll_delays, same_site
from tests.providers import bfl_server as bfl
from tests.providers.loopback import LoopbackServer, Reply, SleepLog
from tests.providers.provider_run import picture, png_bytes, run, run_cli, same_pixels, write_config

KEY = "bfl-test-key-0123456789abcdef"
CROP = (160, 112)  # multiples of 16 and over 16,384 pixels: sent as it is, no padding


def edit(**options: object) -> EditRequest:
    return EditRequest(mode="edit", prompt="make it night", image=picture(CROP), options=options)


def api(*replies: Reply) -> LoopbackServer:
    return LoopbackServer(list(replies), validator=bfl.BflSpec(KEY, CROP))


@pytest.mark.parametrize("mode", ["edit", "generate"])
def test_main_edit_polls_then_delivers_the_image_fetched_without_the_key(tmp_path: Path, mode: str) -> None:
    picture(CROP).save(tmp_path / "in.png")
    served = picture(CROP, (10, 200, 90))
    with LoopbackServer([Reply.image(png_bytes(served))]) as host:
        replies = [
            bfl.submitted(),
            bfl.status("Pending"),
            bfl.status("Pending", progress=0.4),
            bfl.ready(host.url + "/s.png"),
        ]
        with api(*replies) as server:
            config = write_config(tmp_path, "bfl", server.url)
            done = run_cli(
                tmp_path, "BFL_API_KEY", KEY,
                "edit", "in.png", "--provider", "bfl", "--mode", mode, "--prompt", "make it night",
                "--output", "out.png", "--config", str(config),
            )  # fmt: skip
    assert done.returncode == 0, done.stderr
    first = server.requests[0]
    assert first.path == "/v1/flux-2-pro"
    body = first.json()
    if mode == "edit":
        # The crop's own shape, and the crop itself as base64.
        assert (body["width"], body["height"]) == CROP
        sent = Image.open(io.BytesIO(base64.b64decode(body["input_image"])))
        assert same_pixels(sent, picture(CROP))
    else:
        assert "input_image" not in body
    assert [r.path for r in server.requests[1:]] == ["/v1/get_result"] * 3
    assert "x-key" not in host.requests[0].headers
    assert same_pixels(Image.open(tmp_path / "out.png"), served)
    assert KEY not in done.stdout + done.stderr
    # The task's own stages, each said once.
    assert done.stderr.count("Waiting for Black Forest Labs: queued") == 1
    assert "Waiting for Black Forest Labs: generating 40%" in done.stderr


def test_progress_says_queued_then_generating_and_polls_back_off_to_two_seconds() -> None:
    served = picture((64, 64))
    events: list[ProgressEvent] = []
    polls = bfl.Sleeps()
    pending = [bfl.status("Pending")] * 6 + [bfl.status("Pending", progress=0.5)]
    with (
        LoopbackServer([Reply.image(png_bytes(served))]) as host,
        api(bfl.submitted(), *pending, bfl.ready(host.url + "/s.png")) as server,
    ):
        result = run(bfl.make(server, polls=polls), edit(), key=KEY, progress=events.append)
    details = [event.detail for event in events if event.stage == "waiting" and event.detail]
    assert details == ["queued"] * 6 + ["generating 50%"]
    assert polls.delays == [0.5, 0.75, 1.125, 1.6875, 2.0, 2.0, 2.0]
    assert poll_delays()[-1] == 2.0
    assert same_pixels(result.image, served)


def test_kontext_models_get_the_nearest_ratio_and_the_padding_is_cut_off_again() -> None:
    # 160x112 is nearest 3:2: sent padded to 168x112, the answer's 3:2 frame cropped back to 160x112.
    served = picture((336, 224), (5, 5, 5))
    with LoopbackServer([Reply.image(png_bytes(served))]) as host:
        replies = [bfl.submitted(), bfl.ready(host.url + "/s.png")]
        with LoopbackServer(replies, validator=bfl.BflSpec(KEY, (168, 112))) as server:
            result = run(bfl.make(server, model="flux-kontext-pro", seed=7), edit(), key=KEY)
    body = server.requests[0].json()
    assert server.requests[0].path == "/v1/flux-kontext-pro"
    assert (body["aspect_ratio"], body["seed"]) == ("3:2", 7)
    assert "width" not in body
    assert result.image.size == (320, 224)
    assert same_pixels(result.image, served.crop((8, 0, 328, 224)))


def test_a_small_crop_is_enlarged_in_whole_blocks_to_flux2s_minimum() -> None:
    small = picture((40, 40))
    served = small.resize((160, 160), Image.Resampling.NEAREST)
    with LoopbackServer([Reply.image(png_bytes(served))]) as host:
        replies = [bfl.submitted(), bfl.ready(host.url + "/s.png")]
        with LoopbackServer(replies, validator=bfl.BflSpec(KEY, None)) as server:
            result = run(bfl.make(server), EditRequest(mode="edit", prompt="x", image=small), key=KEY)
    body = server.requests[0].json()
    # 40x40 is 1,600 pixels: sent as 4x4 blocks (160x160), the answer brought back down exactly.
    assert (body["width"], body["height"]) == (160, 160)
    assert same_pixels(result.image, small)


@pytest.mark.parametrize(
    ("final", "kind", "words"),
    [
        (bfl.status("Request Moderated"), BlockedError, "refused the prompt"),
        (bfl.status("Content Moderated"), BlockedError, "withheld the result"),
        (bfl.status("Error", result="GPU fault"), ServerError, "GPU fault"),
        (bfl.status("Task not found"), BadResponseError, "no longer knows the task"),
        (bfl.status("Ready", result={}), BadResponseError, "no link"),
    ],
)
def test_final_statuses_other_than_ready_are_said_in_words(final: Reply, kind: type[Exception], words: str) -> None:
    with api(bfl.submitted(), bfl.status("Pending"), final) as server, pytest.raises(kind, match=words):
        run(bfl.make(server), edit(), key=KEY)
    assert len(server.requests) == 3


def test_a_polling_link_on_another_site_is_refused_and_never_sent_the_key() -> None:
    with (
        LoopbackServer([]) as elsewhere,
        api(bfl.submitted(polling_host=elsewhere.url.replace("127.0.0.1", "localhost"))) as server,
        pytest.raises(BadResponseError, match="another site"),
    ):
        run(bfl.make(server), edit(), key=KEY)
    assert elsewhere.requests == []


def test_429_waits_the_retry_after_then_succeeds() -> None:
    sleeps = SleepLog()
    served = picture((32, 32))
    with (
        LoopbackServer([Reply.image(png_bytes(served))]) as host,
        api(
            bfl.error(429, "Too many active tasks", {"retry-after": "4"}),
            bfl.submitted(),
            bfl.ready(host.url + "/s.png"),
        ) as server,
    ):
        result = run(bfl.make(server, sleeps), edit(), key=KEY)
    assert sleeps.delays == [4.0]
    assert same_pixels(result.image, served)


def test_5xx_gives_up_after_the_retries() -> None:
    with api(*[bfl.error(503, "overloaded")] * 3) as server, pytest.raises(ServerError, match="503"):
        run(bfl.make(server), edit(), key=KEY)
    assert len(server.requests) == 3


@pytest.mark.parametrize(
    ("reply", "kind", "words"),
    [
        (bfl.error(403, "Not authenticated - Invalid Authentication"), AuthError, "BFL_API_KEY"),
        (bfl.error(402, "Insufficient credits"), QuotaError, "out of credits"),
    ],
)
def test_refusals_are_said_in_words_and_never_retried(reply: Reply, kind: type[Exception], words: str) -> None:
    with api(reply, reply) as server, pytest.raises(kind, match=words):
        run(bfl.make(server), edit(), key=KEY)
    assert len(server.requests) == 1


def test_a_result_that_is_not_an_image_is_refused() -> None:
    with (
        LoopbackServer([Reply(body=b"<html>gone</html>", headers={"content-type": "text/html"})]) as host,
        api(bfl.submitted(), bfl.ready(host.url + "/s.png")) as server,
        pytest.raises(BadResponseError, match="not an image"),
    ):
        run(bfl.make(server), edit(), key=KEY)


def test_a_task_that_never_finishes_hits_the_one_deadline() -> None:
    with (
        api(bfl.submitted(), *[bfl.status("Pending")] * 400) as server,
        pytest.raises(ProviderTimeoutError, match="within 1"),
    ):
        run(bfl.make(server, timeout=1.0, polls=asyncio.sleep), edit(), key=KEY)
    assert server.requests


def test_a_key_echoed_in_an_error_never_reaches_the_output(tmp_path: Path) -> None:
    picture(CROP).save(tmp_path / "in.png")
    with api(bfl.error(401, f"Invalid key {KEY}")) as server:
        config = write_config(tmp_path, "bfl", server.url)
        done = run_cli(
            tmp_path, "BFL_API_KEY", KEY,
            "edit", "in.png", "--provider", "bfl", "--prompt", "x", "--output", "out.png", "--config", str(config),
        )  # fmt: skip
    assert done.returncode == 1
    assert "key was rejected" in done.stderr
    assert KEY not in done.stdout + done.stderr
    assert not (tmp_path / "out.png").exists()


@pytest.mark.parametrize(
    ("target", "allowed"),
    [
        ("https://api.bfl.ai/v1/get_result?id=1", True),
        ("https://api.eu2.bfl.ai/v1/get_result?id=1", True),  # where BFL's answers point today
        ("https://api.bfl.ai.evil.example/v1/get_result", False),
        ("https://evil.example/v1/get_result", False),
        ("http://api.eu2.bfl.ai/v1/get_result", False),
        ("https://api.bfl.ai:8443/v1/get_result", False),
    ],
)
def test_the_key_goes_only_to_polling_links_on_bfls_own_site(target: str, allowed: bool) -> None:
    assert same_site(httpx.URL("https://api.bfl.ai"), httpx.URL(target)) is allowed


def test_cancelling_while_waiting_for_the_result_stops_polling() -> None:
    async def cancelled(_seconds: float) -> None:
        raise asyncio.CancelledError

    with api(bfl.submitted(), bfl.status("Pending")) as server, pytest.raises(CancelledError, match="stopped waiting"):
        run(bfl.make(server, polls=cancelled), edit(), key=KEY)
    assert len(server.requests) == 2
