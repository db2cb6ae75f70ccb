"""Give the memory of a closed 4K overlay back to the OS.

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


def release_memory() -> None:
    """Collect cycles (Tk callbacks hold some) and trim the C heap where glibc allows it."""
    gc.collect()
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
