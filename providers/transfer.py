"""One request on the wire: the body streamed up with progress, the answer read down within a limit.

Transport failures become ``core.errors`` types here, in plain words and without the exception's
own text, which may quote request details. Retries, redirects and timeouts are ``providers.http``'s.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

from core.errors import BadResponseError, ConnectionFailedError, ProviderTimeoutError
from core.models import ProgressEvent, ProgressSink

log = logging.getLogger(__name__)

MB = 1024 * 1024
# Progress is reported at most this often while bytes flow, so a sink that repaints is not flooded.
PROGRESS_INTERVAL = 0.1


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


class CountingStream(httpx.AsyncByteStream):
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


async def read_limited(
    client: httpx.AsyncClient,
    request: httpx.Request,
    provider: str,
    limit: int,
    progress: ProgressSink,
    attempt: int = 1,
) -> Answer:
    """Send one request and read its answer, refusing more than ``limit`` bytes."""
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
