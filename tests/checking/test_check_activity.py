"""Activity evidence from every source, in order of trust, against loopback sites."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import pytest
from checker_support import TODAY, days_ago, make_context, make_fetcher, rfc822
from loopback_web import Host, Reply, Web, gzipped, html, rss

from generator.checking.activity import (
    ActivityResult,
    Subject,
    Thresholds,
    classify,
    find_activity,
)
from generator.checking.fetch import Fetcher
from generator.checking.links import visit
from generator.state import FeedCache


def activity_of(
    url: str,
    feeds: Sequence[str] = (),
    platform: str | None = None,
    fetcher: Fetcher | None = None,
    memory: dict[str, FeedCache] | None = None,
) -> ActivityResult:
    fetcher = fetcher or make_fetcher()
    link = visit(fetcher, url)
    context = make_context(fetcher, memory)
    return find_activity(context, Subject(url, feeds, platform, link), Thresholds())


def feed_link(path: str) -> str:
    return f"<link rel='alternate' type='application/rss+xml' href='{path}'>"


def iso(day: dt.date) -> str:
    return f"{day.isoformat()}T10:20:30.000Z"


def as_json(data: object) -> Reply:
    return Reply(200, json.dumps(data), headers={"Content-Type": "application/json"})


def test_the_entry_feeds_come_first(web: Web) -> None:
    site = web.host()
    site.route("/", Reply(200, html(head=feed_link("/advertised.rss"))))
    site.route("/own.rss", Reply(200, rss(rfc822(days_ago(50)), rfc822(days_ago(90)))))
    site.route("/advertised.rss", Reply(200, rss(rfc822(days_ago(2)))))
    result = activity_of(site.url(), feeds=[site.url("/own.rss")])
    assert (result.source, result.last_activity, result.activity) == (
        "feed",
        days_ago(50),
        "slowing",
    )
    assert site.count("/advertised.rss") == 0


def test_a_feed_advertised_in_the_page_head(web: Web) -> None:
    site = web.host()
    site.route("/", Reply(200, html(head=feed_link("/feed.rss"))))
    site.route("/feed.rss", Reply(200, rss(rfc822(days_ago(3)), rfc822(days_ago(10)))))
    result = activity_of(site.url())
    assert (result.source, result.last_activity, result.activity) == ("feed", days_ago(3), "active")
    assert result.url == site.url("/feed.rss")


def test_atom_updated_dates(web: Web) -> None:
    site = web.host()
    atom = (
        "<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>x</title>"
        f"<entry><title>a</title><updated>{iso(days_ago(200))}</updated></entry></feed>"
    )
    site.route("/", Reply(200, html()))
    site.route("/atom", Reply(200, atom, headers={"Content-Type": "application/atom+xml"}))
    result = activity_of(site.url(), feeds=[site.url("/atom")])
    assert (result.last_activity, result.activity) == (days_ago(200), "dormant")


def test_a_malformed_feed_falls_through_to_the_next_source(web: Web) -> None:
    site = web.host()
    page = html(head=feed_link("/bad.rss"), body=f"<time datetime='{days_ago(4)}'>x</time>")
    site.route("/", Reply(200, page))
    site.route("/bad.rss", Reply(200, "<rss><channel><item><pubDate>someday</pubDate><oops"))
    result = activity_of(site.url())
    assert (result.source, result.last_activity) == ("page", days_ago(4))


def test_future_and_ancient_feed_dates_are_ignored(web: Web) -> None:
    site = web.host().route("/", Reply(200, html()))
    dates = (
        rfc822(TODAY + dt.timedelta(days=40)),
        "Mon, 01 Jan 1990 00:00:00 GMT",
        rfc822(days_ago(7)),
    )
    site.route("/f", Reply(200, rss(*dates)))
    assert activity_of(site.url(), feeds=[site.url("/f")]).last_activity == days_ago(7)


def discourse_page() -> str:
    return html("Acme Forum", head="<meta name='generator' content='Discourse 3.3.0'>")


def test_discourse_recognised_from_the_page(web: Web) -> None:
    site = web.host().route("/", Reply(200, discourse_page()))
    topics = [
        {"id": 1, "pinned": True, "last_posted_at": iso(days_ago(400))},
        {"id": 2, "last_posted_at": iso(days_ago(1)), "bumped_at": iso(days_ago(1))},
        {"id": 3, "last_posted_at": None, "bumped_at": iso(days_ago(9))},
    ]
    site.route("/latest.json", as_json({"topic_list": {"topics": topics}}))
    result = activity_of(site.url())
    assert (result.source, result.last_activity, result.activity) == (
        "discourse",
        days_ago(1),
        "active",
    )
    assert site.requests[-1].headers["Accept"] == "application/json"


def test_discourse_named_by_the_platform_in_a_subfolder(web: Web) -> None:
    site = web.host().route("/forum", Reply(200, html("Forum")))
    topics = [{"last_posted_at": iso(days_ago(60))}]
    site.route("/forum/latest.json", as_json({"topic_list": {"topics": topics}}))
    result = activity_of(site.url("/forum"), platform="discourse")
    assert (result.source, result.activity) == ("discourse", "slowing")


def test_discourse_counts_when_there_is_no_topic_list(web: Web) -> None:
    site = web.host().route("/", Reply(200, discourse_page()))
    site.route("/about.json", as_json({"about": {"stats": {"posts_30_days": 12}}}))
    result = activity_of(site.url())
    assert (result.source, result.activity, result.last_activity, result.recent_posts) == (
        "discourse",
        "active",
        None,
        12,
    )


def test_a_login_required_discourse_is_read_from_its_statistics(web: Web) -> None:
    site = web.host()
    site.route("/", Reply(302, headers={"Location": "/login"}))
    site.route("/login", Reply(200, discourse_page(), headers={"X-Discourse-Route": "x"}))
    site.route("/site/statistics.json", as_json({"posts_7_days": 40, "posts_30_days": 150}))
    result = activity_of(site.url())
    assert (result.source, result.activity, result.last_activity) == ("discourse", "active", None)
    assert site.count("/latest.json") == 0 and site.count("/about.json") == 0


def test_a_quiet_discourse_gives_no_count_evidence(web: Web) -> None:
    site = web.host().route("/", Reply(200, discourse_page()))
    site.route("/site/statistics.json", as_json({"posts_7_days": 0, "posts_30_days": 0}))
    assert activity_of(site.url()).activity == "unknown"


def test_malformed_json_is_no_evidence(web: Web) -> None:
    site = web.host().route("/", Reply(200, discourse_page()))
    site.route("/latest.json", Reply(200, "{not json"))
    site.route("/about.json", Reply(200, "[" * 100000))
    site.route("/site/statistics.json", as_json(["unexpected", "shape"]))
    assert activity_of(site.url()).activity == "unknown"


def test_khoros_newest_message(web: Web) -> None:
    site = web.host().route("/", Reply(200, html("Acme Community", body="<div class='lia-page'>")))
    items = [{"type": "message", "post_time": "2026-01-01T08:13:52.000-08:00"}]
    site.route("/api/2.0/search", as_json({"status": "success", "data": {"items": items}}))
    result = activity_of(site.url())
    assert (result.source, result.last_activity) == ("khoros", dt.date(2026, 1, 1))
    query = next(path for path in site.paths() if path.startswith("/api/2.0/search"))
    assert "ORDER%20BY%20post_time%20DESC" in query


def test_vanilla_latest_discussion(web: Web) -> None:
    site = web.host().route("/", Reply(200, html("Acme Forums")))
    found = [{"dateInserted": iso(days_ago(90)), "dateLastComment": iso(days_ago(5))}]
    site.route("/api/v2/discussions", as_json(found))
    result = activity_of(site.url(), platform="vanilla")
    assert (result.source, result.last_activity) == ("vanilla", days_ago(5))
    assert "sort=-dateLastComment" in site.paths()[-1]


def sitemap(*pages: tuple[str, dt.date]) -> str:
    urls = "".join(
        f"<url><loc>{loc}</loc><lastmod>{day.isoformat()}</lastmod></url>" for loc, day in pages
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>"
    )


def test_sitemap_found_through_robots_txt(web: Web) -> None:
    site = web.host().route("/community/", Reply(200, html()))
    site.route("/robots.txt", Reply(200, f"User-agent: *\nSitemap: {site.url('/maps/main.xml')}\n"))
    pages = [
        (site.url("/community/t/1"), days_ago(20)),
        (site.url("/community/t/2"), days_ago(40)),
        (site.url("/blog/new"), days_ago(1)),
    ]
    site.route("/maps/main.xml", Reply(200, sitemap(*pages)))
    result = activity_of(site.url("/community/"))
    assert (result.source, result.last_activity) == ("sitemap", days_ago(20))


def test_a_sitemap_stamped_with_one_date_proves_nothing(web: Web) -> None:
    site = web.host().route("/", Reply(200, html()))
    site.route(
        "/sitemap.xml", Reply(200, sitemap((site.url("/a"), TODAY), (site.url("/b"), TODAY)))
    )
    assert activity_of(site.url()).source is None


def test_a_sitemap_index_reads_a_few_children(web: Web) -> None:
    site = web.host().route("/", Reply(200, html()))
    children = "".join(f"<sitemap><loc>{site.url(f'/s{n}.xml')}</loc></sitemap>" for n in range(9))
    index = (
        "<?xml version='1.0'?><sitemapindex "
        f"xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{children}</sitemapindex>"
    )
    site.route("/sitemap.xml", Reply(200, index))
    for n in range(9):
        page = sitemap((site.url(f"/p{n}"), days_ago(n + 3)), (site.url(f"/q{n}"), days_ago(99)))
        site.route(f"/s{n}.xml", Reply(200, page))
    result = activity_of(site.url())
    assert (result.source, result.last_activity) == ("sitemap", days_ago(3))
    assert sum(site.count(f"/s{n}.xml") for n in range(9)) == 3


def test_a_gzipped_sitemap(web: Web) -> None:
    site = web.host().route("/", Reply(200, html()))
    body = sitemap((site.url("/a"), days_ago(8)), (site.url("/b"), days_ago(30)))
    site.route("/robots.txt", Reply(200, f"Sitemap: {site.url('/sitemap.xml.gz')}\n"))
    site.route("/sitemap.xml.gz", Reply(200, gzipped(body.encode())))
    assert activity_of(site.url()).last_activity == days_ago(8)


def test_dates_on_the_page_are_the_last_resort(web: Web) -> None:
    listing = "".join(
        f"<li><time datetime='{days_ago(n).isoformat()}'>x</time></li>" for n in (12, 40, 300)
    )
    site = web.host().route("/", Reply(200, html(body=f"<ul>{listing}</ul>")))
    result = activity_of(site.url())
    assert (result.source, result.last_activity, result.activity) == (
        "page",
        days_ago(12),
        "active",
    )


def test_no_evidence_at_all_is_unknown(web: Web) -> None:
    site = web.host().route("/", Reply(200, html(body="<p>Welcome</p>")))
    result = activity_of(site.url())
    assert (result.activity, result.source, result.last_activity) == ("unknown", None, None)


def test_robots_txt_is_obeyed_for_probes_not_for_the_visit(web: Web) -> None:
    site = web.host()
    site.route("/robots.txt", Reply(200, "User-agent: BigListChecker\nDisallow: /\n"))
    site.route("/", Reply(200, html(head=feed_link("/feed.rss"), body="<p>hi</p>")))
    site.route("/feed.rss", Reply(200, rss(rfc822(days_ago(1)))))
    result = activity_of(site.url(), platform="discourse")
    assert result.activity == "unknown"
    assert site.paths() == ["/", "/robots.txt"]


def test_an_unreachable_robots_txt_forbids_probes(web: Web) -> None:
    site = web.host()
    site.route("/robots.txt", Reply(503, "down"))
    site.route("/", Reply(200, html(head=feed_link("/feed.rss"))))
    site.route("/feed.rss", Reply(200, rss(rfc822(days_ago(1)))))
    assert activity_of(site.url()).source is None
    assert site.count("/feed.rss") == 0


def test_a_missing_robots_txt_allows_probes(web: Web) -> None:
    site = web.host()
    site.route("/", Reply(200, html(head=feed_link("/feed.rss"))))
    site.route("/feed.rss", Reply(200, rss(rfc822(days_ago(1)))))
    assert activity_of(site.url()).source == "feed"
    assert site.count("/robots.txt") == 1


def test_robots_txt_is_fetched_once_per_site(web: Web) -> None:
    site = web.host()
    site.route("/", Reply(200, html(head=feed_link("/feed.rss"))))
    site.route("/feed.rss", Reply(200, rss(rfc822(days_ago(1)))))
    fetcher = make_fetcher()
    context = make_context(fetcher)
    for _ in range(3):
        link = visit(fetcher, site.url())
        find_activity(context, Subject(site.url(), [], None, link), Thresholds())
    assert site.count("/robots.txt") == 1 and site.count("/feed.rss") == 1


def test_an_unchanged_feed_answers_304_and_keeps_its_date(web: Web) -> None:
    site = web.host().route("/", Reply(200, html()))

    def feed(seen: object) -> Reply:
        headers = getattr(seen, "headers", {})
        if headers.get("If-None-Match") == '"v1"':
            return Reply(304)
        return Reply(200, rss(rfc822(days_ago(1))), headers={"ETag": '"v2"'})

    site.route("/f", feed)
    memory = {site.url("/f"): FeedCache('"v1"', None, days_ago(15))}
    result = activity_of(site.url(), feeds=[site.url("/f")], memory=memory)
    assert (result.source, result.last_activity) == ("feed", days_ago(15))
    assert site.requests[-1].headers.get("If-None-Match") == '"v1"'


def test_a_failing_site_is_not_probed(web: Web) -> None:
    site: Host = web.host().route("/", Reply(404, "gone"))
    result = activity_of(site.url(), feeds=[site.url("/feed")], platform="discourse")
    assert result.activity == "unknown"
    assert site.paths() == ["/"]


@pytest.mark.parametrize(
    ("age", "level"),
    [(0, "active"), (30, "active"), (31, "slowing"), (180, "slowing"), (181, "dormant")],
)
def test_thresholds(age: int, level: str) -> None:
    assert classify(days_ago(age), TODAY, Thresholds(30, 180)) == level


def test_thresholds_are_configurable() -> None:
    assert classify(days_ago(10), TODAY, Thresholds(7, 14)) == "slowing"
    assert classify(days_ago(15), TODAY, Thresholds(7, 14)) == "dormant"
