"""``python -m bench --quick`` still works end to end: every row of the table measured once (issue 14).

A smoke run, not a measurement: one round, one run a figure, on the bench's own Xvfb desktops at
1920x1080 and 3840x2160 with Flameshot and maim beside us. No figure is judged here (the machine is
shared); only that each was taken, so a broken bench shows in CI rather than on the next full run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import report

REPO = Path(__file__).resolve().parents[2]
# About 45 s on the 2-core CI machine under load; the limit only stops a hung run.
QUICK_LIMIT_S = 600


@pytest.mark.desktop
def test_quick_bench_run_measures_every_row_and_writes_the_table(tmp_path: Path) -> None:
    out, samples = tmp_path / "latest.md", tmp_path / "samples.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(out), "--json", str(samples)],
        cwd=REPO, capture_output=True, text=True, timeout=QUICK_LIMIT_S, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    table = out.read_text(encoding="utf-8")
    assert table in f"# Latest bench run\n\n{done.stdout}"
    lines = [line for line in table.splitlines() if line.startswith("| ")]
    for row in report.ROWS:
        label = row.label.replace("  ", "&nbsp;&nbsp;")
        line = next((line for line in lines if line.startswith(f"| {label}")), None)
        assert line is not None, f"no row for {row.key}"
        ours = line.split("|")[2].strip()
        assert ours.split()[0].replace(".", "", 1).isdigit(), f"{row.key}: ours is {ours!r}"
        if row.target is not None:
            assert line.rstrip(" |").endswith(")"), f"{row.key} has no verdict: {line}"
    figures = json.loads(samples.read_text(encoding="utf-8"))["figures"]
    assert {figure["round"] for figure in figures} == {1}
    assert any(figure["tool"] == "flameshot" for figure in figures)
