"""Time `biglist serve` from saving an edited entry to the browser showing it.

    python bench/serve_edit.py [N] [EDITS]        (default: 10000 entries, 5 edits)

Generates N synthetic entries (bench/synthetic.py), starts `biglist serve` on a free loopback
port, opens an entry's page in Debian's Chromium and, EDITS times, rewrites that entry's
description in its YAML file and times until the page in the browser (reloaded by the
preview's live reload) shows the new text. The time a full `biglist build` of the same
project takes, measured in the same run, is the baseline: the wait for a site that shows the
edit without a live preview (the preview used to regenerate and rebuild everything, which is
slower still). Then a bad edit: the preview must log the problem and keep the page.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.chromium import CHROMIUM, CHROMIUM_ARGS
from bench.measure import timed
from bench.synthetic import make_project

BIN = Path(sys.executable).parent
SLUG = "community-00042"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, deadline_s: float) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {deadline_s:.0f} s")


def edit(entry: Path, marker: str) -> None:
    text = entry.read_text("utf-8")
    text = re.sub(
        r"^description: .*$", f"description: {marker} where peers meet.", text, flags=re.M
    )
    entry.write_text(text, "utf-8")


def measure(count: int, edits: int) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="biglist-bench-") as folder:
        root = make_project(Path(folder) / "project", count)
        baseline = timed([str(BIN / "biglist"), "build"], root)[0]
        port = free_port()
        log = (Path(folder) / "serve.log").open("w")
        server = subprocess.Popen(
            [str(BIN / "biglist"), "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=root,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started = time.monotonic()
        try:
            page_url = f"http://127.0.0.1:{port}/communities/{SLUG}/"
            wait_for(page_url, 900)
            startup = time.monotonic() - started
            time.sleep(10)  # let the first search index finish, as a contributor would
            entry = root / "data" / "communities" / f"{SLUG}.yml"
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
                )
                page = browser.new_page()
                page.goto(page_url, wait_until="domcontentloaded", timeout=300_000)
                times = [edit_and_wait(page, entry, number) for number in range(1, edits + 1)]
                kept = bad_edit_keeps_the_page(page, entry, Path(log.name))
                browser.close()
        except BaseException:
            print(Path(log.name).read_text("utf-8")[-3000:], file=sys.stderr)
            raise
        finally:
            server.send_signal(signal.SIGINT)  # as Ctrl-C: the preview cleans up after itself
            server.wait(60)
    print(f"N={count} entries, biglist serve, edit one entry file → shown in the browser")
    print(f"  serve start-up (first page served)   {startup:8.2f} s")
    print("  each edit                            " + " ".join(f"{t:.2f}" for t in times) + " s")
    median = statistics.median(times)
    print(f"  median / worst                       {median:8.2f} / {max(times):.2f} s")
    print(f"  baseline: full biglist build         {baseline:8.2f} s")
    print(f"  ratio median edit / full build       {statistics.median(times) / baseline:8.3f}")
    print(f"  bad edit reported, page kept         {kept}")


def edit_and_wait(page: object, entry: Path, number: int) -> float:
    marker = f"Edited-{number}-{time.time_ns()}"
    time.sleep(1.5)  # apart from the edit before, as a person's saves are
    start = time.monotonic()
    edit(entry, marker)
    page.wait_for_function(  # type: ignore[attr-defined]
        "marker => document.body && document.body.innerText.includes(marker)",
        arg=marker,
        timeout=120_000,
        polling=10,
    )
    return time.monotonic() - start


def bad_edit_keeps_the_page(page: object, entry: Path, log: Path) -> bool:
    good = entry.read_text("utf-8")
    entry.write_text(good.replace("founded: ", "founded: soon #"), "utf-8")
    end = time.monotonic() + 30
    while time.monotonic() < end and "founded" not in log.read_text("utf-8"):
        time.sleep(0.1)
    reported = f"{SLUG}.yml" in log.read_text("utf-8")
    # The preview reloads the page by itself once it has looked at the edit.
    page.wait_for_timeout(3000)  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]
    shown = "Edited-" in page.inner_text("article")  # type: ignore[attr-defined]
    entry.write_text(good, "utf-8")
    return reported and shown


def main() -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    edits = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    measure(count, edits)


if __name__ == "__main__":
    main()
