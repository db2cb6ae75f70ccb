"""bench.job_memory runs end to end: real jobs against the instant server, RSS and allocations reported."""

from __future__ import annotations

import re

import pytest

from bench import job_memory


def test_a_short_run_reports_rss_and_the_allocations_that_grew(capsys: pytest.CaptureFixture[str]) -> None:
    assert job_memory.main(["--jobs", "3", "--top", "2"]) == 0
    out = capsys.readouterr().out
    rss = re.search(r"RSS after job 1: ([\d.]+) MB; after job 3: ([\d.]+) MB", out)
    assert rss is not None, out
    assert 10 < float(rss.group(1)) < 2000
    assert re.search(r"Python allocations grown over 2 jobs: [+-][\d.]+ MB", out), out
