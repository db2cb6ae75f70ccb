"""Cancel really aborts the HTTP request: a loopback server sees the connection closed."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from core.errors import CancelledError
from core.job_events import JobFailed, JobSpec
from core.jobs import JobRunner
from core.models import EditRequest, EditResult, ProgressEvent, ProgressSink
from tests.core.job_fakes import FAKE_INFO, pattern_image


@dataclass
class SilentServer:
    """Accepts one connection, reads the request and never answers; notes when the client hangs up."""

    listener: socket.socket
    connected: threading.Event = field(default_factory=threading.Event)
    hung_up: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        host, port = self.listener.getsockname()
        return f"http://{host}:{port}/v1/images/edits"

    def serve(self) -> None:
        conn, _ = self.listener.accept()
        self.connected.set()
        with conn:
            conn.settimeout(10)
            while conn.recv(65536):
                pass
            self.hung_up.set()


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        server = SilentServer(listener)
        thread = threading.Thread(target=server.serve, daemon=True)
        thread.start()
        yield server
        thread.join(5)


@dataclass
class HttpProvider:
    """A provider whose run is one real httpx POST, as the real providers' run is."""

    url: str
    info: object = FAKE_INFO

    async def run(self, request: EditRequest, *, key: str, progress: ProgressSink) -> EditResult:
        progress(ProgressEvent("uploading"))
        async with httpx.AsyncClient(timeout=30) as client:
            await client.post(self.url, content=b"x" * 1000, headers={"Authorization": f"Bearer {key}"})
        raise AssertionError("the silent server never answers")


def test_cancel_closes_the_open_http_connection(silent_server: SilentServer) -> None:
    runner = JobRunner(max_concurrent=1)
    runner.start()
    try:
        provider = HttpProvider(silent_server.url)
        spec = JobSpec(provider=provider, request=EditRequest(mode="edit", image=pattern_image()), key="k")  # type: ignore[arg-type]
        handle = runner.submit(spec, lambda _event: None)
        assert silent_server.connected.wait(5)

        began = time.monotonic()
        handle.cancel()
        final = handle.wait(5)

        assert isinstance(final, JobFailed)
        assert isinstance(final.error, CancelledError)
        assert silent_server.hung_up.wait(2)
        assert time.monotonic() - began < 1.0
    finally:
        runner.stop()
