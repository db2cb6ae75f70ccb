"""What a process costs, read from /proc: resident memory and CPU ticks (user + system)."""

from __future__ import annotations

import os
from pathlib import Path


def rss_mb(pid: int) -> float:
    """VmRSS in MB (MiB), as ``/proc/PID/status`` reports it."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    raise ValueError(f"process {pid} has no VmRSS (a zombie?)")


def cpu_ticks(pid: int) -> int:
    """utime + stime of all the process's threads, in clock ticks (``os.sysconf('SC_CLK_TCK')`` a second)."""
    stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    # The command name may hold spaces and parentheses: the fields start after the last ')'.
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])


def ticks_per_second() -> int:
    return os.sysconf("SC_CLK_TCK")


def threads(pid: int) -> int:
    return sum(1 for _ in Path(f"/proc/{pid}/task").iterdir())
