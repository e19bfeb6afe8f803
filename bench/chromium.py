"""How to start Debian's Chromium here, for the benchmarks and the browser tests alike.

Never a downloaded browser. Without the background-networking flags Chromium keeps trying to
reach Google's hosts, which this machine's closed network refuses.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
