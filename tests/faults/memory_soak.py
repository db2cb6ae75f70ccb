"""200 jobs in a row in one process, as the tray runs them, and how much resident memory that costs.

Run: ``python -m tests.faults.memory_soak [--jobs 200] [--json]``. The app's parts are built as
``main.py`` builds them (one ``JobRunner`` thread, one shared ``httpx`` client, the OpenAI provider from
``create_provider``) and each job is delivered as the tray delivers it (the result encoded as PNG and
saved). The stand-in OpenAI server runs in a child process, so its memory is not counted; it answers
every job with the same 1024x1024 noise PNG (about 4 MB of base64 JSON). RSS is read from
/proc/self/status before the first job, after a warm-up of 10 jobs (pools, allocator arenas, first-use
caches) and every 10 jobs after; ``growth_mib`` is from the warm-up to the end.
"""

from __future__ import annotations

import argparse
import base64
import gc
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from PIL import Image

WARM_UP = 10
STEP = 10
KEY = "sk-soak-not-a-real-key-0000"


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def answer_body() -> bytes:
    image = Image.frombytes("RGB", (1024, 1024), os.urandom(1024 * 1024 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    payload = {"created": 1, "data": [{"b64_json": base64.b64encode(buffer.getvalue()).decode()}]}
    return json.dumps(payload).encode()


def serve() -> None:
    """The child process: answer every POST with the same image, print the port, run until killed."""
    body = answer_body()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Quiet."""

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", "0")))
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)  # noqa: T201
    server.serve_forever()


def soak(jobs: int, base_url: str, *, trim: bool = False) -> dict[str, object]:
    from core.config import ProviderSettings
    from core.job_events import JobSpec, JobSucceeded
    from core.jobs import JobRunner
    from core.models import EditRequest
    from core.output import encode_image, write_new_file
    from providers.http import build_http_client
    from providers.registry import create_provider

    runner = JobRunner(max_concurrent=2)
    runner.start()
    client = build_http_client()
    settings = ProviderSettings("openai", base_url=base_url, model="gpt-image-2.6-flare", timeout=60)
    provider = create_provider("openai", settings, client)
    crop = Image.frombytes("RGB", (800, 600), os.urandom(800 * 600 * 3))
    gc.collect()
    before_first_job = rss_mib()
    readings: list[tuple[int, float]] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="aiis-soak-") as folder:
        for number in range(1, jobs + 1):
            spec = JobSpec(provider=provider, request=EditRequest("edit", prompt="p", image=crop.copy()), key=KEY)
            outcome = runner.submit(spec, lambda _event: None).wait(60)
            if not isinstance(outcome, JobSucceeded):
                raise RuntimeError(f"job {number} failed: {outcome}")
            saved = write_new_file(encode_image(outcome.result.image, "png"), Path(folder), "result", ".png")
            saved.unlink()
            del spec, outcome
            if trim:
                from overlay.memory import release_memory

                release_memory()
            if number == WARM_UP or (number > WARM_UP and number % STEP == 0):
                gc.collect()
                readings.append((number, rss_mib()))
    runner.call(client.aclose(), timeout=5)
    runner.stop()
    first, last = readings[0], readings[-1]
    growth = last[1] - first[1]
    return {
        "jobs": jobs,
        "seconds": round(time.monotonic() - started, 1),
        "rss_before_first_job_mib": round(before_first_job, 1),
        "rss_after_warm_up_mib": round(first[1], 1),
        "rss_at_end_mib": round(last[1], 1),
        "growth_from_start_mib": round(last[1] - before_first_job, 1),
        "growth_mib": round(growth, 1),
        "growth_kib_per_job": round(growth * 1024 / max(1, last[0] - first[0]), 1),
        "readings": [(number, round(mib, 1)) for number, mib in readings],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    parser.add_argument(
        "--trim", action="store_true", help="malloc_trim after each job (overlay.memory.release_memory), as a what-if"
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve()
        return 0
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.memory_soak", "--serve"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        figures = soak(args.jobs, f"http://127.0.0.1:{port}/v1", trim=args.trim)
    finally:
        server.kill()
        server.wait()
    if args.json:
        print(json.dumps(figures))  # noqa: T201
    else:
        for name, value in figures.items():
            print(f"{name}: {value}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
