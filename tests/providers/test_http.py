"""The shared HTTP policy against a real server on loopback: timeouts, limits, redirects, cancel, download."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest

from core.config import ProviderSettings
from core.errors import (
    BadResponseError,
    CancelledError,
    ConfigError,
    ConnectionFailedError,
    ProviderTimeoutError,
)
from providers.http import build_http_client, download, is_loopback, send
from tests.providers.loopback import LoopbackServer, ProgressLog, Reply, wait_until
from tests.providers.send_helpers import KEY, MB, classify, fast_policy, run_send, settings_for


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


def test_one_client_reuses_its_connection_across_calls() -> None:
    async def twice(server: LoopbackServer) -> None:
        async with build_http_client() as client:
            for _ in range(2):
                await send(
                    client, "Test", lambda: client.build_request("GET", server.url), settings_for(server),
                    ProgressLog(), classify,
                )  # fmt: skip

    with LoopbackServer([Reply.image(b"a"), Reply.image(b"b")]) as server:
        asyncio.run(twice(server))
    first, second = server.requests
    assert first.peer_port == second.peer_port


@contextmanager
def port_that_never_connects() -> Iterator[int]:
    """A listening port whose accept queue is full: Linux drops further SYNs, so connects hang."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = [socket.socket() for _ in range(4)]
    for filler in fillers:
        filler.setblocking(False)
        with suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
    try:
        yield port
    finally:
        for sock in [*fillers, server]:
            sock.close()


def test_the_connect_timeout_bounds_each_attempt_and_says_could_not_connect() -> None:
    with port_that_never_connects() as port:
        url = f"http://127.0.0.1:{port}/"
        settings = ProviderSettings("test", base_url=url, timeout=20, connect_timeout=0.3)

        async def go() -> None:
            async with build_http_client() as client:
                await send(
                    client, "Test", lambda: client.build_request("GET", url), settings, ProgressLog(), classify,
                    policy=fast_policy(),
                )  # fmt: skip

        started = time.monotonic()
        with pytest.raises(ProviderTimeoutError, match=r"could not connect to 127\.0\.0\.1 in time"):
            asyncio.run(go())
    # Three attempts of 0.3 s each, far below the 20 s total.
    assert time.monotonic() - started < 5
