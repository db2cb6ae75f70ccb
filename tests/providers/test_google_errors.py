"""Google Gemini's failures over loopback: each error class in words, retries where they help, never where they cost."""

from __future__ import annotations

import pytest

from core.errors import (
    AuthError,
    BadRequestError,
    BadResponseError,
    ConnectionFailedError,
    ProviderTimeoutError,
    QuotaError,
    RateLimitError,
    ServerError,
    TooLargeError,
)
from core.models import EditRequest
from tests.providers import google_server as gemini
from tests.providers.google_server import KEY, RESULT, edit, provider
from tests.providers.loopback import LoopbackServer, ProgressLog, Reply, SleepLog
from tests.providers.provider_run import picture, png_bytes, run, same_pixels


def test_bad_key_400_api_key_invalid_is_an_auth_error_naming_the_fix_and_is_not_retried() -> None:
    with LoopbackServer([gemini.bad_key(), gemini.bad_key()]) as server, pytest.raises(AuthError) as raised:
        run(provider(server, SleepLog()), edit(), key=KEY)

    assert len(server.requests) == 1
    assert "python main.py keys set google" in str(raised.value)
    assert "GEMINI_API_KEY" in str(raised.value)


def test_403_permission_denied_is_an_auth_error() -> None:
    reply = gemini.error(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers.")
    with LoopbackServer([reply]) as server, pytest.raises(AuthError, match=r"PERMISSION_DENIED.*keys set google"):
        run(provider(server, SleepLog()), edit(), key=KEY)
    assert len(server.requests) == 1


def test_unknown_model_404_names_the_image_models_the_key_can_use() -> None:
    # GIVEN a model the key cannot use; the key sees two image models over two pages
    reply = gemini.error(404, "NOT_FOUND", "models/gemini-9-image is not found for API version v1beta.")
    pages = gemini.models_pages(("gemini-nano-banana-2.1",), ("gemini-3-pro-image",))
    request = EditRequest(mode="edit", prompt="x", image=picture(), options={"model": "gemini-9-image"})
    with (
        LoopbackServer([reply, *pages], validator=gemini.GeminiShape(KEY, images=1)) as server,
        pytest.raises(BadRequestError) as raised,
    ):
        run(provider(server, SleepLog()), request, key=KEY)
    # THEN the error names both, read across the pages, and no text model
    assert server.requests[0].path == "/v1beta/models/gemini-9-image:generateContent"
    assert [r.query.get("pageToken") for r in server.requests[1:]] == [None, ["page-1"]]
    message = str(raised.value)
    assert "'gemini-9-image' was not found" in message
    assert "Image models this key can use: gemini-3-pro-image, gemini-nano-banana-2.1." in message
    assert "gemini-3.6-flash" not in message


def test_a_retired_model_is_answered_404_by_the_stand_in() -> None:
    request = EditRequest(mode="edit", prompt="x", image=picture(), options={"model": "gemini-2.5-flash-image"})
    with LoopbackServer(gemini.models_pages(("gemini-nano-banana-2.1",)), validator=gemini.GeminiShape(KEY)) as server:
        server.expect_violations()
        with pytest.raises(BadRequestError, match=r"gemini-nano-banana-2\.1"):
            run(provider(server, SleepLog()), request, key=KEY)
    assert server.invalid == ["retired model gemini-2.5-flash-image"]


def test_429_resource_exhausted_waits_the_retry_info_delay_then_succeeds() -> None:
    sleeps, progress = SleepLog(), ProgressLog()
    replies = [gemini.rate_limited("19s"), gemini.image_answer(png_bytes(RESULT))]
    with LoopbackServer(replies, validator=gemini.GeminiShape(KEY, images=1)) as server:
        result = run(provider(server, sleeps, timeout=300), edit(), key=KEY, progress=progress)

    assert server.invalid == []
    assert sleeps.delays == [19.0]
    retrying = [event for event in progress.events if event.stage == "retrying"]
    assert [(event.retry_in, event.attempt) for event in retrying] == [(19.0, 2)]
    assert same_pixels(result.image, RESULT)


def test_429_keeps_failing_after_two_retries_with_the_delay_capped() -> None:
    sleeps = SleepLog()
    with (
        LoopbackServer([gemini.rate_limited("900s")] * 3) as server,
        pytest.raises(RateLimitError, match="too many requests"),
    ):
        run(provider(server, sleeps, timeout=300), edit(), key=KEY)

    assert len(server.requests) == 3
    assert sleeps.delays == [120.0, 120.0]


def test_429_with_a_daily_quota_used_up_is_a_quota_error_and_is_not_retried() -> None:
    reply = gemini.rate_limited("40s", quota_id="GenerateRequestsPerDayPerProjectPerModel-FreeTier")
    with LoopbackServer([reply, reply]) as server, pytest.raises(QuotaError, match="quota is used up"):
        run(provider(server, SleepLog()), edit(), key=KEY)
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("status", "rpc_status"), [(500, "INTERNAL"), (503, "UNAVAILABLE"), (504, "DEADLINE_EXCEEDED")]
)
def test_server_errors_are_retried_then_succeed(status: int, rpc_status: str) -> None:
    sleeps = SleepLog()
    replies = [gemini.error(status, rpc_status, "The model is overloaded."), gemini.image_answer(png_bytes(RESULT))]
    with LoopbackServer(replies) as server:
        result = run(provider(server, sleeps), edit(), key=KEY)

    assert len(server.requests) == 2
    assert len(sleeps.delays) == 1
    assert same_pixels(result.image, RESULT)


def test_server_error_three_times_names_googles_failure() -> None:
    with (
        LoopbackServer([gemini.error(503, "UNAVAILABLE", "The model is overloaded.")] * 3) as server,
        pytest.raises(ServerError, match=r"Google's servers failed.*overloaded"),
    ):
        run(provider(server, SleepLog()), edit(), key=KEY)


def test_inline_data_that_is_not_an_image_is_a_bad_response() -> None:
    answer = {"candidates": [{"content": {"parts": [{"inlineData": {"mimeType": "image/png", "data": "aGVsbG8="}}]}}]}
    with LoopbackServer([Reply.json(answer)]) as server, pytest.raises(BadResponseError, match="not an image"):
        run(provider(server, SleepLog()), edit(), key=KEY)


def test_a_200_that_is_not_json_is_a_bad_response() -> None:
    with (
        LoopbackServer([Reply(body=b"<html>proxy login</html>", headers={"content-type": "text/html"})]) as server,
        pytest.raises(BadResponseError, match="not JSON"),
    ):
        run(provider(server, SleepLog()), edit(), key=KEY)


def test_a_truncated_answer_is_retried_and_the_whole_one_is_used() -> None:
    whole = gemini.image_answer(png_bytes(RESULT))
    cut = Reply(body=whole.body, headers=whole.headers, truncate=len(whole.body) // 2)
    with LoopbackServer([cut, whole]) as server:
        result = run(provider(server, SleepLog()), edit(), key=KEY)

    assert len(server.requests) == 2
    assert same_pixels(result.image, RESULT)


def test_an_answer_truncated_every_time_is_a_connection_error() -> None:
    whole = gemini.image_answer(png_bytes(RESULT))
    cut = Reply(body=whole.body, headers=whole.headers, truncate=100)
    with LoopbackServer([cut] * 3) as server, pytest.raises(ConnectionFailedError, match="broke off"):
        run(provider(server, SleepLog()), edit(), key=KEY)


def test_no_answer_within_the_timeout_is_a_timeout_error() -> None:
    with (
        LoopbackServer([Reply(hang=True)]) as server,
        pytest.raises(ProviderTimeoutError, match="did not answer within 1 seconds"),
    ):
        run(provider(server, SleepLog(), timeout=1.0), edit(), key=KEY)


def test_400_invalid_argument_is_a_bad_request_quoting_google() -> None:
    reply = gemini.error(400, "INVALID_ARGUMENT", "Unsupported image size for this model.")
    with LoopbackServer([reply]) as server, pytest.raises(BadRequestError, match="Unsupported image size"):
        run(provider(server, SleepLog()), edit(imageSize="4K"), key=KEY)
    assert len(server.requests) == 1


def test_a_request_over_googles_payload_limit_is_a_too_large_error() -> None:
    reply = gemini.error(400, "INVALID_ARGUMENT", "Request payload size exceeds the limit: 20971520 bytes.")
    with LoopbackServer([reply]) as server, pytest.raises(TooLargeError, match="20 MB"):
        run(provider(server, SleepLog()), edit(), key=KEY)
    assert len(server.requests) == 1
