"""Helpers for the checker's tests: quick options, fetchers, throwaway data folders."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from generator.checking.fetch import Fetcher
from generator.checking.hosts import HostGate
from generator.checking.network import Network, Resolver, Watchdog
from generator.checking.options import CheckOptions
from generator.checking.probing import ProbeContext
from generator.checking.robots import RobotsCache

REPO = Path(__file__).resolve().parents[2]
VOCABULARIES = ("industries", "types", "access", "platforms", "sizes")
TODAY = dt.datetime.now(dt.UTC).date()

# Small times keep the suite fast; every limit is still exercised.
QUICK = CheckOptions(
    delay=0.0,
    timeout=2.0,
    connect_timeout=1.0,
    retries=1,
    backoff=0.01,
    max_retry_after=2.0,
    allow_private=True,
    checkpoint_seconds=0.0,
    concurrency=8,
    archive_api="",  # never the real Wayback Machine; archive tests name a loopback stand-in
)


def quick(**changes: Any) -> CheckOptions:
    return replace(QUICK, **changes)


def make_fetcher(options: CheckOptions = QUICK, network: Network | None = None) -> Fetcher:
    network = network or Network(Resolver(options.resolve), options.allow_private, Watchdog())
    gate = HostGate(options.delay, options.concurrency, options.give_up_after)
    return Fetcher(options, network, gate)


def make_context(fetcher: Fetcher, feeds: Mapping[str, Any] | None = None) -> ProbeContext:
    return ProbeContext(fetcher, RobotsCache(fetcher), TODAY, dict(feeds or {}))


def days_ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def rfc822(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time(12), dt.UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


def entry(url: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": fields.pop("name", f"Community at {url}"),
        "url": url,
        "sources": [url],
        "added": "2026-01-01",
        **fields,
    }


def make_data(root: Path, entries: Mapping[str, dict[str, Any]]) -> Path:
    """A data folder with the shipped vocabularies and the given entries (slug → fields)."""
    data = root / "data"
    (data / "communities").mkdir(parents=True, exist_ok=True)
    for name in VOCABULARIES:
        shutil.copy(REPO / "data" / f"{name}.yml", data / f"{name}.yml")
    for slug, fields in entries.items():
        text = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True)
        (data / "communities" / f"{slug}.yml").write_text(text, encoding="utf-8")
    return data
