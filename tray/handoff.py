"""The hand-off protocol between a second ``main.py`` and the running tray: one JSON line each way.

Request ``{"action": "capture", "preset": "restyle", "from_clipboard": false}`` -> ``{"ok": true}``,
or ``{"ok": false, "error": "..."}``. Anything not exactly this shape is refused: the channel is
reachable by every program the person runs, so it is treated as untrusted input.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

MAX_LINE_BYTES = 4096
MAX_PRESET_CHARS = 200
Action = Literal["capture", "activate"]
# The fields each action takes besides "action"; anything else is refused.
FIELDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "capture": frozenset({"preset", "from_clipboard"}),
        "activate": frozenset(),
    }
)


class ProtocolError(ValueError):
    """A request or reply that breaks the protocol; the message is sent back as the error."""


@dataclass(frozen=True)
class HandOff:
    """What a second instance asks the running one to do."""

    action: Action
    preset: str | None = None
    from_clipboard: bool = False

    def to_line(self) -> bytes:
        data: dict[str, object] = {"action": self.action}
        if self.action == "capture":
            data["preset"] = self.preset
            data["from_clipboard"] = self.from_clipboard
        return json.dumps(data).encode("utf-8") + b"\n"


def parse_request(line: bytes) -> HandOff:
    """A validated request, or ``ProtocolError`` saying what is wrong with it."""
    if len(line) > MAX_LINE_BYTES:
        raise ProtocolError(f"the request is longer than {MAX_LINE_BYTES} bytes")
    try:
        data = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ProtocolError("the request is not a line of JSON") from None
    if not isinstance(data, dict):
        raise ProtocolError("the request must be a JSON object")
    action = data.get("action")
    if not isinstance(action, str) or action not in FIELDS:
        raise ProtocolError(f"unknown action (known: {', '.join(FIELDS)})")
    unknown = sorted(set(data) - {"action"} - FIELDS[action])
    if unknown:
        raise ProtocolError(f"unknown field(s) for {action}: {', '.join(unknown)[:100]}")
    preset = data.get("preset")
    if preset is not None and (not isinstance(preset, str) or not 0 < len(preset) <= MAX_PRESET_CHARS):
        raise ProtocolError(f"preset must be a name of 1 to {MAX_PRESET_CHARS} characters")
    from_clipboard = data.get("from_clipboard", False)
    if not isinstance(from_clipboard, bool):
        raise ProtocolError("from_clipboard must be true or false")
    return HandOff("capture" if action == "capture" else "activate", preset, from_clipboard)


def reply_line(error: str | None = None) -> bytes:
    data: dict[str, object] = {"ok": True} if error is None else {"ok": False, "error": error}
    return json.dumps(data).encode("utf-8") + b"\n"


def parse_reply(line: bytes) -> str | None:
    """None when the request was accepted, else the server's reason."""
    try:
        data = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ProtocolError("the running app sent a reply that is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("ok"), bool):
        raise ProtocolError("the running app sent a reply of the wrong shape")
    if data["ok"]:
        return None
    return str(data.get("error", "refused"))[:500]


class LineReader:
    """Reads lines from one connection, keeping what arrived after a newline for the next line."""

    def __init__(self, conn: socket.socket) -> None:
        self._conn = conn
        self._buffer = bytearray()

    def line(self, limit: int = MAX_LINE_BYTES) -> bytes:
        """One line without its newline; ``ProtocolError`` past ``limit`` bytes or if the peer hangs up."""
        while True:
            end = self._buffer.find(b"\n")
            if 0 <= end <= limit:
                line = bytes(self._buffer[:end])
                del self._buffer[: end + 1]
                return line
            if len(self._buffer) > limit:
                raise ProtocolError(f"the request is longer than {limit} bytes")
            chunk = self._conn.recv(limit + 1 - len(self._buffer))
            if not chunk:
                raise ProtocolError("the connection closed before a full line arrived")
            self._buffer += chunk


def read_line(conn: socket.socket, limit: int = MAX_LINE_BYTES) -> bytes:
    """One line from a connection that carries only one."""
    return LineReader(conn).line(limit)
