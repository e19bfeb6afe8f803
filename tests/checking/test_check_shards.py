"""Checking past one machine: `check --shard K/N` and `state merge` give the state of one run."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from checker_support import days_ago, entry, make_data, quick, rfc822
from click.testing import CliRunner
from loopback_web import Host, Reply, Web, html, rss

from generator.checking import check_communities
from generator.checking.statefile import merge_state_files
from generator.cli import cli
from generator.errors import CheckError
from generator.sharding import Shard, ShardError, merge_states, parse_shard, shard_of
from generator.state import read_state

NIGHT = dt.datetime.now(dt.UTC).replace(hour=3, minute=0, second=0, microsecond=0)
NIGHTS = [NIGHT - dt.timedelta(days=2), NIGHT - dt.timedelta(days=1), NIGHT]


def test_parse_shard() -> None:
    assert parse_shard("2/4") == Shard(2, 4)
    assert parse_shard(" 1 / 1 ") == Shard(1, 1)
    for bad in ("0/4", "5/4", "1/0", "x/4", "2", "1/9999"):
        with pytest.raises(ShardError):
            parse_shard(bad)


def test_a_host_is_in_exactly_one_shard_and_always_the_same() -> None:
    hosts = [f"community{n}.example.com" for n in range(2000)]
    for count in (1, 2, 3, 4, 7):
        shards = [Shard(index, count) for index in range(1, count + 1)]
        for host in hosts:
            url = f"https://{host}/forum"
            assert sum(shard.holds(url) for shard in shards) == 1
        sizes = [sum(shard_of(host, count) == s.index for host in hosts) for s in shards]
        assert min(sizes) > len(hosts) / count * 0.8  # the hash spreads hosts evenly
    # Stable across processes and Python versions (SHA-256, not the salted hash()).
    assert [shard_of("community.sap.com", 4), shard_of("COMMUNITY.SAP.COM", 4)] == [
        shard_of("community.sap.com", 4)
    ] * 2
    assert shard_of("community.sap.com", 4) == _sha_shard("community.sap.com", 4)


def _sha_shard(host: str, count: int) -> int:
    import hashlib

    return 1 + int.from_bytes(hashlib.sha256(host.encode()).digest()[:8], "big") % count


def _varied_web(web: Web) -> dict[str, dict[str, Any]]:
    """Hosts that answer the same way whoever asks: alive with a feed, Discourse, moved, gone,
    erroring, unreachable; several entries on some hosts."""
    entries: dict[str, dict[str, Any]] = {}
    for number in range(4):
        site = web.host()
        feed = rss(rfc822(days_ago(2 + 40 * number)))
        site.route("/", Reply(200, html(head=_feed_link())))
        site.route("/feed.xml", Reply(200, feed, {"Content-Type": "application/rss+xml"}))
        site.route("/b/", Reply(200, html()))
        entries[f"feed-{number}"] = entry(site.url())
        entries[f"feed-{number}-b"] = entry(site.url("/b/"))
    generator = '<meta name="generator" content="Discourse 3.3">'
    forum = web.host().route("/", Reply(200, html(head=generator)))
    forum.route("/latest.json", Reply(200, json.dumps({"topic_list": {"topics": []}})))
    about = {"about": {"stats": {"posts_30_days": 1240, "posts_7_days": 300}}}
    forum.route("/about.json", Reply(200, json.dumps(about)))
    entries["forum"] = entry(forum.url(), platform="discourse")
    for number in range(3):
        gone = web.host().route("/", Reply(404, "<title>Not Found</title>"))
        entries[f"gone-{number}"] = entry(gone.url())
    moved = web.host().route("/", Reply(301, headers={"Location": "/new/"}))
    moved.route("/new/", Reply(200, html()))
    entries["moved"] = entry(moved.url())
    broken = web.host().route("/", Reply(500, "oops"))
    entries["broken"] = entry(broken.url())
    entries["unreachable"] = entry(web.closed_port())
    return entries


def _a_host_in_every_shard(web: Web, count: int) -> dict[str, dict[str, Any]]:
    """Loopback addresses come from a counter shared by the whole session, so which shards the
    varied hosts fall in depends on the tests run before: add plain live hosts until every
    shard has one of its own."""
    entries: dict[str, dict[str, Any]] = {}
    empty = set(range(1, count + 1))
    while empty:
        site = web.host().route("/", Reply(200, html()))
        empty.discard(shard_of(site.address, count))
        entries[f"filler-{len(entries)}"] = entry(site.url())
    return entries


def _feed_link() -> str:
    return '<link rel="alternate" type="application/rss+xml" href="/feed.xml">'


def _requested(hosts: list[Host]) -> list[int]:
    return [len(host.requests) for host in hosts]


def test_merged_shard_runs_equal_one_unsharded_run(tmp_path: Path, web: Web) -> None:
    count = 3
    entries = _varied_web(web) | _a_host_in_every_shard(web, count)
    whole = make_data(tmp_path / "whole", entries)
    sharded = make_data(tmp_path / "sharded", entries)
    snapshot = {
        "archived_snapshots": {
            "closest": {
                "available": True,
                "status": "200",
                "url": "http://web.archive.org/web/20240101000000/x",
                "timestamp": "20240101",
            }
        }
    }
    archive = web.host().route("/available", Reply(200, json.dumps(snapshot)))
    options = quick(retries=0, archive_api=archive.url("/available"))
    sites = [host for host in web.hosts if host is not archive]
    for night in NIGHTS:
        check_communities(whole, options=options, clock=lambda night=night: night)
        touched: list[set[str]] = []
        for index in range(1, count + 1):
            shard_state = tmp_path / f"shard-{index}.json"
            committed = sharded / "check-state.json"
            if committed.exists():
                shutil.copy(committed, shard_state)
            before = _requested(sites)
            run = check_communities(
                sharded,
                state_path=shard_state,
                options=options,
                clock=lambda night=night: night,
                shard=Shard(index, count),
            )
            after = _requested(sites)
            touched.append(
                {h.address for h, b, a in zip(sites, before, after, strict=True) if a > b}
            )
            assert all(Shard(index, count).holds(record.url) for record in run.records)
        # No host was visited by two shards, and every shard had work.
        assert all(touched)
        for index, hosts in enumerate(touched):
            assert not hosts & set().union(*touched[:index], *touched[index + 1 :])
        paths = [tmp_path / f"shard-{index}.json" for index in range(1, count + 1)]
        merge_state_files(sharded / "check-state.json", paths)
        mine = (sharded / "check-state.json").read_text("utf-8")
        assert mine == (whole / "check-state.json").read_text("utf-8")
    records = read_state(whole / "check-state.json").records
    statuses = {slug: record.link_status for slug, record in records.items()}
    assert statuses["gone-0"] == "dead" and statuses["broken"] == "dead"
    assert statuses["moved"] == "moved" and statuses["feed-0"] == "ok"
    assert records["feed-0"].activity == "active" and records["feed-3"].activity == "slowing"
    assert records["gone-1"].failing_runs == 3
    assert records["gone-1"].learned.archive_date == dt.date(2024, 1, 1)
    assert records["forum"].learned.archive_url is None


def test_merge_refuses_an_incomplete_or_mixed_set(tmp_path: Path, web: Web) -> None:
    site = web.host().route("/", Reply(200, html()))
    data = make_data(tmp_path, {"one": entry(site.url())})
    states = []
    for index in (1, 2):
        path = tmp_path / f"s{index}.json"
        check_communities(data, state_path=path, options=quick(), shard=Shard(index, 2))
        states.append(read_state(path))
    assert len(merge_states(states).records) == 1
    assert merge_states(states).shard is None
    with pytest.raises(ShardError, match="missing shard 2/2"):
        merge_states(states[:1])
    with pytest.raises(ShardError, match="given twice"):
        merge_states([states[0], states[0]])
    whole = tmp_path / "whole.json"
    check_communities(data, state_path=whole, options=quick())
    with pytest.raises(ShardError, match="check --shard"):
        merge_states([*states, read_state(whole)])
    with pytest.raises(CheckError, match="no such state file"):
        merge_state_files(tmp_path / "out.json", [tmp_path / "nothing.json"])


def test_an_entry_that_moved_to_another_shards_host_keeps_its_new_record(
    tmp_path: Path, web: Web
) -> None:
    """The run that did not check it still holds the old record: the later check wins."""
    hosts = [web.host().route("/", Reply(200, html())) for _ in range(12)]
    old = hosts[0]
    new = next(h for h in hosts if shard_of(h.address, 2) != shard_of(old.address, 2))
    data = make_data(tmp_path, {"c": entry(old.url())})
    check_communities(data, options=quick(), clock=lambda: NIGHTS[0])
    make_data(tmp_path, {"c": entry(new.url())})
    paths = []
    for index in (1, 2):
        path = tmp_path / f"s{index}.json"
        shutil.copy(data / "check-state.json", path)
        check_communities(
            data, state_path=path, options=quick(), clock=lambda: NIGHTS[1], shard=Shard(index, 2)
        )
        paths.append(path)
    merge_state_files(data / "check-state.json", paths)
    record = read_state(data / "check-state.json").records["c"]
    assert record.url == new.url() and record.checked_at == NIGHTS[1]


def test_the_cli_shards_and_merges(tmp_path: Path, web: Web, monkeypatch: Any) -> None:
    sites = [web.host().route("/", Reply(200, html())) for _ in range(6)]
    data = make_data(tmp_path, {f"c{n}": entry(site.url()) for n, site in enumerate(sites)})
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    paths = []
    for index in (1, 2):
        path = f"s{index}.json"
        args = ["check", "--data", str(data), "--state", path, "--allow-private", "--archive-api="]
        result = runner.invoke(cli, [*args, "--delay", "0", "--shard", f"{index}/2"])
        assert result.exit_code == 0, result.output
        paths.append(path)
    result = runner.invoke(cli, ["state", "merge", "merged.json", *paths])
    assert result.exit_code == 0, result.output
    assert "6 communities" in result.output
    assert sorted(read_state(tmp_path / "merged.json").records) == [f"c{n}" for n in range(6)]
    bad = runner.invoke(cli, ["check", "--data", str(data), "--shard", "3/2"])
    assert bad.exit_code == 2 and "--shard" in bad.output
    missing = runner.invoke(cli, ["state", "merge", "out.json", paths[0]])
    assert missing.exit_code == 1 and "missing shard 2/2" in missing.output
