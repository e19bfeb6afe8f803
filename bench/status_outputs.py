"""What the checker's state, the stats and the exports cost a build, at scale.

    python bench/status_outputs.py [N ...]        (default: 10000)

For each N: a synthetic project (bench/synthetic.py) and a synthetic check state for every
entry (seeded mix of outcomes and activity, written with the checker's own state writer).
Times, in one run, rendering every generated file without a state (the baseline) and with it,
then each stage of ours alone (state read, stats, changes, health, exports), and prints the
sizes of the exports and report pages.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synthetic import make_project
from generator.catalog.validation import Catalog, load_catalog
from generator.site.building import render_site
from generator.site.exports import exports
from generator.site.health import build_health
from generator.site.rendering import markup_environment
from generator.site.stats import build_changes, build_stats
from generator.site.status import read_check_state
from generator.site.views import build_site_view
from generator.state import CheckRecord, CheckState, Segment, state_to_json

T = TypeVar("T")
NOW = dt.datetime(2026, 11, 25, 3, tzinfo=dt.UTC)
# (outcome, link_status, weight): roughly what a nightly run of a real list looks like.
MIX = [
    ("ok", "ok", 70),
    ("moved", "moved", 8),
    ("gated", "gated", 8),
    ("blocked", "blocked", 4),
    ("timeout", "failing", 5),
    ("not_found", "dead", 5),
]


def synthetic_record(slug: str, url: str, rng: random.Random) -> CheckRecord:
    outcome, link_status = rng.choices([m[:2] for m in MIX], [m[2] for m in MIX])[0]
    age = rng.choice([2, 20, 90, 400, None])
    last = NOW.date() - dt.timedelta(days=age) if age is not None else None
    activity = (
        "unknown"
        if age is None
        else "active"
        if age <= 30
        else "slowing"
        if age <= 180
        else "dormant"
    )
    first_seen = NOW.date() - dt.timedelta(days=rng.randrange(1, 700))
    return CheckRecord(
        slug=slug,
        url=url,
        checked_at=NOW,
        outcome=outcome,
        link_status=link_status,
        http_status=200 if link_status in ("ok", "moved") else None,
        final_url=url.rstrip("/") + "/new/" if outcome == "moved" else url,
        offsite=outcome == "moved" and rng.random() < 0.3,
        last_activity=last,
        activity_source="feed" if last else None,
        activity=activity,
        failing_runs=3 if link_status == "dead" else 1 if link_status == "failing" else 0,
        failing_since=first_seen if link_status in ("failing", "dead") else None,
        history=(Segment("ok", first_seen), Segment(outcome, NOW.date())),
    )


def write_state(catalog: Catalog, path: Path) -> None:
    rng = random.Random(7)
    records = {
        entry.slug: synthetic_record(entry.slug, entry.community.url, rng)
        for entry in catalog.entries
    }
    path.write_text(state_to_json(CheckState(records)), encoding="utf-8")


def timed(action: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def measure(count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="biglist-bench-") as folder:
        root = make_project(Path(folder) / "project", count)
        catalog = load_catalog(root / "data")
        state_path = root / "data" / "check-state.json"
        write_state(catalog, state_path)
        render_site(catalog, generated_at=NOW)  # warm-up: imports and template compilation
        _, bare_s = timed(lambda: render_site(catalog, generated_at=NOW))
        state, read_s = timed(lambda: read_check_state(state_path))
        files, full_s = timed(lambda: render_site(catalog, state, generated_at=NOW))
        site = build_site_view(catalog, state)
        env = markup_environment()
        _, stats_s = timed(lambda: build_stats(site, catalog.vocabularies, env))
        _, changes_s = timed(lambda: build_changes(site))
        _, health_s = timed(lambda: build_health(site.communities))
        _, exports_s = timed(
            lambda: exports(
                site, catalog.vocabularies, env, site_url="https://x.test/", generated_at=NOW
            )
        )
    print(f"N={count} entries, state file {state_path.name} for every entry")
    print(f"  render without state (baseline)  {bare_s:6.2f} s")
    print(f"  render with state                {full_s:6.2f} s   ratio {full_s / bare_s:.2f}")
    print(f"  read state                       {read_s:6.2f} s")
    print(f"  stats / changes / health views   {stats_s:6.2f} / {changes_s:.2f} / {health_s:.2f} s")
    print(f"  exports (JSON, CSV, Atom, badges) {exports_s:5.2f} s")
    for path in (
        "api/communities.json",
        "communities.csv",
        "feed.xml",
        "stats.md",
        "changes.md",
        "health.md",
        "activity/unknown.md",
    ):
        print(f"  {path:28} {len(str(files[path]).encode()) / 1024:9.0f} KB")
    badges = [value for name, value in files.items() if name.startswith("badges/")]
    print(f"  badges/*.svg                 {sum(map(len, badges)) / 1024:9.0f} KB in {len(badges)}")


def main() -> None:
    for count in [int(arg) for arg in sys.argv[1:]] or [10_000]:
        measure(count)


if __name__ == "__main__":
    main()
