"""Server-sent events (``text/event-stream``) read piece by piece, as the pieces arrive.

The WHATWG rules (html.spec.whatwg.org, "Interpreting an event stream"): lines end in LF or CRLF;
a blank line ends an event; ``event:`` names it, ``data:`` lines are joined with newlines, a line
starting with ``:`` is a comment (a keep-alive), other fields are ignored; one space after the
colon is dropped. An event still open when the body ends is dropped, as the spec says: a stream cut
off in the middle of an image never yields half of it. A lone CR as a line end is not handled
(OpenAI and every server we talk to send LF).

The body is bounded by the caller (``providers.transfer`` stops it at its byte cap) and kept there
whole; an unfinished line is held here as views into those same pieces, not copied, so a hostile
answer that never ends its line costs nothing twice. One line may hold at most ``max_line`` bytes
(a base64 image; 64 MB is twice the largest PNG of an 8.3 MP result): longer is ``LineTooLongError``.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_LINE = 64 * 1024 * 1024


class LineTooLongError(ValueError):
    """A line longer than the parser's ``max_line``; the caller says it in its own words."""


@dataclass(frozen=True)
class SseEvent:
    """One event: its name (``message`` when the stream named none) and its data."""

    event: str
    data: str


class SseParser:
    """Feed it pieces of a body; it returns the events each piece completed."""

    def __init__(self, max_line: int = MAX_LINE) -> None:
        self._line: list[memoryview] = []
        self._held = 0
        self._max_line = max_line
        self._event = ""
        self._data: list[str] = []

    def feed(self, piece: bytes) -> list[SseEvent]:
        done: list[SseEvent] = []
        view, start = memoryview(piece), 0
        while (end := piece.find(b"\n", start)) >= 0:
            self._hold(end - start)
            # Joined only once a line is whole: a 2 MB base64 line in 64 KB pieces is copied once.
            line = b"".join((*self._line, view[start:end]))
            self._line, self._held, start = [], 0, end + 1
            event = self._line_done(line.removesuffix(b"\r"))
            if event is not None:
                done.append(event)
        if start < len(piece):
            self._hold(len(piece) - start)
            self._line.append(view[start:])
        return done

    def _hold(self, count: int) -> None:
        self._held += count
        if self._held > self._max_line:
            raise LineTooLongError(f"a line of more than {self._max_line} bytes")

    def _line_done(self, raw: bytes) -> SseEvent | None:
        line = raw.decode("utf-8", errors="replace")
        if not line:
            if not self._data and not self._event:
                return None
            event = SseEvent(self._event or "message", "\n".join(self._data))
            self._event, self._data = "", []
            return event
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        return None
