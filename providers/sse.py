"""Server-sent events (``text/event-stream``) read piece by piece, as the pieces arrive.

The WHATWG rules (html.spec.whatwg.org, "Interpreting an event stream"): lines end in LF or CRLF;
a blank line ends an event; ``event:`` names it, ``data:`` lines are joined with newlines, a line
starting with ``:`` is a comment (a keep-alive), other fields are ignored; one space after the
colon is dropped. An event still open when the body ends is dropped, as the spec says: a stream cut
off in the middle of an image never yields half of it. A lone CR as a line end is not handled
(OpenAI and every server we talk to send LF).

How much is buffered is bounded by the caller: ``providers.transfer`` stops a body at its byte cap.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SseEvent:
    """One event: its name (``message`` when the stream named none) and its data."""

    event: str
    data: str


class SseParser:
    """Feed it pieces of a body; it returns the events each piece completed."""

    def __init__(self) -> None:
        self._line: list[bytes] = []
        self._event = ""
        self._data: list[str] = []

    def feed(self, piece: bytes) -> list[SseEvent]:
        done: list[SseEvent] = []
        *complete, rest = piece.split(b"\n")
        for part in complete:
            # Joined only once a line is whole: a 2 MB base64 line in 64 KB pieces is copied once.
            line = b"".join((*self._line, part))
            self._line = []
            event = self._line_done(line.removesuffix(b"\r"))
            if event is not None:
                done.append(event)
        if rest:
            self._line.append(rest)
        return done

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
