"""What every fault test needs: ``main.py`` in its own process with a fresh TMPDIR, and the "as it was" checks.

``Scene`` is one run's world: a folder with an input picture and an existing output file, a TMPDIR of
its own for the subprocess, and (on Xvfb) a sentinel text owned by xclip on the clipboard. After the
run, ``Scene.unchanged()`` lists everything that differs from before: the output file's bytes, the
folder's listing, anything left in TMPDIR, the clipboard. A fault that is handled leaves it empty.

``RawServer`` is a socket server for the misbehaviours an HTTP server library cannot produce: a reset
while the request body is still arriving, a 200 MB answer streamed from a small buffer.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from tests.virtual_desktop import VirtualDesktop

REPO = Path(__file__).resolve().parents[2]
MAIN = REPO / "main.py"
OLD_OUTPUT = b"the previous result, which a failed job must leave byte for byte"
# Distinct fake keys per provider; none is a real key.
KEYS = {
    "OPENAI_API_KEY": "sk-fault-openai-7Qx2Lm9Vb4Tn8Rw1",
    "GEMINI_API_KEY": "AIza-fault-google-5Hk3Jd7Pq2Zs6Wc",
    "IDEOGRAM_API_KEY": "ideo-fault-ideogram-8Nf4Gt1Ye6Ua3",
    "PHOTOROOM_API_KEY": "phr-fault-photoroom-2Bv9Cx5Mz7Lk",
}
PROVIDER_PATHS = {"openai": "/v1", "google": "/v1beta", "ideogram": "", "photoroom": ""}


def picture(size: tuple[int, int] = (240, 160)) -> Image.Image:
    image = Image.new("RGB", size, (30, 90, 150))
    image.paste((220, 200, 40), (0, 0, size[0] // 2, size[1] // 2))
    return image


def listing(folder: Path) -> dict[str, int]:
    """Every file under ``folder`` (relative name -> size), hidden ones included."""
    if not folder.exists():
        return {}
    return {str(path.relative_to(folder)): path.stat().st_size for path in folder.rglob("*") if path.is_file()}


def config_text(provider: str, base_url: str, *, timeout: float = 10, extra: str = "") -> str:
    return (
        f"default_provider: {provider}\n"
        "providers:\n"
        f'  {provider}: {{base_url: "{base_url}", timeout: {timeout}, connect_timeout: 2}}\n' + extra
    )


@dataclass
class Scene:
    """One ``main.py`` run and the state it must leave as it was (see the module docstring)."""

    folder: Path
    desktop: VirtualDesktop | None = None
    sentinel: bytes = b""
    env_extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tmp = self.folder / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.work = self.folder / "work"
        self.work.mkdir(parents=True, exist_ok=True)
        self.input = self.work / "in.png"
        picture().save(self.input)
        self.output = self.work / "out.png"
        self.output.write_bytes(OLD_OUTPUT)
        self.before = listing(self.work)
        if self.desktop is not None:
            self.sentinel = f"fault-sentinel-{time.monotonic_ns()}".encode()
            self.desktop.set_clipboard(self.sentinel)

    def env(self) -> dict[str, str]:
        base = dict(self.desktop.env) if self.desktop is not None else {"PATH": os.environ.get("PATH", "")}
        return {
            **base,
            "HOME": str(self.folder),
            "TMPDIR": str(self.tmp),
            "LANG": "C.UTF-8",
            "XDG_CONFIG_HOME": str(self.folder / "config"),
            "XDG_STATE_HOME": str(self.folder / "state"),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            **KEYS,
            **self.env_extra,
        }

    def config(self, text: str) -> Path:
        path = self.folder / "config.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    def main(self, *args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(MAIN), *args],
            cwd=self.work,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def edit(self, provider: str, base_url: str, *args: str, timeout: float = 10) -> subprocess.CompletedProcess[str]:
        """``main.py edit in.png --provider P --output out.png --copy`` against ``base_url``."""
        config = self.config(config_text(provider, base_url, timeout=timeout))
        copy = ["--copy"] if self.desktop is not None else []
        return self.main(
            "--config", str(config), "edit", str(self.input), "--provider", provider,
            "--output", str(self.output), *copy, *args,
        )  # fmt: skip

    def clipboard_text(self) -> bytes | None:
        assert self.desktop is not None
        return self.desktop.read_clipboard("UTF8_STRING")

    def unchanged(self) -> list[str]:
        """What is not as it was before the run (empty when everything is)."""
        problems = []
        if self.output.read_bytes() != OLD_OUTPUT:
            problems.append("the existing output file changed")
        after = listing(self.work)
        if after != self.before:
            problems.append(f"the output folder changed: {sorted(set(after) ^ set(self.before))}")
        left = listing(self.tmp)
        if left:
            problems.append(f"temporary files left in TMPDIR: {sorted(left)}")
        if self.desktop is not None and self.clipboard_text() != self.sentinel:
            problems.append("the clipboard no longer holds the sentinel")
        return problems


# --- a raw socket server for what http.server cannot do -------------------------------------------

Handler = Callable[[socket.socket], None]


class RawServer:
    """Accepts connections on 127.0.0.1 and gives each to ``handler`` in its own thread."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.connections = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._run, args=(connection,), daemon=True).start()

    def _run(self, connection: socket.socket) -> None:
        with contextlib.suppress(OSError), connection:
            self._handler(connection)

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()


def read_head(connection: socket.socket) -> bytes:
    """The request line and headers (and whatever body bytes came with them)."""
    data = b""
    while b"\r\n\r\n" not in data:
        piece = connection.recv(65536)
        if not piece:
            break
        data += piece
    return data


def reset(connection: socket.socket) -> None:
    """Close with RST (SO_LINGER 0), as a crashed or overloaded server does."""
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()


def reset_mid_upload(received_before_reset: int) -> Handler:
    """Read part of the upload, then reset: the client is still sending when the connection dies."""

    def handle(connection: socket.socket) -> None:
        got = len(read_head(connection))
        while got < received_before_reset:
            piece = connection.recv(65536)
            if not piece:
                break
            got += len(piece)
        reset(connection)

    return handle


def huge_answer(total: int, *, declared: bool) -> Handler:
    """A 200 answer of ``total`` bytes streamed from a 1 MB buffer, with or without Content-Length."""
    block = b"A" * (1024 * 1024)

    def handle(connection: socket.socket) -> None:
        read_head(connection)
        # The rest of the upload is left unread: the answer starts at once, as a broken proxy's would.
        length = f"content-length: {total}\r\n" if declared else "transfer-encoding: chunked\r\n"
        connection.sendall(f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{length}\r\n".encode())
        sent = 0
        while sent < total:
            piece = block[: min(len(block), total - sent)]
            connection.sendall(piece if declared else b"%x\r\n%s\r\n" % (len(piece), piece))
            sent += len(piece)
        if not declared:
            connection.sendall(b"0\r\n\r\n")

    return handle


def closed_port_url() -> str:
    """A loopback URL on which nothing listens (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def peak_rss_kib(process: subprocess.Popen[str]) -> Iterator[list[int]]:
    """Polls the child's VmHWM (peak resident set) until it ends; the last reading is its peak."""
    readings: list[int] = []
    stop = threading.Event()

    def poll() -> None:
        status = Path(f"/proc/{process.pid}/status")
        while not stop.is_set():
            with contextlib.suppress(OSError, ValueError):
                lines = status.read_text().splitlines()
                readings.extend(int(line.split()[1]) for line in lines if line.startswith("VmHWM:"))
            time.sleep(0.01)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        yield readings
    finally:
        stop.set()
        thread.join(timeout=2)
