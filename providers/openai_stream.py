"""OpenAI's streamed answers: drafts of the result while it is made (partial images), then the result.

Shapes confirmed against the ``openai`` Python package 3.51.0 (PyPI, 2026-11, generated from OpenAI's
spec; read 2026-12-01): ``types/image_edit_stream_event.py`` is a union discriminated on ``type`` of
``image_edit_partial_image_event.py`` (``type: "image_edit.partial_image"``, ``b64_json``,
``partial_image_index`` 0-based, with background, created_at, output_format, quality, size) and
``image_edit_completed_event.py`` (``type: "image_edit.completed"``, the final ``b64_json`` and
``usage``); generations use ``image_gen_*`` with ``image_generation.partial_image|completed``.
``image_edit_params.py``: ``partial_images`` 0-3 ("the final image may be sent before the full number
of partial images"). The SDK's ``Stream`` reads the JSON ``data`` and raises on an ``error`` member;
so do we. ../shared/PROVIDERS.md (2026-12-01) says the same of ``text/event-stream``.

A draft is decoded like a result (``providers.images``: PNG/JPEG/WebP only, pixel caps), cut to the
crop like the result (``fitting.unframe``) and shrunk to a thumbnail; it reaches the person as a
``ProgressEvent`` with ``preview``. Only the ``completed`` image is the result (ADR 026).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.errors import BadResponseError, BlockedError, ProviderError, ServerError
from core.models import ProgressEvent, Usage
from providers import fitting
from providers.images import decode_base64, decode_image
from providers.openai_wire import ResultItem, usage_of
from providers.sse import LineTooLongError, SseEvent, SseParser

if TYPE_CHECKING:
    from core.models import ProgressSink
    from providers.http import Answer
    from providers.sizing import Plan

log = logging.getLogger(__name__)

DEFAULT_DRAFTS = 2
THUMBNAIL = (160, 160)
# A draft is a preview: one of a few megapixels at most (a 3840x2160 frame is 8.3 MP).
MAX_DRAFT_PIXELS = 10_000_000
# How an event stream can begin (WHATWG field names, or a comment); anything else is not read as one.
SSE_STARTS = (b"event:", b"data:", b"id:", b"retry:", b":")
SNIFF_BYTES = len(b"retry:")
# "stream" as a word (not "upstream"), or the parameter's name, in a 400's param or message.
NAMES_STREAMING = re.compile(r"\bstream(ing)?\b|partial_images", re.IGNORECASE)


@dataclass
class StreamingSupport:
    """Which (base_url, model) refused streaming in this session, so later jobs do not try again.

    Built once where the app starts (main.py) and handed to every OpenAI provider it makes; a provider
    made without one remembers only within its own job (ADR 026).
    """

    refused: set[tuple[str, str]] = field(default_factory=set)

    def allows(self, base_url: str, model: str) -> bool:
        return (base_url, model) not in self.refused

    def remember_refusal(self, base_url: str, model: str) -> None:
        self.refused.add((base_url, model))


def drafts_to_ask(options: dict[str, object], *, by_default: bool, n: object) -> int:
    """How many partial images to ask for (0: a plain request); ``stream``/``partial_images`` are taken out.

    The person's ``stream: false`` or ``partial_images: 0`` wins; several images per job (``n`` > 1)
    are not streamed, as how their drafts interleave is not documented.
    """
    stream = options.pop("stream", None)
    partial = options.pop("partial_images", None)
    if stream is False or partial == 0 or (isinstance(n, int) and n > 1):
        return 0
    if stream is not True and not by_default:
        return 0
    return partial if isinstance(partial, int) and not isinstance(partial, bool) else DEFAULT_DRAFTS


def refuses_streaming(answer: Answer) -> bool:
    """A 400 that names ``stream`` or ``partial_images``: this model or server does not stream."""
    if answer.status != 400:  # noqa: PLR2004 - Bad Request, the only refusal that means "not this option"
        return False
    body = answer.json()
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return bool(NAMES_STREAMING.search(answer.content[:2000].decode("utf-8", errors="replace")))
    said = f"{error.get('param') or ''} {error.get('code') or ''} {error.get('message') or ''}"
    return bool(NAMES_STREAMING.search(said))


class Drafts:
    """Reads one streamed answer as it arrives (``send(on_chunk=drafts.feed)``) and reports each draft."""

    def __init__(self, provider: str, prefix: str, asked: int, plan: Plan | None, progress: ProgressSink) -> None:
        self._provider = provider
        self._prefix = prefix
        self._asked = asked
        self._plan = plan
        self._progress = progress
        self._attempt = 0
        self._parser = SseParser()
        self._finals: list[ResultItem] = []
        # The completed event's ``usage`` (issue 18): what this answer says it billed.
        self.usage: Usage | None = None
        # None until the body's first bytes show whether it is an event stream at all.
        self._is_stream: bool | None = None
        self._head = b""
        # Set by the request's classifier when a 400 named streaming (``refuses_streaming``).
        self.refused = False

    def feed(self, attempt: int, piece: bytes) -> None:
        if attempt != self._attempt:
            # A new body (a retry after a broken connection): nothing of the last one counts.
            self._attempt, self._parser, self._finals = attempt, SseParser(), []
            self.usage = None
            self._is_stream, self._head = None, b""
        if self._is_stream is None:
            # A server that ignored ``stream`` answers JSON (read whole afterwards): it is not buffered a
            # second time here, where one long line would double the memory of a 100 MB answer.
            self._head += piece
            head = self._head.lstrip()
            if len(head) < SNIFF_BYTES and not head.startswith(b":"):
                return
            self._is_stream, piece, self._head = head.startswith(SSE_STARTS), self._head, b""
        if not self._is_stream:
            return
        try:
            events = self._parser.feed(piece)
        except LineTooLongError:
            raise BadResponseError(
                self._provider, "answered a streamed event larger than any image we expect; it was not read."
            ) from None
        for event in events:
            self._event(event)

    def items(self) -> list[ResultItem]:
        """The final image(s), or ``BadResponseError`` when the stream ended before one came."""
        if not self._finals:
            raise BadResponseError(self._provider, "the streamed answer ended before the final image came. Try again.")
        return list(self._finals)

    def _event(self, event: SseEvent) -> None:
        if event.data.strip() in {"", "[DONE]"}:
            return
        try:
            data = json.loads(event.data)
        except (ValueError, RecursionError):
            raise BadResponseError(self._provider, "answered a streamed event that is not JSON.") from None
        if not isinstance(data, dict):
            raise BadResponseError(self._provider, "answered a streamed event that is not an object.")
        if event.event == "error" or data.get("error") is not None or data.get("type") == "error":
            raise _stream_error(data, self._provider)
        kind = data.get("type")
        if kind == f"{self._prefix}.partial_image":
            self._draft(data)
        elif kind == f"{self._prefix}.completed":
            self._finals.append(ResultItem(data=decode_base64(data.get("b64_json"), self._provider)))
            self.usage = usage_of(data) or self.usage
        else:
            # A newer event kind this version does not know: not an error, just not ours to show.
            log.debug("%s: streamed event of type %.40r ignored", self._provider, kind)

    def _draft(self, data: dict[str, object]) -> None:
        blob = decode_base64(data.get("b64_json"), self._provider)
        image = decode_image(blob, self._provider, max_pixels=MAX_DRAFT_PIXELS)
        if self._plan is not None:
            image = fitting.unframe(image, self._plan)
        image.thumbnail(THUMBNAIL)
        index = data.get("partial_image_index")
        number = index + 1 if isinstance(index, int) and not isinstance(index, bool) and index >= 0 else 1
        detail = f"draft {min(number, self._asked)} of {self._asked}"
        log.info("%s: %s received", self._provider, detail)
        self._progress(ProgressEvent("waiting", attempt=self._attempt, detail=detail, preview=image))


def _stream_error(data: dict[str, object], provider: str) -> ProviderError:
    error = data.get("error")
    fields = error if isinstance(error, dict) else {}
    code = str(fields.get("code") or "")
    code = code if re.fullmatch(r"[a-z0-9_.-]{1,60}", code) else ""
    if code == "moderation_blocked":
        return BlockedError(
            provider, "the safety system blocked this request. Change the prompt or the image and try again."
        )
    # The message is not quoted: it is not checked for the key the way error answers are.
    return ServerError(provider, f"stopped while making the image ({code or 'an error in the stream'}). Try again.")
