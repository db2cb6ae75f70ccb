"""Retries against a real server on loopback: which failures, how often, after how long."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from core.errors import (
    AuthError,
    ProviderError,
    QuotaError,
    RateLimitError,
    ServerError,
)
from providers.http import Answer, build_http_client, send
from providers.retry import RetryPolicy, header_delay, retry_info_delay
from tests.providers.loopback import LoopbackServer, ProgressLog, Reply, SleepLog
from tests.providers.send_helpers import fast_policy, run_send, settings_for


def test_429_is_retried_after_the_servers_retry_after_seconds() -> None:
    sleeps, progress = SleepLog(), ProgressLog()
    replies = [Reply(status=429, headers={"retry-after": "7"}), Reply.image(b"ok")]
    with LoopbackServer(replies) as server:
        answer = run_send(server, policy=fast_policy(sleeps), progress=progress, timeout=30)
    assert answer.content == b"ok"
    assert sleeps.delays == [7.0]
    retrying = [e for e in progress.events if e.stage == "retrying"]
    assert [(e.retry_in, e.attempt) for e in retrying] == [(7.0, 2)]
    assert len(server.requests) == 2


def test_a_server_delay_longer_than_the_time_left_reports_the_rate_limit_at_once() -> None:
    sleeps = SleepLog()
    replies = [Reply(status=429, headers={"retry-after": "60"}), Reply.image(b"ok")]
    with LoopbackServer(replies) as server, pytest.raises(RateLimitError):
        run_send(server, policy=fast_policy(sleeps), timeout=5)
    assert sleeps.delays == []
    assert len(server.requests) == 1


def test_a_delay_carried_by_the_error_wins_over_headers() -> None:
    """Google puts its RetryInfo delay in the body; its classifier hands it over on the error."""
    sleeps = SleepLog()

    def with_retry_info(answer: Answer) -> ProviderError:
        return RateLimitError("Test", "busy", retry_after=retry_info_delay(answer.json()))

    body = {"error": {"details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "4s"}]}}

    async def go(server: LoopbackServer) -> Answer:
        async with build_http_client() as client:
            return await send(
                client, "Test", lambda: client.build_request("GET", server.url), settings_for(server),
                ProgressLog(), with_retry_info, policy=fast_policy(sleeps),
            )  # fmt: skip

    with LoopbackServer([Reply.json(body, status=429, headers={"retry-after": "9"}), Reply.image(b"ok")]) as server:
        assert asyncio.run(go(server)).content == b"ok"
    assert sleeps.delays == [4.0]


def test_retry_after_ms_wins_over_retry_after() -> None:
    sleeps = SleepLog()
    replies = [Reply(status=503, headers={"retry-after-ms": "1500", "retry-after": "9"}), Reply.image(b"ok")]
    with LoopbackServer(replies) as server:
        run_send(server, policy=fast_policy(sleeps))
    assert sleeps.delays == [1.5]


def test_500_then_success_backs_off_exponentially_without_a_server_delay() -> None:
    sleeps = SleepLog()
    with LoopbackServer([Reply(status=500), Reply(status=502), Reply.image(b"ok")]) as server:
        answer = run_send(server, policy=fast_policy(sleeps))
    assert answer.content == b"ok"
    assert len(sleeps.delays) == 2
    assert 0.375 <= sleeps.delays[0] <= 0.5
    assert 0.75 <= sleeps.delays[1] <= 1.0


def test_server_errors_are_retried_at_most_twice() -> None:
    with LoopbackServer([Reply(status=500)] * 4) as server, pytest.raises(ServerError):
        run_send(server)
    assert len(server.requests) == 3


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (Reply(status=401), AuthError),
        (Reply(status=429, body=b'{"error":{"code":"insufficient_quota"}}'), QuotaError),
        (Reply(status=400), ProviderError),
        (Reply(status=403), ProviderError),
        (Reply(status=422), ProviderError),
    ],
)
def test_billed_or_hopeless_failures_are_never_retried(reply: Reply, error: type[ProviderError]) -> None:
    with LoopbackServer([reply, Reply.image(b"ok")]) as server, pytest.raises(error):
        run_send(server)
    assert len(server.requests) == 1


def test_retry_after_as_an_http_date_counts_from_now() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert header_delay({"retry-after": later}, now) == 30
    assert header_delay({"retry-after": "garbage"}, now) is None
    assert header_delay({}, now) is None


def test_google_retry_info_delay_is_read_from_error_details() -> None:
    body = {"error": {"details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "19s"}]}}
    assert retry_info_delay(body) == 19
    assert retry_info_delay({"error": {"details": []}}) is None


def test_server_delays_are_capped_at_120_seconds() -> None:
    assert RetryPolicy().delay(0, 3600) == 120
