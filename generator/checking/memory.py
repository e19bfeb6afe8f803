"""Keep a long, many-threaded run's memory in check.

glibc gives busy threads their own malloc arenas, up to eight per core. Hundreds of checker
threads allocating and freeing pages, feeds and parse trees leave every arena fragmented:
at 10,000 entries the run held about a quarter more memory than with two arenas (measured
with bench/check_throughput.py). `mallopt(M_ARENA_MAX, 2)` does what the MALLOC_ARENA_MAX
environment variable would; it must run before the threads start, and processes forked
afterwards inherit it. Without glibc it does nothing.

A parsed document (an lxml tree, feedparser's dictionaries, htmldate's copies) takes many times
the bytes of the page it comes from. Only one thread of a process runs Python at a time, so
letting just a few threads parse at once costs next to no speed, and under a busy CPU it keeps
the threads that wait for the interpreter from each holding a half-built tree (measured with
bench/check_throughput.py: about a tenth less memory at 4,000 entries).
"""

from __future__ import annotations

import ctypes
import threading

M_ARENA_MAX = -8  # glibc's mallopt parameter number
MALLOC_ARENAS = 2
PARSERS = 3
PARSING = threading.BoundedSemaphore(PARSERS)
"""Held while a page or a feed is parsed and read (never while a request is sent)."""


def few_malloc_arenas() -> bool:
    """Cap malloc arenas for this process; True when the C library took the setting."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_ARENA_MAX, MALLOC_ARENAS))
