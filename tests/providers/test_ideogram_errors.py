"""Ideogram's failures over loopback: each error class in words, expired result links, retries where they help."""

from __future__ import annotations

import pytest

from core.errors import (
    AuthError,
    BadRequestError,
    BadResponseError,
    BlockedError,
    QuotaError,
    RateLimitError,
    ServerError,
    TooLargeError,
)
from tests.providers import ideogram_server as ideo
from tests.providers.ideogram_server import KEY, RESULT, api, make, remix
from tests.providers.loopback import LoopbackServer, Reply, SleepLog
from tests.providers.provider_run import png_bytes, run, same_pixels


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
        (413, {"detail": "Request entity too large"}, TooLargeError, "25 MB"),
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
