"""Where a process's resident memory sits, as glibc and the kernel see it (issue 14).

``rss_parts`` splits ``/proc/PID/smaps`` into glibc's main arena (``[heap]``), its thread arenas
(anonymous maps starting on a 64 MiB boundary: glibc's ``HEAP_MAX_SIZE`` on 64-bit aligns them),
other anonymous maps (Python's object arenas, thread stacks, mmapped blocks) and file maps
(libraries). ``malloc_state`` is glibc's ``mallinfo2`` over all arenas: what is in use against what
is free but still held. Growth in "free" with "in use" flat is memory kept by the allocator, not
objects kept alive.
"""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path

ARENA_ALIGN = 64 * 2**20
PARTS = ("heap", "arenas", "anon", "files")
MALLOC = ("inuse", "free", "mmap")


def rss_parts(pid: int) -> dict[str, float]:
    """Resident MiB by kind, in the order of ``PARTS``."""
    parts = dict.fromkeys(PARTS, 0.0)
    kind = "files"
    for line in Path(f"/proc/{pid}/smaps").read_text(encoding="utf-8", errors="replace").splitlines():
        fields = line.split()
        if not fields:
            continue
        if "-" in fields[0] and not fields[0].endswith(":") and len(fields) >= 5:
            start = int(fields[0].split("-")[0], 16)
            name = fields[5] if len(fields) > 5 else ""
            if name == "[heap]":
                kind = "heap"
            elif not name:
                kind = "arenas" if start % ARENA_ALIGN == 0 else "anon"
            else:
                kind = "anon" if name.startswith("[") else "files"
        elif fields[0] == "Rss:":
            parts[kind] += int(fields[1]) / 1024.0
    return parts


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost"
    )]  # fmt: skip


def malloc_state() -> dict[str, float]:
    """This process's glibc heap over all arenas, MiB (zeros where there is no glibc 2.33+)."""
    state = dict.fromkeys(MALLOC, 0.0)
    if not sys.platform.startswith("linux"):
        return state
    try:
        call = ctypes.CDLL("libc.so.6").mallinfo2
    except (OSError, AttributeError):
        return state
    call.restype = _MallInfo2
    info = call()
    return {"inuse": info.uordblks / 2**20, "free": info.fordblks / 2**20, "mmap": info.hblkhd / 2**20}


def trim() -> None:
    """Hand free heap pages back to the OS (glibc's ``malloc_trim(0)``)."""
    ctypes.CDLL("libc.so.6").malloc_trim(0)
