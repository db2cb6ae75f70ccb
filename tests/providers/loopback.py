"""A real HTTP server on 127.0.0.1, in a thread, that answers from a script: the provider stand-in for tests.

Use::

    with LoopbackServer([Reply.json({"data": [...]}), Reply(status=500)]) as server:
        settings = ProviderSettings("openai", base_url=server.url + "/v1", timeout=5)
        ...                                   # run the client against server.url
        assert server.requests[0].path == "/v1/images/edits"

- ``Reply`` is one scripted answer; replies are used in order, one per request (``server.add(...)``
  appends more). A request beyond the script is answered 599 and recorded in ``server.unexpected``.
  ``Reply(respond=fn)`` computes the answer from the ``Recorded`` request instead.
- Misbehaviour: ``delay`` (seconds before the status line), ``trickle`` (seconds between body chunks of
  ``chunk`` bytes), ``hang`` (never answer; released when the server stops), ``reset`` (close the
  socket with RST before answering), ``truncate`` (declare the full Content-Length, send only that
  many bytes, then close), ``chunked`` (no Content-Length: the size is unknown until the end).
- ``validator``: called with each ``Recorded`` request in the server thread; a returned string means
  "invalid": the server answers 400 with it and keeps it in ``server.invalid``. A returned ``Refusal``
  is a violation answered the way the real API answers it (404 ``model_not_found`` for a retired
  model). Fail closed: leaving the ``with`` block with a violation recorded fails the test that sent
  it, unless the test said ``server.expect_violations()`` (it is testing the refusal itself).
- ``Recorded`` keeps method, path, query, headers (lower-case names), the raw body and the client's
  port (``peer_port``: equal across requests means one reused connection); ``form()``
  parses a multipart body into ``{name: Part}``, ``json()`` parses a JSON one.
- Two servers have different ports, hence different origins: that is how redirect tests model
  "another host".
- Helpers: ``Reply.json(payload, status, headers)`` and ``Reply.image(data, content_type)`` build common
  answers; ``ProgressLog`` is a ``ProgressSink`` that keeps events (``.stages()``); ``SleepLog`` is a
  ``RetryPolicy.sleep`` that records the delays asked for and waits 1 ms, so retry tests are instant:
  ``HttpPolicy(retry=RetryPolicy(sleep=SleepLog()))``; ``wait_until(predicate)`` polls from a thread.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Part:
    """One field of a multipart body."""

    name: str
    data: bytes
    filename: str | None = None
    content_type: str = ""

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")


@dataclass(frozen=True)
class Recorded:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    port: int
    peer_port: int = 0

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, Part]:
        content_type = self.headers.get("content-type", "")
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + self.body
        )
        parts: dict[str, Part] = {}
        for sub in message.iter_parts():
            assert isinstance(sub, Message)
            name = sub.get_param("name", header="content-disposition")
            filename = sub.get_filename()
            payload = sub.get_payload(decode=True)
            assert isinstance(name, str)
            assert isinstance(payload, bytes)
            parts[name] = Part(name, payload, filename, sub.get_content_type() if filename else "")
        return parts


@dataclass(frozen=True)
class Reply:
    """One scripted answer (see the module docstring for the misbehaviours)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    trickle: float = 0.0
    chunk: int = 64 * 1024
    hang: bool = False
    reset: bool = False
    truncate: int | None = None
    chunked: bool = False
    respond: Callable[[Recorded], Reply] | None = None

    @classmethod
    def json(cls, payload: object, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        merged = {"content-type": "application/json", **(headers or {})}
        return cls(status=status, body=json.dumps(payload).encode(), headers=merged)

    @classmethod
    def image(cls, data: bytes, content_type: str = "image/png") -> Reply:
        return cls(body=data, headers={"content-type": content_type})


@dataclass(frozen=True)
class Refusal:
    """A contract violation, answered as the real API would (its status and error body)."""

    problem: str
    reply: Reply


class ContractViolationError(AssertionError):
    """A request broke the provider's published contract; raised when the stand-in stops."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: pytest shows failures; request lines are in ``server.requests``."""

    def _read_body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("content-length", "0") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        recorded = Recorded(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self._read_body(),
            port=self.server.server_address[1],
            peer_port=int(self.client_address[1]),
        )
        reply = self.server.owner.next_reply(recorded)
        self._answer(reply)

    def _answer(self, reply: Reply) -> None:
        owner = self.server.owner
        if reply.hang:
            owner.stopping.wait()
            return
        if reply.reset:
            # SO_LINGER 0 makes close() send RST: the client sees a reset, not a clean end.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        if reply.delay and owner.stopping.wait(reply.delay):
            return
        self._write(reply)

    def _write(self, reply: Reply) -> None:
        owner = self.server.owner
        self.send_response(reply.status)
        length = {} if reply.chunked else {"content-length": str(len(reply.body))}
        headers = {**length, **reply.headers}
        if reply.chunked:
            headers["transfer-encoding"] = "chunked"
        for name, value in headers.items():
            self.send_header(name, value)
        if reply.truncate is not None:
            self.send_header("connection", "close")
        self.end_headers()
        body = reply.body if reply.truncate is None else reply.body[: reply.truncate]
        for start in range(0, len(body), reply.chunk):
            piece = body[start : start + reply.chunk]
            if reply.chunked:
                piece = b"%x\r\n%s\r\n" % (len(piece), piece)
            try:
                self.wfile.write(piece)
                self.wfile.flush()
            except OSError:
                return
            if reply.trickle and owner.stopping.wait(reply.trickle):
                return
        if reply.chunked:
            try:
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                return
        if reply.truncate is not None:
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = _handle  # noqa: N815


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LoopbackServer


class LoopbackServer:
    """A scripted HTTP server on 127.0.0.1 (see the module docstring)."""

    def __init__(
        self,
        replies: Iterable[Reply] = (),
        *,
        validator: Callable[[Recorded], str | Refusal | None] | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._script: list[Reply] = list(replies)
        self._validator = validator
        self.requests: list[Recorded] = []
        self.invalid: list[str] = []
        self.unexpected: list[Recorded] = []
        self.violations_expected = False
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add(self, *replies: Reply) -> None:
        with self._lock:
            self._script.extend(replies)

    def next_reply(self, recorded: Recorded) -> Reply:
        with self._lock:
            self.requests.append(recorded)
            if self._validator is not None:
                problem = self._validator(recorded)
                if isinstance(problem, Refusal):
                    self.invalid.append(problem.problem)
                    return problem.reply
                if problem:
                    self.invalid.append(problem)
                    return Reply.json({"error": {"message": problem, "type": "invalid_request_error"}}, status=400)
            if not self._script:
                self.unexpected.append(recorded)
                return Reply(status=599, body=b"no scripted reply left")
            reply = self._script.pop(0)
        return reply.respond(recorded) if reply.respond is not None else reply

    def expect_violations(self) -> LoopbackServer:
        """This test sends a bad request on purpose and asserts on ``invalid`` itself."""
        self.violations_expected = True
        return self

    def start(self) -> LoopbackServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        started = self._thread.is_alive()
        if started:
            self._server.shutdown()
        self._server.server_close()
        if started:
            self._thread.join(timeout=5)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
        if kind is None and self.invalid and not self.violations_expected:
            raise ContractViolationError("requests broke the provider's contract: " + " | ".join(self.invalid))


@dataclass
class ProgressLog:
    """A ``ProgressSink`` that keeps every event, for asserting what a person would have seen."""

    events: list[Any] = field(default_factory=list)

    def __call__(self, event: Any) -> None:
        self.events.append(event)

    def stages(self) -> list[str]:
        return [event.stage for event in self.events]


@dataclass
class SleepLog:
    """A ``RetryPolicy.sleep`` that records the asked delays and waits only a moment."""

    delays: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        import asyncio

        self.delays.append(seconds)
        await asyncio.sleep(0.001)


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
