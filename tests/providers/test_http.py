"""The shared HTTP policy against a real server on loopback: retries, limits, timeouts, redirects, cancel."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from core.config import ProviderSettings
from core.errors import (
    AuthError,
    BadResponseError,
    CancelledError,
    ConfigError,
    ConnectionFailedError,
    ProviderError,
    ProviderTimeoutError,
    QuotaError,
    RateLimitError,
    ServerError,
)
from providers.http import Answer, HttpPolicy, build_http_client, download, is_loopback, send
from providers.retry import RetryPolicy, header_delay, retry_info_delay
from tests.providers.loopback import LoopbackServer, ProgressLog, Reply, SleepLog, wait_until

KEY = "sk-test-secret-key-123456"
MB = 1024 * 1024


def settings_for(server: LoopbackServer, timeout: float = 5.0) -> ProviderSettings:
    return ProviderSettings("test", base_url=server.url, timeout=timeout, connect_timeout=2.0)


def classify(answer: Answer) -> ProviderError:
    """A classifier like a provider's: enough kinds to prove which ones are retried."""
    if answer.status == 401:
        return AuthError("Test", "bad key", status=401)
    if answer.status == 429 and b"insufficient_quota" in answer.content:
        return QuotaError("Test", "out of quota", status=429)
    if answer.status == 429:
        return RateLimitError("Test", "slow down")
    if answer.status >= 500:
        return ServerError("Test", "server failed", status=answer.status)
    return ProviderError("Test", f"HTTP {answer.status}", status=answer.status)


def run_send(
    server: LoopbackServer,
    *,
    body: bytes = b"",
    timeout: float = 5.0,
    policy: HttpPolicy | None = None,
    progress: ProgressLog | None = None,
    path: str = "/v1/things",
) -> Answer:
    async def go() -> Answer:
        async with build_http_client() as client:

            def build() -> httpx.Request:
                return client.build_request(
                    "POST", server.url + path, content=body, headers={"authorization": f"Bearer {KEY}"}
                )

            return await send(
                client,
                "Test",
                build,
                settings_for(server, timeout),
                progress or ProgressLog(),
                classify,
                key_headers=("authorization",),
                policy=policy or fast_policy(),
            )

    return asyncio.run(go())


def fast_policy(sleeps: SleepLog | None = None, **limits: int) -> HttpPolicy:
    return HttpPolicy(retry=RetryPolicy(sleep=sleeps or SleepLog()), **limits)


def test_upload_and_download_progress_is_reported_with_byte_counts() -> None:
    body = b"x" * (3 * MB)
    progress = ProgressLog()
    with LoopbackServer([Reply.image(b"y" * (2 * MB))]) as server:
        answer = run_send(server, body=body, progress=progress)
    assert answer.status == 200
    assert answer.content == b"y" * (2 * MB)
    assert server.requests[0].body == body
    uploads = [e for e in progress.events if e.stage == "uploading"]
    assert uploads[0].sent_bytes == 0
    assert uploads[-1].sent_bytes == uploads[-1].total_bytes == len(body)
    stages = progress.stages()
    assert stages.index("waiting") > stages.index("uploading")


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


def test_a_slow_answer_within_the_total_timeout_is_waited_for() -> None:
    progress = ProgressLog()
    with LoopbackServer([Reply(delay=0.3, body=b"late but fine")]) as server:
        answer = run_send(server, timeout=2, progress=progress)
    assert answer.content == b"late but fine"
    assert "waiting" in progress.stages()


def test_the_total_timeout_ends_a_hanging_server_and_names_the_setting() -> None:
    started = time.monotonic()
    with LoopbackServer([Reply(hang=True)]) as server, pytest.raises(ProviderTimeoutError) as caught:
        run_send(server, timeout=0.4)
    assert time.monotonic() - started < 3
    assert "0.4 seconds" in str(caught.value)
    assert "timeout" in str(caught.value)


def test_a_trickling_answer_cannot_outlast_the_total_timeout() -> None:
    trickle = Reply(body=b"z" * 100, chunk=1, trickle=0.05)
    started = time.monotonic()
    with LoopbackServer([trickle]) as server, pytest.raises(ProviderTimeoutError):
        run_send(server, timeout=0.5)
    assert time.monotonic() - started < 3


def test_a_truncated_body_is_a_broken_connection_retried_then_reported() -> None:
    replies = [Reply(body=b"a" * 1000, truncate=100)] * 3
    with LoopbackServer(replies) as server, pytest.raises(ConnectionFailedError) as caught:
        run_send(server)
    assert len(server.requests) == 3
    assert "broke off" in str(caught.value)


def test_a_truncated_body_then_a_good_one_succeeds() -> None:
    with LoopbackServer([Reply(body=b"a" * 1000, truncate=10), Reply.image(b"ok")]) as server:
        assert run_send(server).content == b"ok"


def test_a_reset_connection_is_reported_in_plain_words_without_the_key() -> None:
    with LoopbackServer([Reply(reset=True)] * 3) as server, pytest.raises(ConnectionFailedError) as caught:
        run_send(server)
    assert KEY not in str(caught.value)
    assert "internet connection" in str(caught.value)


def test_an_unreachable_server_is_a_connection_failure() -> None:
    server = LoopbackServer()
    port_url = server.url
    server.stop()
    settings = ProviderSettings("test", base_url=port_url, timeout=5, connect_timeout=1)

    async def go() -> None:
        async with build_http_client() as client:
            await send(
                client,
                "Test",
                lambda: client.build_request("GET", port_url),
                settings,
                ProgressLog(),
                classify,
                policy=fast_policy(),
            )

    with pytest.raises(ConnectionFailedError, match="could not connect"):
        asyncio.run(go())


def test_a_declared_200_mb_answer_is_refused_before_it_is_read() -> None:
    huge = Reply(body=b"x" * 1024, headers={"content-length": str(200 * MB)})
    with LoopbackServer([huge]) as server, pytest.raises(BadResponseError, match="more than 100 MB"):
        run_send(server, policy=fast_policy())


def test_an_undeclared_answer_is_cut_off_at_the_limit() -> None:
    big = Reply(body=b"x" * (3 * MB), chunked=True)
    with LoopbackServer([big]) as server, pytest.raises(BadResponseError, match="more than 1 MB"):
        run_send(server, policy=fast_policy(max_response_bytes=MB))


def test_plain_http_to_another_computer_is_refused_before_sending() -> None:
    async def go() -> None:
        async with build_http_client() as client:
            settings = ProviderSettings("test", base_url="http://example.com")
            await send(
                client,
                "Test",
                lambda: client.build_request("GET", "http://example.com/v1", headers={"authorization": KEY}),
                settings,
                ProgressLog(),
                classify,
            )

    with pytest.raises(ConfigError, match="only https") as caught:
        asyncio.run(go())
    assert KEY not in str(caught.value)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.5.6.7", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("10.0.0.1", False),
        ("localhost.evil.com", False),
        ("example.com", False),
    ],
)
def test_loopback_means_this_computer_only(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("status", [302, 307])
def test_a_redirect_to_another_origin_does_not_carry_the_key(status: int) -> None:
    with LoopbackServer([Reply.image(b"moved")]) as other:
        redirect = Reply(status=status, headers={"location": other.url + "/elsewhere"})
        with LoopbackServer([redirect]) as server:
            answer = run_send(server, body=b"payload")
    assert answer.content == b"moved"
    assert server.requests[0].headers["authorization"] == f"Bearer {KEY}"
    assert "authorization" not in other.requests[0].headers
    assert other.requests[0].method == ("POST" if status == 307 else "GET")
    assert other.requests[0].body == (b"payload" if status == 307 else b"")


def test_a_redirect_on_the_same_origin_keeps_the_key() -> None:
    with LoopbackServer([Reply(status=308, headers={"location": "/v1/new"}), Reply.image(b"ok")]) as server:
        run_send(server, body=b"payload")
    assert server.requests[1].path == "/v1/new"
    assert server.requests[1].headers["authorization"] == f"Bearer {KEY}"


def test_cancelling_the_task_aborts_the_request_and_says_cancelled() -> None:
    async def go(server: LoopbackServer) -> float:
        async with build_http_client() as client:
            task = asyncio.create_task(
                send(
                    client,
                    "Test",
                    lambda: client.build_request("GET", server.url),
                    settings_for(server, 30),
                    ProgressLog(),
                    classify,
                )
            )
            assert await asyncio.to_thread(wait_until, lambda: bool(server.requests))
            started = time.monotonic()
            task.cancel()
            with pytest.raises(CancelledError):
                await task
            return time.monotonic() - started

    with LoopbackServer([Reply(hang=True)]) as server:
        assert asyncio.run(go(server)) < 2


def run_download(url: str, server: LoopbackServer) -> bytes:
    async def go() -> bytes:
        async with build_http_client() as client:
            return await download(client, "Test", url, settings_for(server), ProgressLog(), policy=fast_policy())

    return asyncio.run(go())


def test_download_fetches_a_result_link_without_any_key() -> None:
    with LoopbackServer([Reply.image(b"result")]) as server:
        assert run_download(server.url + "/r/1.png", server) == b"result"
    headers = server.requests[0].headers
    assert not {"authorization", "api-key", "x-api-key", "x-goog-api-key"} & set(headers)


@pytest.mark.parametrize("status", [403, 404])
def test_download_of_an_expired_link_says_run_again_and_is_not_retried(status: int) -> None:
    with LoopbackServer([Reply(status=status)]) as server, pytest.raises(BadResponseError, match="expired"):
        run_download(server.url + "/r/1.png", server)
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
