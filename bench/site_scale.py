"""How the published site holds up at 1,000 and 10,000 communities, in one run.

    python bench/site_scale.py [N ...] [--lunr]        (default: 1000 10000)

For each N, in a temporary project of N synthetic entries (bench/synthetic.py):
- build: `biglist build --strict` against a bare `mkdocs build --strict` of the very pages our
  build generated (the ratio), and the Pagefind indexing part alone;
- sizes: the whole site, the Big List page's transfer (gzip: the page and its list data, and
  everything the page loads), the largest community page;
- in headless Chromium (Debian's, as the tests use): time until the live list is interactive
  on a cold page, keystroke-to-updated-list latency over 50 real key presses (median, p95),
  and the first search result on a cold page, for a query pasted whole (from the paste) at the
  load event and a second later, and typed at ten keys a second (from the last key), and
  whether a community page came first.
`--lunr` also builds the same pages with Material's own search plugin and measures its first
result, the baseline Pagefind replaced. Targets at 10,000 are printed with each figure.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.chromium import CHROMIUM, CHROMIUM_ARGS
from bench.measure import served, timed
from bench.synthetic import make_project

BIN = Path(sys.executable).parent
KEYS = 50
# A reader's first query comes no sooner than this after the page has loaded; by then the page
# has fetched and started the search engine (assets/biglist-search.js).
READER_MS = 1000
COLD_RUNS = 5
MB = 1024 * 1024
KB = 1024


# --- build ---------------------------------------------------------------------------------


def measure_builds(root: Path) -> dict[str, float]:
    ours = timed([str(BIN / "biglist"), "build", "--strict"], root)[0]
    bare = timed([str(BIN / "mkdocs"), "build", "--strict", "-q", "-d", "site-bare"], root)[0]
    shutil.rmtree(root / "site-bare")
    return {"ours": ours, "bare": bare}


def build_lunr_site(root: Path) -> Path:
    """The same pages with Material's stock search box and lunr index (no overrides)."""
    config = (root / "mkdocs.yml").read_text("utf-8")
    config = config.replace("  custom_dir: directory/overrides\n", "")
    config = config.replace("  - search:\n      enabled: false\n", "  - search\n")
    (root / "mkdocs-lunr.yml").write_text(config, "utf-8")
    command = [str(BIN / "mkdocs"), "build", "-q", "-f", "mkdocs-lunr.yml", "-d", "site-lunr"]
    timed(command, root)
    return root / "site-lunr"


# --- sizes ---------------------------------------------------------------------------------


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def folder_size(folder: Path) -> tuple[int, int]:
    files = [path for path in folder.rglob("*") if path.is_file()]
    return sum(path.stat().st_size for path in files), len(files)


def largest_community_page(site: Path) -> tuple[int, str]:
    pages = site.glob("communities/*/index.html")
    return max((path.stat().st_size, path.parent.name) for path in pages)


# --- the browser ---------------------------------------------------------------------------


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A closed page drops its pending requests: not worth a traceback."""


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


READY_PROBE = """
document.addEventListener("biglist:ready", () => { window.__readyAt = performance.now(); }, true);
"""

LATENCY_PROBE = """
() => {
  window.__latency = [];
  document.getElementById("biglist-text").addEventListener("beforeinput", (event) => {
    const start = event.timeStamp;
    requestAnimationFrame(() => setTimeout(() => window.__latency.push(performance.now() - start)));
  });
}
"""

SEARCH_PROBE = """
async (query) => {
  const input = document.querySelector(".md-search__input");
  const list = document.querySelector(".md-search-result__list");
  const start = performance.now();
  input.focus();
  input.value = query;
  input.dispatchEvent(new Event("input", { bubbles: true }));
  await new Promise((resolve) => {
    const check = () => list.querySelector("li a") && (observer.disconnect(), resolve());
    const observer = new MutationObserver(check);
    observer.observe(list, { childList: true, subtree: true });
    check();
  });
  const elapsed = performance.now() - start;
  return { ms: elapsed, first: list.querySelector("li a").getAttribute("href") };
}
"""

# A person typing at ten keys a second: the time from the last key to results for the whole
# query (the page drops answers to earlier prefixes, so the next results are the final ones).
TYPED_PROBE = """
async ([query, gap]) => {
  const input = document.querySelector(".md-search__input");
  const list = document.querySelector(".md-search-result__list");
  const pause = () => new Promise((resolve) => setTimeout(resolve, gap));
  const type = (text) => {
    input.value = text;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  };
  input.focus();
  for (let end = 1; end < query.length; end++) { type(query.slice(0, end)); await pause(); }
  const answered = new Promise((resolve) => {
    const done = () => list.querySelector("li a") && (observer.disconnect(), resolve());
    const observer = new MutationObserver(done);
    observer.observe(list, { childList: true, subtree: true });
  });
  const start = performance.now();
  type(query);
  await answered;
  return { ms: performance.now() - start, first: list.querySelector("li a").getAttribute("href") };
}
"""
KEY_GAP_MS = 100


@dataclass
class ListFigures:
    interactive_ms: float
    transfer: dict[str, int]
    latencies: list[float]


def measure_list(browser: Any, base: str) -> ListFigures:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    bodies: dict[str, bytes] = {}
    page.on("response", lambda response: bodies.setdefault(response.url, _body(response)))
    page.add_init_script(READY_PROBE)
    page.goto(base)
    page.wait_for_function("window.__readyAt !== undefined", timeout=120_000)
    interactive = page.evaluate("window.__readyAt")
    latencies = type_and_time(page)
    context.close()
    return ListFigures(interactive, _transfer(bodies, base), latencies)


def _body(response: Any) -> bytes:
    try:
        return bytes(response.body())
    except Exception:  # redirects and aborted loads have no body; they weigh nothing here
        return b""


def _transfer(bodies: dict[str, bytes], base: str) -> dict[str, int]:
    page_and_data = [base, base + "assets/generated/list.json"]
    return {
        "page": gzipped(bodies.get(base, b"")),
        "page_and_data": sum(gzipped(bodies.get(url, b"")) for url in page_and_data),
        "everything": sum(gzipped(body) for body in bodies.values()),
        "requests": len(bodies),
    }


def keystrokes() -> list[str]:
    """50 presses that narrow and widen the list: type a sponsor, a name, then erase."""
    keys: list[str] = []
    while len(keys) < KEYS:
        for text in ("vendor 01", "community 4"):
            keys += list(text) + ["Backspace"] * len(text)
    return keys[:KEYS]


def type_and_time(page: Any) -> list[float]:
    page.evaluate(LATENCY_PROBE)
    page.focus("#biglist-text")
    for number, key in enumerate(keystrokes(), start=1):
        page.keyboard.press(key)
        page.wait_for_function(f"window.__latency.length >= {number}")
    return list(page.evaluate("window.__latency"))


def measure_search(
    browser: Any,
    base: str,
    queries: list[tuple[str, list[str]]],
    *,
    typed: bool = False,
    after_ms: int = 0,
) -> list[dict[str, Any]]:
    """Each query on a cold page (a fresh browser context: empty cache), `after_ms` after its
    load event: pasted whole, or typed key by key."""
    results = []
    for query, slugs in queries:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(base + "about/")
        page.wait_for_load_state("load")
        if after_ms:
            page.wait_for_timeout(after_ms)
        if typed:
            found = page.evaluate(TYPED_PROBE, [query, KEY_GAP_MS])
        else:
            found = page.evaluate(SEARCH_PROBE, query)
        found["expected"] = any(f"/communities/{slug}/" in found["first"] for slug in slugs)
        found["community_first"] = "/communities/" in found["first"]
        results.append(found)
        context.close()
    return results


def search_queries(site: Path) -> list[tuple[str, list[str]]]:
    """Five communities spread over the list, from the site's own list data: alternately by
    name (that community should come first) and by sponsor (one of the sponsor's should), a
    sponsor with several communities where one is near."""
    data = json.loads((site / "assets" / "generated" / "list.json").read_text("utf-8"))
    by_sponsor: dict[int, list[str]] = {}
    for slug, sponsor in zip(data["slug"], data["sponsor"], strict=True):
        by_sponsor.setdefault(sponsor, []).append(slug)
    count = data["rows"]
    picks = [count // 7, count // 3, count // 2, (count * 5) // 7, count - 1][:COLD_RUNS]
    queries = []
    for index, row in enumerate(picks):
        sponsor = data["sponsor"][row]
        if index % 2 == 0 or sponsor < 0:
            queries.append((data["name"][row], [data["slug"][row]]))
            continue
        shared = next(
            (i for i in range(sponsor, len(data["sponsors"])) if len(by_sponsor.get(i, [])) > 1),
            sponsor,
        )
        queries.append((data["sponsors"][shared], by_sponsor[shared]))
    return queries


# --- report --------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER TARGET"


def report(count: int, root: Path, builds: dict[str, float], lunr: list[dict[str, Any]]) -> None:
    site = root / "site"
    size, files = folder_size(site)
    biggest, slug = largest_community_page(site)
    with served(site, _Quiet, _QuietServer) as base, chromium() as browser:
        figures = measure_list(browser, base)
        queries = search_queries(site)
        searches = measure_search(browser, base, queries)
        reached = measure_search(browser, base, queries, after_ms=READER_MS)
        typed = measure_search(browser, base, queries, typed=True)
    target = count >= 10_000
    print(f"\nN={count} communities")
    print(f"  biglist build --strict     {builds['ours']:8.1f} s")
    ratio = builds["ours"] / builds["bare"]
    print(f"  bare mkdocs build --strict {builds['bare']:8.1f} s   ratio {ratio:.2f}")
    print(f"  site                       {size / MB:8.1f} MB in {files} files")
    transfer = figures.transfer
    print(
        f"  Big List page, gzip        {transfer['page'] / KB:8.1f} KB HTML; with its list data "
        f"{transfer['page_and_data'] / KB:.1f} KB"
        + (f" ({verdict(transfer['page_and_data'] <= MB)}: ≤ 1 MB)" if target else "")
    )
    print(
        f"  everything the page loads  {transfer['everything'] / KB:8.1f} KB gzip in "
        f"{transfer['requests']} requests (theme CSS/JS included)"
    )
    print(
        f"  largest community page     {biggest / KB:8.1f} KB HTML ({slug})"
        + (f" ({verdict(biggest <= 40 * KB)}: ≤ 40 KB)" if target else "")
    )
    print(f"  list interactive after     {figures.interactive_ms:8.0f} ms (cold page)")
    median = statistics.median(figures.latencies)
    p95 = percentile(figures.latencies, 0.95)
    keys = len(figures.latencies)
    print(
        f"  keystroke → updated list   median {median:.1f} ms, p95 {p95:.1f} ms over {keys} keys"
        + (f" ({verdict(p95 <= 50)}: p95 ≤ 50 ms)" if target else "")
    )
    _report_search("Pagefind, pasted whole at the load event", searches, target)
    _report_search(f"Pagefind, pasted whole {READER_MS} ms after the load event", reached, target)
    _report_search("Pagefind, typed at 10 keys/s, from the last key", typed, target)
    if lunr:
        _report_search("Material lunr (baseline), pasted whole", lunr, False)


def _report_search(name: str, searches: list[dict[str, Any]], target: bool) -> None:
    times = [found["ms"] for found in searches]
    firsts = sum(found["community_first"] for found in searches)
    expected = sum(found["expected"] for found in searches)
    worst = max(times)
    print(f"  first search result        {name}:")
    print(
        f"    median {statistics.median(times):.0f} ms, worst {worst:.0f} ms over {len(times)} "
        "cold pages" + (f" ({verdict(worst <= 300)}: ≤ 300 ms)" if target else "")
    )
    print(
        f"    a community page first in {firsts}/{len(searches)}; the one named (or one of the "
        f"sponsor's) first in {expected}/{len(searches)}"
    )


def measure(count: int, with_lunr: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="biglist-site-scale-") as folder:
        root = make_project(Path(folder) / "project", count)
        builds = measure_builds(root)
        lunr: list[dict[str, Any]] = []
        if with_lunr:
            lunr_site = build_lunr_site(root)
            with served(lunr_site, _Quiet, _QuietServer) as base, chromium() as browser:
                lunr = measure_search(browser, base, search_queries(lunr_site))
        report(count, root, builds, lunr)


def main() -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    args = [arg for arg in sys.argv[1:] if arg != "--lunr"]
    for count in [int(arg) for arg in args] or [1_000, 10_000]:
        measure(count, "--lunr" in sys.argv[1:])


if __name__ == "__main__":
    main()
