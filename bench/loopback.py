"""An OpenAI-shaped image server on 127.0.0.1 that answers at once: the provider costs ~nothing.

It answers every POST to ``.../images/edits`` or ``.../images/generations`` with one precomputed
``{"created": ..., "data": [{"b64_json": PNG}]}``, so what remains of a job's time is the app's own
work: fitting, encoding, upload, decode, clipboard. Each request's arrival, end of body and end of
answer are kept (``perf_counter`` seconds) so the server's own share can be shown beside the total.
"""

from __future__ import annotations

import base64
import io
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from PIL import Image


@dataclass(frozen=True)
class Served:
    path: str
    body_bytes: int
    arrived: float
    body_read: float
    answered: float


def answer_body(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    payload = {"created": int(time.time()), "data": [{"b64_json": base64.b64encode(buffer.getvalue()).decode()}]}
    return json.dumps(payload).encode()


class InstantServer:
    """``with InstantServer(image) as server: ... server.url + "/v1"``."""

    def __init__(self, image: Image.Image) -> None:
        body = answer_body(image)
        served: list[Served] = []
        self.served = served

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                arrived = time.perf_counter()
                length = int(self.headers.get("Content-Length", "0"))
                data = self.rfile.read(length)
                body_read = time.perf_counter()
                if not self.path.endswith(("/images/edits", "/images/generations")):
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                served.append(Served(self.path, len(data), arrived, body_read, time.perf_counter()))

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass  # the bench prints its own table; request lines would only interleave with it

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="bench-provider", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> InstantServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
