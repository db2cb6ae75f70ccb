"""``python -m bench.job_memory [--jobs N]``: does the provider path itself grow over many jobs? (issue 14)

The tray grows by 15-24 MB over the bench's 200 jobs. This runs the same work without the tray: the
real job runner, OpenAI provider, httpx client and hardened decoding, in one process, against the
bench's instant loopback server, 1024x1024 each. It prints RSS after the first job and after the
last, and the Python allocations that grew in between (tracemalloc, by traceback). What it does not
show is in the tray's own part (toasts, thumbnails, the tray icon's menu).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import tracemalloc

from PIL import Image

from bench.loopback import InstantServer
from bench.pattern import desktop_picture
from bench.procstat import rss_mb
from core.config import default_config
from core.jobs import JobRunner
from core.models import EditRequest, EditResult, ignore_progress
from overlay.memory import release_memory
from providers.http import build_http_client
from providers.registry import create_provider, provider_catalog

KEY = "sk-bench-job-memory-1234567890"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.job_memory", description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--top", type=int, default=6)
    args = parser.parse_args(argv)
    crop = desktop_picture(1024, 1024).convert("RGB")
    catalog = provider_catalog()
    jobs = JobRunner()
    jobs.start()
    client = build_http_client()
    with InstantServer(Image.new("RGB", (1024, 1024), (200, 30, 30))) as server:
        settings = dataclasses.replace(
            default_config(catalog).provider("openai"), base_url=server.url + "/v1", model="gpt-image-2"
        )
        provider = create_provider("openai", settings, client)

        async def one() -> EditResult:
            return await provider.run(EditRequest("edit", "bench", crop), key=KEY, progress=ignore_progress)

        def job() -> None:
            jobs.call(one(), timeout=30)
            release_memory()  # as the tray does after each job

        job()
        first_rss = rss_mb(os.getpid())
        tracemalloc.start(12)
        before = tracemalloc.take_snapshot()
        for _ in range(args.jobs - 1):
            job()
        after = tracemalloc.take_snapshot()
        last_rss = rss_mb(os.getpid())
    jobs.call(client.aclose(), timeout=5)
    jobs.stop()
    grown = after.compare_to(before, "traceback")
    print(
        f"RSS after job 1: {first_rss:.1f} MB; after job {args.jobs}: {last_rss:.1f} MB ({last_rss - first_rss:+.1f})"
    )
    print(f"Python allocations grown over {args.jobs - 1} jobs: {sum(s.size_diff for s in grown) / 1e6:+.2f} MB")
    for stat in grown[: args.top]:
        print(f"  {stat.size_diff / 1024:+.1f} KB in {stat.count_diff:+d} blocks, from {stat.traceback[-1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
