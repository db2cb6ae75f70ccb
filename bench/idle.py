"""CPU while idle: utime + stime ticks over a quiet stretch, for every process measured at once.

Measured side by side so the stretch costs the run's time only once. Nothing touches the display
meanwhile: a process that still uses ticks here has a timer or a polling loop of its own.
"""

from __future__ import annotations

import time

from bench import procstat
from bench.session import Session, say


def idle_cpu(session: Session, pids: dict[str, int], seconds: float) -> None:
    before = {tool: procstat.cpu_ticks(pid) for tool, pid in pids.items()}
    time.sleep(seconds)
    for tool, pid in pids.items():
        series = session.series("cpu_idle", tool, "ticks")
        series.add(procstat.cpu_ticks(pid) - before[tool])
        series.note = f"{seconds:.0f} s"
        say(f"  idle {seconds:.0f} s, {tool}: {series.cell()} ticks ({procstat.ticks_per_second()} a second)")
