"""Lighthouse on the published site: the home page (the live Big List) and a community page,
as a phone and as a desktop, at 222 communities (the shipped data) and at 10,000 (synthetic).

    python bench/lighthouse.py [N ...] [--runs K]     (default: 222 10000, one run each)

N = 222 builds the shipped data; any other N builds N synthetic entries (bench/synthetic.py).
Each site is built with `biglist build --strict`, served on loopback with gzip, as GitHub Pages
serves it, and audited by npm `lighthouse` 12 (bench/node/package.json, installed by this
script) driving Debian's Chromium.
Printed per page and form factor: the four category scores and the cumulative layout shift,
against the targets (every score ≥ 95, layout shift ≤ 0.05); with --runs K, the median of K.
Lighthouse simulates a slow phone from the trace it records, but a busy machine still lowers
the performance score: run it on an idle one.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any, ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.chromium import CHROMIUM, CHROMIUM_ARGS
from bench.measure import served
from bench.synthetic import make_project
from generator.site.docs import copy_hand_written

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NODE_DIR = REPO / "bench" / "node"
LIGHTHOUSE = NODE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
SHIPPED = 222
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
FORM_FACTORS = ("mobile", "desktop")
SCORE_TARGET = 95
SHIFT_TARGET = 0.05


COMPRESSED_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")


class GzipHandler(SimpleHTTPRequestHandler):
    """Static files, text gzipped for clients that ask (as GitHub Pages serves them)."""

    cache: ClassVar[dict[str, bytes]] = {}

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?")[0].endswith("/"):
            path = os.path.join(path, "index.html")
        kind = self.guess_type(path)
        wants = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants and os.path.isfile(path) and kind.startswith(COMPRESSED_TYPES)):
            super().do_GET()
            return
        body = self.cache.get(path) or self.cache.setdefault(path, compressed(path))
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def compressed(path: str) -> bytes:
    return gzip.compress(Path(path).read_bytes(), compresslevel=6)


def install_lighthouse() -> None:
    if LIGHTHOUSE.exists():
        return
    print("installing lighthouse from npm (bench/node/package.json)...", flush=True)
    npm = ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"]
    subprocess.run(npm, cwd=NODE_DIR, check=True)


def shipped_project(root: Path) -> Path:
    root.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    copy_hand_written(REPO / "directory", root / "directory")
    shutil.copytree(REPO / "data", root / "data")
    return root


def built_site(count: int, folder: Path) -> Path:
    root = folder / "project"
    if count == SHIPPED:
        shipped_project(root)
    else:
        make_project(root, count)
    command = [str(BIN / "biglist"), "build", "--strict"]
    subprocess.run(command, cwd=root, check=True, stdout=subprocess.DEVNULL)
    return root / "site"


def first_community(site: Path) -> str:
    return min(path.name for path in (site / "communities").iterdir() if path.is_dir())


def audit(url: str, form_factor: str) -> dict[str, float]:
    """One Lighthouse run: the four scores (0–100) and the cumulative layout shift."""
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={flags}",
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    environment = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    result = subprocess.run(command, capture_output=True, text=True, env=environment, check=True)
    return figures(json.loads(result.stdout))


def figures(lhr: dict[str, Any]) -> dict[str, float]:
    scores = {name: round(100 * (lhr["categories"][name]["score"] or 0)) for name in CATEGORIES}
    shift = lhr["audits"]["cumulative-layout-shift"]["numericValue"]
    return {**scores, "shift": float(shift)}


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def line(page: str, form_factor: str, result: dict[str, float]) -> str:
    scores = "  ".join(f"{name} {result[name]:3.0f}" for name in CATEGORIES)
    passed = all(result[name] >= SCORE_TARGET for name in CATEGORIES)
    passed = passed and result["shift"] <= SHIFT_TARGET
    verdict = "ok" if passed else "MISSED"
    return (
        f"  {page:<10} {form_factor:<8} {scores}  layout shift {result['shift']:.3f}  "
        f"({verdict}: every score ≥ {SCORE_TARGET}, shift ≤ {SHIFT_TARGET})"
    )


def measure(count: int, runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="biglist-lighthouse-") as folder:
        site = built_site(count, Path(folder))
        source = "shipped data" if count == SHIPPED else "synthetic"
        print(f"{count:,} communities ({source})", flush=True)
        pages = {"home": "", "community": f"communities/{first_community(site)}/"}
        with served(site, GzipHandler) as base:
            for page, path in pages.items():
                for form_factor in FORM_FACTORS:
                    results = [audit(base + path, form_factor) for _ in range(runs)]
                    print(line(page, form_factor, median_of(results)), flush=True)


def main() -> None:
    arguments = sys.argv[1:]
    runs = 1
    if "--runs" in arguments:
        at = arguments.index("--runs")
        runs = int(arguments[at + 1])
        del arguments[at : at + 2]
    counts = [int(argument) for argument in arguments] or [SHIPPED, 10_000]
    install_lighthouse()
    for count in counts:
        measure(count, runs)


if __name__ == "__main__":
    main()
