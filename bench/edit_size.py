"""What a 1920x1080 edit costs on the wire and end to end: ``python -m bench.edit_size [--tree DIR] [--runs N]``.

Runs ``main.py edit`` (from this tree, or from ``--tree``, e.g. an older commit unpacked with
``git archive``) against an OpenAI stand-in on 127.0.0.1 that answers at once with an image of the
``size`` it was asked for, as the API does. Prints per run: upload bytes, the uploaded image's
WxH, the ``size`` sent, answer bytes, the result's WxH and the wall time of the whole command. Issue 11
asks for these numbers before and after crop-shaped requests (ADR 020).
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
RUN_LIMIT_S = 120


@dataclass(frozen=True)
class Seen:
    upload_bytes: int
    uploaded: tuple[int, int]
    size: str
    answer_bytes: int


def _answer(size: str, fallback: tuple[int, int]) -> bytes:
    width, _, height = size.partition("x")
    shape = (int(width), int(height)) if width.isdigit() and height.isdigit() else fallback
    image = Image.new("RGB", shape, (90, 140, 200))
    # A photo-like quarter that PNG cannot squeeze, so the answer's bytes scale with its pixels as a real one's do.
    quarter = (max(1, shape[0] // 2), max(1, shape[1] // 2))
    image.paste(Image.frombytes("RGB", quarter, os.urandom(quarter[0] * quarter[1] * 3)), (0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return json.dumps({"created": 1, "data": [{"b64_json": base64.b64encode(buffer.getvalue()).decode()}]}).encode()


def serve(seen: list[Seen]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Quiet."""

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            head = b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n"
            parts = {part.get_param("name", header="content-disposition"): part for part in
                     BytesParser(policy=HTTP).parsebytes(head + body).iter_parts()}  # fmt: skip
            image = bytes(parts["image"].get_payload(decode=True))
            size = bytes(parts["size"].get_payload(decode=True)).decode() if "size" in parts else "auto"
            uploaded = Image.open(io.BytesIO(image)).size
            answer = _answer(size, uploaded)
            seen.append(Seen(len(body), uploaded, size, len(answer)))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def screen(size: tuple[int, int]) -> Image.Image:
    """A screenshot-like picture: a flat page, text-like rows, and a photo."""
    image = Image.new("RGB", size, (245, 245, 245))
    for y in range(40, size[1] - 40, 24):
        for x in range(60, size[0] // 2, 90):
            image.paste((30, 30, 30), (x, y, x + 60, y + 8))
    # A photo in the window: a quarter of the screen of incompressible pixels (a fixed seed: same bytes each run).
    photo = (size[0] // 2, size[1] // 2)
    image.paste(
        Image.frombytes("RGB", photo, random.Random(11).randbytes(photo[0] * photo[1] * 3)),
        (size[0] // 2, size[1] // 4),
    )
    return image


def run_once(tree: Path, model: str, work: Path, url: str) -> tuple[float, tuple[int, int]]:
    config = work / "config.yaml"
    config.write_text(
        f'default_provider: openai\nproviders:\n  openai: {{model: {model}, base_url: "{url}/v1", timeout: 60}}\n'
        "output: {match_size: false}\n",
        encoding="utf-8",
    )
    out = work / "out.png"
    out.unlink(missing_ok=True)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(work),
        "XDG_CONFIG_HOME": str(work / "config"),
        "XDG_STATE_HOME": str(work / "state"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "OPENAI_API_KEY": "sk-bench-not-a-real-key",
    }
    command = [sys.executable, str(tree / "main.py"), "edit", "--provider", "openai", "--prompt", "tidy it",
               "--config", str(config), "--output", str(out), str(work / "in.png")]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, timeout=RUN_LIMIT_S, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"main.py edit failed ({done.returncode}): {done.stderr.decode()[-600:]}")
    with Image.open(out) as result:
        return elapsed, result.size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=ROOT, help="source tree whose main.py to run")
    parser.add_argument("--model", default="gpt-image-2.6-flare")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", default="1920x1080")
    args = parser.parse_args(argv)
    width, _, height = args.size.partition("x")
    seen: list[Seen] = []
    server = serve(seen)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    times = []
    with tempfile.TemporaryDirectory(prefix="bench-edit-size-") as folder:
        work = Path(folder)
        screen((int(width), int(height))).save(work / "in.png")
        for index in range(args.runs):
            elapsed, result = run_once(args.tree.resolve(), args.model, work, url)
            times.append(elapsed)
            last = seen[-1]
            print(
                f"run {index + 1}: upload {last.upload_bytes} B, uploaded {last.uploaded[0]}x{last.uploaded[1]}, "
                f"size={last.size}, answer {last.answer_bytes} B, result {result[0]}x{result[1]}, {elapsed:.3f} s"
            )
    server.shutdown()
    print(f"median {statistics.median(times):.3f} s over {len(times)} runs ({args.model}, {args.size} crop)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
