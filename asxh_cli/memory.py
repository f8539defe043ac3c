"""Allocator settings for runs over millions of rows (Linux with glibc; elsewhere nothing changes).

Matching a province-sized register makes and drops thousands of arrays of tens of megabytes. By default glibc
gives every freed block above 32 MB back to the system, so the next array of that size starts on fresh pages,
each zeroed by the kernel on first touch: at 10M register rows that was 8–10 s of system time in a 23 s run.
Kept in the process instead, freed memory is reused as it is; a run is one command, and the memory goes back
to the system when it ends. (Arrow's allocator is left as it is: kept, its freed buffers from reading the
register CSV raised the first run's peak from 5.5 to 7.0 GB.)
"""

from __future__ import annotations

import sys

M_TRIM_THRESHOLD, M_MMAP_MAX = -1, -4  # mallopt parameters (glibc's malloc.h)
NEVER_TRIM = 2**31 - 1  # bytes free at the top of the heap before glibc gives any back (a C int)


def keep_freed_memory() -> None:
    """Serve large blocks from glibc's heap and keep what is freed there for reuse. Does nothing off Linux or
    without glibc."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # another C library (musl, say): its defaults stay
        return
    mallopt(M_TRIM_THRESHOLD, NEVER_TRIM)
    mallopt(M_MMAP_MAX, 0)
