"""A short run of ``tests.faults.memory_soak``: once warm, jobs do not keep adding resident memory.

The full 200-job figure is measured by running the module itself (docs/faults.md); this asserts only
what is robust on a loaded CI machine: from job 20 to job 40 RSS grows by less than 8 MiB (about
200 KiB a job, where a leak of each job's answer would be about 7 MiB a job).
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.faults.harness import REPO


def test_forty_jobs_in_one_process_stop_growing_once_warm() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.faults.memory_soak", "--jobs", "40", "--json"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    figures = json.loads(done.stdout)
    readings = dict(figures["readings"])
    assert readings[40] - readings[20] < 8, figures
