"""What the HTTP policy tests share: a classifier like a provider's, and one ``send`` over loopback."""

from __future__ import annotations

import asyncio

import httpx

from core.config import ProviderSettings
from core.errors import (
    AuthError,
    ProviderError,
    QuotaError,
    RateLimitError,
    ServerError,
)
from providers.http import Answer, HttpPolicy, build_http_client, send
from providers.retry import RetryPolicy
from tests.providers.loopback import LoopbackServer, ProgressLog, SleepLog

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
