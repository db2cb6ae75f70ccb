"""Give the memory of a closed 4K overlay, or of a finished job, back to the OS.

glibc keeps freed heap pages for reuse, so a long-running tray would stay ~100 MB larger after
its first 4K capture; ``malloc_trim(0)`` returns them. Elsewhere (Windows, macOS, musl) it is a
no-op: those allocators either return large blocks themselves or offer no such call.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import sys

log = logging.getLogger(__name__)

# mallopt's parameter number for the arena limit in glibc's <malloc.h>.
M_ARENA_MAX = -8


def one_malloc_arena() -> bool:
    """Every thread allocates from glibc's main arena, the one ``malloc_trim`` shrinks whole.

    Called once at start, before other threads allocate. A thread's own arena (the job runner's:
    base64 answers, decoded PNGs, pixels) keeps its freed top up to glibc's dynamic trim threshold,
    8 MB once a 4 MB image has been freed, and ``malloc_trim`` never shrinks a thread arena's top
    (glibc's ``mtrim`` calls ``systrim`` for the main arena only): 4-9 MB of a tray's growth over
    200 jobs that the trim after each job could not give back (issue 14, ``bench.tray_job_memory``).
    Nearly every allocation here happens under the GIL, so one arena adds no contention. False where
    there is no glibc (the other allocators return large blocks themselves).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        log.debug("mallopt is not available: not glibc")
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_ARENA_MAX, 1))


def release_memory() -> None:
    """Collect cycles (Tk callbacks hold some) and trim the C heap where glibc allows it."""
    gc.collect()
    trim_heap()


def trim_heap() -> None:
    """Free heap pages back to the OS (glibc's ``malloc_trim(0)``); a no-op elsewhere."""
    if not sys.platform.startswith("linux"):
        return
    # The soname directly: ctypes.util.find_library runs ldconfig, tens of ms on every close.
    name = "libc.so.6"
    try:
        libc = ctypes.CDLL(name)
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        log.debug("malloc_trim is not available in %s", name)
        return
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    trim(0)


def resident_mb() -> float:
    """Resident memory of this process in MB (Linux), for the latency/memory measurements."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:  # noqa: PTH123 - a proc file, read once
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    if sys.platform == "win32":
        return 0.0
    import resource

    return float(pages * resource.getpagesize() / 1_048_576)
