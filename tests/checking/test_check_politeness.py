"""Politeness, asserted on the server side: one request in flight per host, pauses between
requests, a global bound, Retry-After and backoff, and hosts given up after timeouts."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime
from pathlib import Path

from checker_support import entry, make_data, make_fetcher, quick
from loopback_web import Reply, Seen, Web, html

from generator.checking import check_communities
from generator.checking.fetch import retry_after
from generator.checking.links import visit


def test_one_request_in_flight_per_host_and_a_pause_between(tmp_path: Path, web: Web) -> None:
    site = web.host()
    entries = {}
    for n in range(6):
        site.route(f"/{n}", Reply(200, html(), delay=0.05))
        entries[f"e{n}"] = entry(site.url(f"/{n}"), name=f"E{n}")
    data = make_data(tmp_path, entries)
    check_communities(data, options=quick(delay=0.15, concurrency=6, timeout=10))
    assert site.max_in_flight == 1
    assert len(site.requests) >= 6
    assert min(site.gaps()) >= 0.15


def test_requests_in_flight_are_bounded_over_all_hosts(tmp_path: Path, web: Web) -> None:
    entries = {}
    for n in range(8):
        host = web.host().route("/", Reply(200, html(), delay=0.1))
        entries[f"e{n}"] = entry(host.url(), name=f"E{n}")
    data = make_data(tmp_path, entries)
    check_communities(data, options=quick(concurrency=2, timeout=10))
    assert web.max_in_flight == 2


def test_a_redirect_to_a_busy_host_waits_its_turn(tmp_path: Path, web: Web) -> None:
    shared = web.host()
    shared.route("/", Reply(200, html(), delay=0.1)).route("/moved", Reply(200, html(), delay=0.1))
    elsewhere = [
        web.host().route("/", Reply(301, headers={"Location": shared.url("/moved")}))
        for _ in range(4)
    ]
    entries = {f"r{n}": entry(host.url(), name=f"R{n}") for n, host in enumerate(elsewhere)}
    entries["shared"] = entry(shared.url())
    run = check_communities(make_data(tmp_path, entries), options=quick(concurrency=8, timeout=10))
    assert {record.outcome for record in run.records} == {"moved", "ok"}
    assert shared.max_in_flight == 1


def test_retry_after_is_honoured(web: Web) -> None:
    answers = iter([Reply(429, headers={"Retry-After": "1"}), Reply(200, html())])
    site = web.host().route("/", lambda seen: next(answers))
    assert visit(make_fetcher(), site.url()).outcome == "ok"
    assert site.count("/") == 2 and site.gaps()[0] >= 1.0


def test_retry_after_as_a_date(web: Web) -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    answers = iter(
        [
            Reply(503, headers={"Retry-After": format_datetime(later, usegmt=True)}),
            Reply(200, html()),
        ]
    )
    site = web.host().route("/", lambda seen: next(answers))
    assert visit(make_fetcher(quick(max_retry_after=5)), site.url()).outcome == "ok"
    assert site.gaps()[0] >= 0.5


def test_still_rate_limited_after_the_retries(web: Web) -> None:
    site = web.host().route("/", Reply(429, headers={"Retry-After": "0"}))
    result = visit(make_fetcher(quick(retries=2)), site.url())
    assert (result.outcome, result.http_status) == ("rate_limited", 429)
    assert site.count("/") == 3


def test_backoff_grows_between_retries(web: Web) -> None:
    site = web.host().route("/", Reply(502, "bad gateway"))
    visit(make_fetcher(quick(retries=3, backoff=0.1)), site.url())
    gaps = site.gaps()
    assert len(gaps) == 3
    # base × 2^attempt × jitter in [0.5, 1.5]
    assert gaps[0] >= 0.05 and gaps[1] >= 0.1 and gaps[2] >= 0.2


def test_a_host_that_keeps_timing_out_is_given_up(tmp_path: Path, web: Web) -> None:
    site = web.host()
    entries = {}
    for n in range(5):
        site.route(f"/{n}", Reply(hang=True))
        entries[f"e{n}"] = entry(site.url(f"/{n}"), name=f"E{n}")
    data = make_data(tmp_path, entries)
    run = check_communities(data, options=quick(timeout=0.3, retries=1, give_up_after=2))
    assert [record.outcome for record in run.records] == ["timeout"] * 5
    assert len(site.requests) == 2
    assert "skipped" in run.records[-1].detail


def test_crawl_delay_spaces_the_probes(web: Web) -> None:
    site = web.host()
    site.route("/robots.txt", Reply(200, "User-agent: *\nCrawl-delay: 0.4\n"))
    site.route("/", Reply(200, html(head="<link rel=alternate type=application/rss+xml href=/f>")))
    site.route("/f", Reply(200, "<rss/>"))
    from checker_support import make_context

    from generator.checking.activity import Subject, Thresholds, find_activity

    fetcher = make_fetcher()
    link = visit(fetcher, site.url())
    find_activity(make_context(fetcher), Subject(site.url(), [], None, link), Thresholds())
    requests: list[Seen] = sorted(site.requests, key=lambda seen: seen.started)
    assert [seen.path for seen in requests][:3] == ["/", "/robots.txt", "/f"]
    assert site.gaps()[1] >= 0.4  # robots.txt → feed


def test_retry_after_parsing() -> None:
    assert retry_after("120") == 120.0
    assert retry_after("") is None
    assert retry_after("soon") is None
    past = format_datetime(dt.datetime(2000, 1, 1, tzinfo=dt.UTC), usegmt=True)
    assert retry_after(past) == 0.0


def test_several_processes_still_take_turns_per_host(tmp_path: Path, web: Web) -> None:
    shared = web.host().route("/moved", Reply(200, html(), delay=0.05))
    entries = {}
    for n in range(12):
        host = web.host()
        host.route("/", Reply(301, headers={"Location": shared.url("/moved")}))
        host.route("/b", Reply(200, html(), delay=0.02))
        entries[f"r{n:02}"] = entry(host.url(), name=f"R{n}")
        entries[f"b{n:02}"] = entry(host.url("/b"), name=f"B{n}")
    data = make_data(tmp_path, entries)
    run = check_communities(data, options=quick(processes=3, concurrency=6, delay=0.05, timeout=10))
    assert len(run.records) == 24
    assert {r.outcome for r in run.records} == {"moved", "ok"}
    assert shared.max_in_flight == 1 and shared.count("/moved") == 12
    assert min(shared.gaps()) >= 0.05
    assert max(host.max_in_flight for host in web.hosts) == 1
