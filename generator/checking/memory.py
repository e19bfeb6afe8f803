"""Keep a long, many-threaded run's memory in check.

glibc gives busy threads their own malloc arenas, up to eight per core. Hundreds of checker
threads allocating and freeing pages, feeds and parse trees leave every arena fragmented:
at 10,000 entries the run held about a quarter more memory than with two arenas (measured
with bench/check_throughput.py). `mallopt(M_ARENA_MAX, 2)` does what the MALLOC_ARENA_MAX
environment variable would; it must run before the threads start, and processes forked
afterwards inherit it. Without glibc it does nothing.
"""

from __future__ import annotations

import ctypes

M_ARENA_MAX = -8  # glibc's mallopt parameter number
MALLOC_ARENAS = 2


def few_malloc_arenas() -> bool:
    """Cap malloc arenas for this process; True when the C library took the setting."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_ARENA_MAX, MALLOC_ARENAS))
