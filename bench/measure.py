"""How the benchmarks time a command: wall and CPU seconds and peak memory, in one place."""

from __future__ import annotations

import functools
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def timed(command: list[str], cwd: Path, one_core: bool = False) -> tuple[float, float, float]:
    """Run a command; return wall seconds, CPU seconds (its children's included: the search
    indexer, validation workers) and peak RSS in MB (the largest of the process and its
    children). With `one_core`, the command is pinned to a single core."""
    pin = (lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})) if one_core else None
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=pin
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed:\n{error}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


@contextmanager
def served(
    folder: Path,
    handler: type[SimpleHTTPRequestHandler] = SimpleHTTPRequestHandler,
    server: type[ThreadingHTTPServer] = ThreadingHTTPServer,
) -> Iterator[str]:
    """Serve a built site from `folder` on a loopback port; yields its base URL."""
    running = server(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    threading.Thread(target=running.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{running.server_address[1]}/"
    finally:
        running.shutdown()
        running.server_close()
