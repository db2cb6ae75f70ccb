"""The one HTTP policy every provider uses: https only, bounded retries, timeouts, size limits, progress.

A provider hands ``send`` a function that builds its request (called again for every attempt, so
bodies are rebuilt, never half-consumed), the names of the headers that carry its key, and a
classifier that turns a failed answer into a ``core.errors.ProviderError``. ``send`` returns the
answer fully read (within ``HttpPolicy.max_response_bytes``) or raises a ``core.errors`` error:

- ``asyncio.timeout`` bounds the whole call, retries included (``ProviderSettings.timeout``); httpx's own
  timeouts are per read/write, so they only add the connect timeout and a per-operation bound.
- Redirects are followed here, not by httpx, so the key headers are dropped when the target is another
  origin (scheme, host, port) and every hop is checked to be https (or loopback).
- Cancelling the task aborts the request and raises ``core.errors.CancelledError``.
- No message or log line ever contains a header value; the key lives only in the request.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from core.errors import (
    BadResponseError,
    CancelledError,
    ConfigError,
    ConnectionFailedError,
    ProviderError,
    ProviderTimeoutError,
    ServerError,
)
from core.models import ProgressEvent, ProgressSink
from providers.retry import RetryPolicy, header_delay, status_may_retry

if TYPE_CHECKING:
    from core.config import ProviderSettings

log = logging.getLogger(__name__)

MB = 1024 * 1024
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
LOOPBACK_NAMES = frozenset({"localhost", "::1"})
# Progress is reported at most this often while bytes flow, so a sink that repaints is not flooded.
PROGRESS_INTERVAL = 0.1


@dataclass(frozen=True)
class HttpPolicy:
    """Limits shared by every call; tests shrink them instead of patching anything."""

    retry: RetryPolicy = field(default_factory=RetryPolicy)
    max_response_bytes: int = 100 * MB
    max_redirects: int = 5


@dataclass(frozen=True)
class Answer:
    """A provider's answer, read completely."""

    status: int
    headers: httpx.Headers
    content: bytes
    url: str

    @property
    def content_type(self) -> str:
        value: str = self.headers.get("content-type", "")
        return value.split(";", maxsplit=1)[0].strip().lower()

    def json(self) -> Any:  # noqa: ANN401 - JSON is whatever the provider sent
        """The body as JSON, or None when it is not JSON (the caller says what it expected)."""
        try:
            return json.loads(self.content)
        except (ValueError, UnicodeDecodeError):
            return None


Classifier = Callable[[Answer], ProviderError]
RequestBuilder = Callable[[], httpx.Request]


def build_http_client() -> httpx.AsyncClient:
    """The app's one client: pooled connections, no automatic redirects (``send`` follows them)."""
    return httpx.AsyncClient(
        follow_redirects=False,
        limits=httpx.Limits(max_connections=16, max_keepalive_connections=8, keepalive_expiry=60),
        timeout=httpx.Timeout(180.0, connect=10.0),
    )


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_secure(url: httpx.URL) -> bool:
    """Https anywhere, plain http only to this computer: a key never crosses a network in clear text."""
    return url.scheme == "https" or (url.scheme == "http" and is_loopback(url.host))


def require_secure(url: httpx.URL, provider: str) -> None:
    if not is_secure(url):
        raise ConfigError(
            f"{provider}: refusing to send a request to {url.scheme}://{url.host}: only https is allowed "
            "(plain http only for servers on this computer). Fix the base_url in the settings file."
        )


def same_origin(first: httpx.URL, second: httpx.URL) -> bool:
    return (first.scheme, first.host, first.port) == (second.scheme, second.host, second.port)


class _CountingStream(httpx.AsyncByteStream):
    """Streams a request body and reports how much of it has gone out."""

    def __init__(self, inner: httpx.AsyncByteStream, total: int, progress: ProgressSink, attempt: int) -> None:
        self._inner = inner
        self._total = total
        self._progress = progress
        self._attempt = attempt

    async def __aiter__(self) -> AsyncIterator[bytes]:
        sent, last = 0, 0.0
        async for chunk in self._inner:
            sent += len(chunk)
            now = time.monotonic()
            if now - last >= PROGRESS_INTERVAL or sent >= self._total:
                last = now
                event = ProgressEvent("uploading", sent_bytes=sent, total_bytes=self._total, attempt=self._attempt)
                self._progress(event)
            yield chunk
        self._progress(ProgressEvent("waiting", attempt=self._attempt))


@dataclass
class _Call:
    """One ``send``: its inputs and the attempt counter."""

    client: httpx.AsyncClient
    provider: str
    build: RequestBuilder
    settings: ProviderSettings
    progress: ProgressSink
    classify: Classifier
    key_headers: Collection[str]
    policy: HttpPolicy
    deadline: float = 0.0

    def timeouts(self) -> dict[str, float | None]:
        total = self.settings.timeout
        return httpx.Timeout(total, connect=min(self.settings.connect_timeout, total)).as_dict()

    async def run(self) -> Answer:
        retry = self.policy.retry
        for number in range(retry.max_retries + 1):
            attempt = number + 1
            try:
                answer = await self.attempt(attempt)
            except (ConnectionFailedError, ProviderTimeoutError) as broken:
                if number >= retry.max_retries:
                    raise
                await self.wait(number, None, broken, attempt)
                continue
            if answer.status < httpx.codes.BAD_REQUEST:
                return answer
            error = self.classify(answer)
            if not (status_may_retry(answer.status) and error.retryable) or number >= retry.max_retries:
                raise error
            server_delay = getattr(error, "retry_after", None)
            if server_delay is None:
                server_delay = header_delay(answer.headers)
            await self.wait(number, server_delay, error, attempt)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def wait(self, number: int, server_delay: float | None, error: ProviderError, attempt: int) -> None:
        delay = self.policy.retry.delay(number, server_delay)
        if delay >= self.deadline - asyncio.get_running_loop().time():
            # Waiting past the total timeout would only turn the real reason into "timed out".
            raise error
        log.info("%s: attempt %d failed (%s); retrying in %.1f s", self.provider, attempt, type(error).__name__, delay)
        self.progress(ProgressEvent("retrying", retry_in=delay, attempt=attempt + 1, detail=error.message))
        await self.policy.retry.sleep(delay)

    async def attempt(self, attempt: int) -> Answer:
        request = self.build()
        original = request.url
        require_secure(request.url, self.provider)
        for _hop in range(self.policy.max_redirects + 1):
            if not is_secure(request.url):
                raise BadResponseError(
                    self.provider,
                    f"redirected to an insecure address ({request.url.scheme}://{request.url.host}); "
                    "nothing was sent there. Check the base_url in the settings file.",
                )
            request.extensions["timeout"] = self.timeouts()
            total = int(request.headers.get("content-length", "0") or 0)
            if total and isinstance(request.stream, httpx.AsyncByteStream):
                self.progress(ProgressEvent("uploading", sent_bytes=0, total_bytes=total, attempt=attempt))
                request.stream = _CountingStream(request.stream, total, self.progress, attempt)
            else:
                self.progress(ProgressEvent("waiting", attempt=attempt))
            answer = await read_limited(self.client, request, self.provider, self.policy, self.progress, attempt)
            location = answer.headers.get("location")
            if answer.status not in REDIRECT_STATUSES or not location:
                return answer
            request = self.redirected(request, original, answer, location)
        raise BadResponseError(self.provider, "redirected too many times; check the base_url in the settings file.")

    def redirected(self, request: httpx.Request, original: httpx.URL, answer: Answer, location: str) -> httpx.Request:
        target = request.url.join(location)
        if answer.status in {307, 308}:
            fresh = self.build()
            method, stream = fresh.method, fresh.stream
            headers = httpx.Headers(fresh.headers)
        else:
            # 301/302/303 turn into a GET without a body, as browsers and httpx do.
            method, stream = "GET", httpx.ByteStream(b"")
            headers = httpx.Headers(request.headers)
            for name in ("content-length", "content-type", "transfer-encoding"):
                headers.pop(name, None)
        if not same_origin(original, target):
            for name in self.key_headers:
                headers.pop(name, None)
        headers["host"] = target.netloc.decode("ascii")
        log.info("%s: redirected (%d) to %s://%s", self.provider, answer.status, target.scheme, target.host)
        return httpx.Request(method, target, headers=headers, stream=stream)


async def read_limited(
    client: httpx.AsyncClient,
    request: httpx.Request,
    provider: str,
    policy: HttpPolicy,
    progress: ProgressSink,
    attempt: int = 1,
) -> Answer:
    """Send one request and read its answer, refusing more than ``policy.max_response_bytes``."""
    limit = policy.max_response_bytes
    try:
        response = await client.send(request, stream=True, follow_redirects=False)
        try:
            declared = int(response.headers.get("content-length", "0") or 0)
            if declared > limit:
                raise _too_big(provider, limit)
            chunks: list[bytes] = []
            received, last = 0, 0.0
            # Decoded bytes are counted, so a small compressed answer cannot unpack past the limit either.
            async for chunk in response.aiter_bytes():
                received += len(chunk)
                if received > limit:
                    raise _too_big(provider, limit)
                chunks.append(chunk)
                now = time.monotonic()
                if now - last >= PROGRESS_INTERVAL:
                    last = now
                    progress(ProgressEvent("downloading", sent_bytes=received, total_bytes=declared, attempt=attempt))
            body = b"".join(chunks)
        finally:
            await response.aclose()
    except httpx.TimeoutException as error:
        raise _timeout_error(error, provider, request) from None
    except (httpx.TransportError, httpx.StreamError) as error:
        log.info("%s: transport error %s talking to %s", provider, type(error).__name__, request.url.host)
        raise ConnectionFailedError(
            provider,
            f"the connection to {request.url.host} failed or broke off ({_plain(error)}). "
            "Check your internet connection and try again.",
        ) from None
    return Answer(response.status_code, response.headers, body, str(request.url))


def _too_big(provider: str, limit: int) -> BadResponseError:
    return BadResponseError(
        provider, f"answered with more than {limit // MB} MB, which is more than any image we expect; it was not read."
    )


def _timeout_error(error: httpx.TimeoutException, provider: str, request: httpx.Request) -> ProviderTimeoutError:
    if isinstance(error, httpx.ConnectTimeout):
        return ProviderTimeoutError(
            provider, f"could not connect to {request.url.host} in time. Check your internet connection or proxy."
        )
    return ProviderTimeoutError(
        provider, "stopped answering part-way. Try again, or raise the timeout in the settings file."
    )


def _plain(error: Exception) -> str:
    """A transport error's kind in words, without its text (which may quote request details)."""
    names = {
        "ConnectError": "could not connect",
        "ReadError": "reading failed",
        "WriteError": "sending failed",
        "RemoteProtocolError": "the server closed the connection early",
        "LocalProtocolError": "the request could not be sent",
        "ProxyError": "the proxy refused",
    }
    return names.get(type(error).__name__, type(error).__name__)


async def send(
    client: httpx.AsyncClient,
    provider: str,
    build: RequestBuilder,
    settings: ProviderSettings,
    progress: ProgressSink,
    classify: Classifier,
    *,
    key_headers: Collection[str] = (),
    policy: HttpPolicy | None = None,
) -> Answer:
    """Send with the shared policy; a 2xx/3xx ``Answer``, or a ``core.errors`` error (see module doc)."""
    call = _Call(client, provider, build, settings, progress, classify, key_headers, policy or HttpPolicy())
    try:
        async with asyncio.timeout(settings.timeout):
            call.deadline = asyncio.get_running_loop().time() + settings.timeout
            return await call.run()
    except TimeoutError:
        raise ProviderTimeoutError(
            provider,
            f"did not answer within {settings.timeout:g} seconds. Try again, or raise 'timeout' for this "
            "provider in the settings file.",
        ) from None
    except asyncio.CancelledError:
        raise CancelledError(f"{provider}: cancelled; the request was stopped.") from None


def _download_error(answer: Answer, provider: str) -> ProviderError:
    if answer.status in {403, 404, 410}:
        return BadResponseError(
            provider,
            "the link to the result has expired or is not valid (it is only valid for a short time). "
            "Run the job again.",
            status=answer.status,
        )
    return ServerError(provider, f"the result could not be downloaded (HTTP {answer.status}).", status=answer.status)


async def download(
    client: httpx.AsyncClient,
    provider: str,
    url: str,
    settings: ProviderSettings,
    progress: ProgressSink,
    *,
    policy: HttpPolicy | None = None,
) -> bytes:
    """Fetch a result link (Ideogram, ``url`` answers): same limits and retries, and never a key header."""
    try:
        target = httpx.URL(url)
    except httpx.InvalidURL:
        raise BadResponseError(provider, "answered with a result link that is not a valid URL.") from None
    if not is_secure(target):
        raise BadResponseError(provider, f"answered with a result link that is not https ({target.host}); not fetched.")

    def build() -> httpx.Request:
        return httpx.Request("GET", target)

    answer = await send(
        client, provider, build, settings, progress, lambda a: _download_error(a, provider), policy=policy
    )
    if answer.status >= httpx.codes.MULTIPLE_CHOICES:
        raise _download_error(answer, provider)
    return answer.content
