"""The one HTTP policy every provider uses: https only, bounded retries, timeouts, size limits, progress.

A provider hands ``send`` a function that builds its request (called again for every attempt, so
bodies are rebuilt, never half-consumed), the names of the headers that carry its key, and a
classifier that turns a failed answer into a ``core.errors.ProviderError``. ``send`` returns the
answer fully read (within ``HttpPolicy.max_response_bytes``) or raises a ``core.errors`` error:

- ``asyncio.timeout_at`` bounds the whole job, retries included (``ProviderSettings.timeout``): the
  ``Answer`` carries that deadline and ``download`` of its result links keeps to it (issue 16); httpx's
  own timeouts are per read/write, so they only add the connect timeout and a per-operation bound.
- Redirects are followed here, not by httpx, so every credential (the key headers, Authorization,
  Cookie, URL userinfo) is dropped when the target is another origin (scheme, host, port) and every
  hop is checked to be https (or loopback) on a real port.
- Answers are asked for without compression and read by ``providers.transfer`` within a limit on the
  wire and after decoding; loopback hosts never go through a proxy (``providers.proxies``, ADR 022).
- Cancelling the task aborts the request and raises ``core.errors.CancelledError``.
- No message or log line ever contains a header value; the key lives only in the request.

Streaming one request up and its answer down is ``providers.transfer``'s job; ``Answer`` lives there.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import httpx

from core.errors import (
    BadResponseError,
    CancelledError,
    ConnectionFailedError,
    ProviderError,
    ProviderTimeoutError,
    ServerError,
)
from core.models import ProgressEvent, ProgressSink
from providers.proxies import RoutedTransport, has_real_port, is_loopback, is_secure, require_secure, same_origin
from providers.redact import key_variants, success_without_secrets, without_secrets
from providers.retry import RetryPolicy, header_delay, status_may_retry
from providers.transfer import Answer, ChunkHook, CountingStream, read_limited

if TYPE_CHECKING:
    from core.config import ProviderSettings

__all__ = [
    "Answer",
    "ChunkHook",
    "Classifier",
    "HttpPolicy",
    "RequestBuilder",
    "build_http_client",
    "download",
    "has_real_port",
    "is_loopback",
    "is_secure",
    "require_secure",
    "same_origin",
    "send",
]

log = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Never carried to another origin, whatever the provider's own key header is called.
CREDENTIAL_HEADERS = ("authorization", "proxy-authorization", "cookie")


@dataclass(frozen=True)
class HttpPolicy:
    """Limits shared by every call; tests shrink them instead of patching anything."""

    retry: RetryPolicy = field(default_factory=RetryPolicy)
    max_response_bytes: int = 100 * 1024 * 1024
    max_redirects: int = 5


Classifier = Callable[[Answer], ProviderError]
RequestBuilder = Callable[[], httpx.Request]


def build_http_client(env: Mapping[str, str] | None = None) -> httpx.AsyncClient:
    """The app's one client: pooled connections, no automatic redirects (``send`` follows them).

    ``trust_env=False``: proxies are chosen by ``providers.proxies`` (never for loopback) and no
    ``.netrc`` password is ever added to a request.
    """
    limits = httpx.Limits(max_connections=16, max_keepalive_connections=8, keepalive_expiry=60)
    return httpx.AsyncClient(
        follow_redirects=False,
        transport=RoutedTransport(os.environ if env is None else env, limits),
        trust_env=False,
        timeout=httpx.Timeout(180.0, connect=10.0),
    )


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
    secrets: tuple[str, ...] = ()
    on_chunk: ChunkHook | None = None

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
                # Parsers quote a 2xx's text too (Gemini's text parts in a refusal), so it is blanked as well.
                return success_without_secrets(answer, self.secrets)
            error = self.classify(without_secrets(answer, self.secrets))
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
        # A server may echo the key back in its error text, which classifiers quote (issues 6, 16).
        self.secrets = key_variants(request.headers[name] for name in self.key_headers if name in request.headers)
        for _hop in range(self.policy.max_redirects + 1):
            if not is_secure(request.url):
                raise BadResponseError(
                    self.provider,
                    f"redirected to an insecure address ({request.url.scheme}://{request.url.host}); "
                    "nothing was sent there. Check the base_url in the settings file.",
                )
            # No compression asked for: the answer is counted as it arrives, with nothing to unpack (issue 16).
            request.headers["accept-encoding"] = "identity"
            request.extensions["timeout"] = self.timeouts()
            total = int(request.headers.get("content-length", "0") or 0)
            if total and isinstance(request.stream, httpx.AsyncByteStream):
                self.progress(ProgressEvent("uploading", sent_bytes=0, total_bytes=total, attempt=attempt))
                request.stream = CountingStream(request.stream, total, self.progress, attempt)
            else:
                self.progress(ProgressEvent("waiting", attempt=attempt))
            answer = await read_limited(
                self.client, request, self.provider, self.policy.max_response_bytes, self.progress, attempt,
                on_chunk=self.on_chunk,
            )  # fmt: skip
            location = answer.headers.get("location")
            if answer.status not in REDIRECT_STATUSES or not location:
                return answer
            request = self.redirected(request, original, answer, location)
        raise BadResponseError(self.provider, "redirected too many times; check the base_url in the settings file.")

    def redirected(self, request: httpx.Request, original: httpx.URL, answer: Answer, location: str) -> httpx.Request:
        try:
            target = request.url.join(location)
        except (httpx.InvalidURL, ValueError):
            target = None
        if target is None or not target.host or not has_real_port(target):
            raise BadResponseError(
                self.provider, "redirected to an address that is not valid; nothing was sent there. Check the base_url."
            )
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
            for name in (*self.key_headers, *CREDENTIAL_HEADERS):
                headers.pop(name, None)
            # httpx turns URL userinfo into Basic auth on send: another origin gets none of it.
            target = target.copy_with(userinfo=b"")
        headers["host"] = target.netloc.decode("ascii")
        log.info("%s: redirected (%d) to %s://%s", self.provider, answer.status, target.scheme, target.host)
        return httpx.Request(method, target, headers=headers, stream=stream)


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
    deadline: float | None = None,
    on_chunk: ChunkHook | None = None,
) -> Answer:
    """Send with the shared policy; a 2xx/3xx ``Answer``, or a ``core.errors`` error (see module doc).

    ``deadline`` (event-loop time) is the job's, when this call is part of one already under way.
    ``on_chunk`` sees a 2xx body's pieces as they arrive (``providers.transfer.read_limited``).
    """
    call = _Call(client, provider, build, settings, progress, classify, key_headers, policy or HttpPolicy())
    call.on_chunk = on_chunk
    call.deadline = deadline if deadline is not None else asyncio.get_running_loop().time() + settings.timeout
    try:
        async with asyncio.timeout_at(call.deadline):
            return replace(await call.run(), deadline=call.deadline)
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
    deadline: float | None = None,
) -> bytes:
    """Fetch a result link (Ideogram, ``url`` answers): same limits and retries, and never a key header.

    Pass the answer's ``deadline``: the links are part of the job, not a new one (issue 16).
    """
    try:
        target = httpx.URL(url)
    except httpx.InvalidURL:
        raise BadResponseError(provider, "answered with a result link that is not a valid URL.") from None
    if not is_secure(target):
        raise BadResponseError(provider, f"answered with a result link that is not https ({target.host}); not fetched.")
    if not has_real_port(target) or not target.host:
        raise BadResponseError(provider, "answered with a result link that is not a valid URL.")

    def build() -> httpx.Request:
        return httpx.Request("GET", target)

    answer = await send(
        client, provider, build, settings, progress, lambda a: _download_error(a, provider),
        policy=policy, deadline=deadline,
    )  # fmt: skip
    if answer.status >= httpx.codes.MULTIPLE_CHOICES:
        raise _download_error(answer, provider)
    return answer.content
