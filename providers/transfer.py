"""One request on the wire: the body streamed up with progress, the answer read down within a limit.

The answer is read raw and counted twice: as it arrives on the wire, and after decoding. Only one
layer of gzip or deflate is decoded, here, in bounded steps; a stacked (``gzip, gzip``) or unknown
(``br``, ``zstd``) ``Content-Encoding`` is refused unread. httpx's own decoder unpacks every layer
before anything is counted: a 2,650-byte gzip-of-gzip became 1.5 GB (issue 16, ADR 022).

``on_chunk`` (optional) sees each decoded piece of a 2xx body as it arrives, with the attempt number,
so a streamed answer (OpenAI's ``text/event-stream``, ADR 026) can show drafts while it is still
coming; every piece is still counted against the limits first, and the body is still returned whole.

Transport failures become ``core.errors`` types here, in plain words and without the exception's
own text, which may quote request details. Retries, redirects and timeouts are ``providers.http``'s.
"""

from __future__ import annotations

import json
import logging
import time
import zlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import httpx

from core.errors import BadResponseError, ConnectionFailedError, ProviderTimeoutError
from core.models import ProgressEvent, ProgressSink

log = logging.getLogger(__name__)

MB = 1024 * 1024
# Progress is reported at most this often while bytes flow, so a sink that repaints is not flooded.
PROGRESS_INTERVAL = 0.1
# The one layer we decode ourselves, with zlib's window bits for each (16+: gzip header and trailer).
INFLATE_STEP = MB
WBITS = MappingProxyType({"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS})
# (attempt, piece): the attempt number tells a reader that a new body started (a retry after a break).
ChunkHook = Callable[[int, bytes], None]


@dataclass(frozen=True)
class Answer:
    """A provider's answer, read completely."""

    status: int
    headers: httpx.Headers
    content: bytes
    url: str
    # Event-loop time by which the whole job must be done; follow-up downloads keep to it.
    deadline: float | None = None

    @property
    def content_type(self) -> str:
        value: str = self.headers.get("content-type", "")
        return value.split(";", maxsplit=1)[0].strip().lower()

    def json(self) -> Any:  # noqa: ANN401 - JSON is whatever the provider sent
        """The body as JSON, or None when it is not JSON (the caller says what it expected)."""
        try:
            return json.loads(self.content)
        except (ValueError, UnicodeDecodeError, RecursionError):
            # RecursionError: nesting deeper than the interpreter's limit (a hostile ``[[[[...``).
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
    on_chunk: ChunkHook | None = None,
) -> Answer:
    """Send one request and read its answer, refusing more than ``limit`` bytes.

    ``on_chunk`` is given the pieces of a 2xx body only (never an error's or a redirect's), after
    they were counted; what it raises (a ``core.errors`` type) ends the read.
    """
    try:
        response = await client.send(request, stream=True, follow_redirects=False)
        try:
            declared = int(response.headers.get("content-length", "0") or 0)
            if declared > limit:
                raise _too_big(provider, limit)
            inflate = _decoder(response.headers.get("content-encoding", ""), provider)
            hook = on_chunk if httpx.codes.is_success(response.status_code) else None
            chunks: list[bytes] = []
            wire, received, last = 0, 0, 0.0
            async for raw in response.aiter_raw():
                wire += len(raw)
                if wire > limit:
                    raise _too_big(provider, limit)
                # Unpacked pieces are kept as they come: joining them per chunk would hold a bomb twice.
                pieces = inflate(raw, limit - received) if inflate is not None else (raw,)
                received += sum(len(piece) for piece in pieces)
                if received > limit:
                    raise _too_big(provider, limit)
                chunks.extend(pieces)
                if hook is not None:
                    for piece in pieces:
                        hook(attempt, piece)
                now = time.monotonic()
                if now - last >= PROGRESS_INTERVAL:
                    last = now
                    progress(ProgressEvent("downloading", sent_bytes=received, total_bytes=declared, attempt=attempt))
            if inflate is not None:
                inflate.finish()
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


class _Inflater:
    """One layer of gzip or deflate, unpacked at most ``room`` bytes at a time (a bomb stops at the cap)."""

    def __init__(self, encoding: str, provider: str) -> None:
        self._engine = zlib.decompressobj(WBITS[encoding])
        self._may_be_raw = encoding == "deflate"
        self._provider = provider
        self._fed = False

    def __call__(self, data: bytes, room: int) -> list[bytes]:
        out: list[bytes] = []
        produced = 0
        self._fed = self._fed or bool(data)
        while data and not self._engine.eof:
            try:
                # At most a step at a time: one 64 KB chunk of a bomb would otherwise unpack to 64 MB at once.
                piece = self._engine.decompress(data, min(INFLATE_STEP, room - produced + 1))
            except zlib.error:
                if self._may_be_raw:
                    # "deflate" is meant to be zlib-wrapped; some servers send it raw (httpx allows both).
                    self._engine, self._may_be_raw = zlib.decompressobj(-zlib.MAX_WBITS), False
                    continue
                raise BadResponseError(self._provider, "answered with a compressed body that is broken.") from None
            self._may_be_raw = False
            produced += len(piece)
            out.append(piece)
            if produced > room:
                break
            data = self._engine.unconsumed_tail
        return out

    def finish(self) -> None:
        """A compressed body that ends before its own end marker was cut off or is garbage.

        An empty body (a redirect or 204 that still names an encoding) is no body at all, not a broken one.
        """
        if self._fed and not self._engine.eof:
            raise BadResponseError(self._provider, "answered with a compressed body that is broken or cut short.")


def _decoder(header: str, provider: str) -> _Inflater | None:
    """None for an uncompressed answer, a bounded one-layer inflater, or ``BadResponseError``."""
    layers = [part.strip().lower() for part in header.split(",") if part.strip().lower() not in {"", "identity"}]
    if not layers:
        return None
    if len(layers) > 1 or layers[0] not in WBITS:
        log.info("%s: refused Content-Encoding %r", provider, header[:60])
        raise BadResponseError(
            provider,
            f"answered in an encoding this app does not read ({' '.join(header.split())[:40]}); it was not "
            "unpacked. Check the base_url or the proxy in between.",
        )
    return _Inflater(layers[0], provider)


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
