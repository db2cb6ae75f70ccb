"""One malloc arena (issue 14): a job's buffers, freed on the job runner's thread, go back to the OS at the trim.

Each case runs in a fresh interpreter, since the arena limit only holds for threads that have not
allocated yet. The job runner's loop thread allocates what a 1024x1024 job does (a 4 MB buffer whose
free raises glibc's dynamic thresholds, then two 3 MB ones) and frees it; the thread stays alive, as
the tray's does, and ``release_memory`` (the trim the tray runs after each job) follows. Without the
switch the thread's arena keeps those 6 MB; the control case proves the measurement can see them.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.app_code import REPO

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator only")

SCRIPT = """
import sys
from core.jobs import JobRunner
from overlay.memory import one_malloc_arena, release_memory

if sys.argv[1] == "one":
    assert one_malloc_arena()

def rss_mib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024

async def job():
    answer = bytearray(4 * 2**20)
    del answer
    pixels = [bytearray(3 * 2**20) for _ in range(2)]
    del pixels

jobs = JobRunner()
jobs.start()
before = rss_mib()
jobs.call(job(), timeout=10)
release_memory()
print(rss_mib() - before)
jobs.stop()
"""


def grown_after_a_job(mode: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], cwd=REPO, capture_output=True, text=True, timeout=60, check=True
    )
    return float(done.stdout.strip())


def test_with_one_arena_the_job_threads_freed_buffers_are_given_back_by_the_trim() -> None:
    assert grown_after_a_job("one") < 1.5


def test_without_it_the_job_threads_arena_keeps_them_past_the_trim() -> None:
    # The control: what the switch removes is there to be seen (glibc keeps the freed 6 MB).
    assert grown_after_a_job("default") > 4.5
