"""Detected platform, access and activity volume, from loopback sites that show themselves the
way each platform's software does (headers, cookies, generator tags, scripts, addresses).

The markup is written after the platforms' public pages and documentation (the Telligent
generator tag as a real Telligent Community 9 page carries it); only the signature matters,
so each page is otherwise plain.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from checker_support import days_ago, entry, make_data, quick, rfc822
from loopback_web import Host, Reply, Web, html, rss

from generator.checking import check_communities
from generator.checking.detection import detect_platform
from generator.state import CheckRecord

UUID = "2a3f0f34-6c4f-4d3f-8a4b-2f6e1a7c9d00"

# (slug, expected platform, path, headers, head, body)
PAGES: list[tuple[str, str, str, dict[str, str], str, str]] = [
    ("discourse-header", "discourse", "/", {"X-Discourse-Route": "list/latest"}, "", ""),
    (
        "discourse-generator",
        "discourse",
        "/",
        {},
        '<meta name="generator" content="Discourse 3.4.0 - https://github.com/discourse/discourse">',
        "",
    ),
    ("discourse-setup", "discourse", "/", {}, '<meta id="data-discourse-setup" data-cdn="">', ""),
    (
        "khoros-cookie",
        "khoros",
        "/",
        {"Set-Cookie": "LiSESSIONID=6C1E0A; Path=/; Secure; HttpOnly"},
        "",
        "",
    ),
    (
        "khoros-scripts",
        "khoros",
        "/",
        {},
        "",
        '<script>LITHIUM.Loader.runJsAttached([{"name":"x"}]);</script>',
    ),
    (
        "khoros-t5",
        "khoros",
        "/t5/community/ct-p/community",
        {},
        "",
        '<div class="lia-page"><div class="lia-component-forums-widget-board-list"></div></div>',
    ),
    ("vanilla-gdn", "vanilla", "/", {}, '<script>gdn.meta = {"DeliveryType":"ALL"};</script>', ""),
    (
        "vanilla-assets",
        "vanilla",
        "/",
        {},
        '<script src="/applications/vanilla/js/discussions.js"></script>',
        "",
    ),
    (
        "higher-logic",
        "higher-logic",
        "/",
        {},
        '<script src="https://higherlogicdownload.s3.amazonaws.com/ACME/theme.js"></script>',
        f'<a href="/communities/community-home?CommunityKey={UUID}">Open Forum</a>',
    ),
    ("insided", "insided", "/", {}, "<script>window.inSidedData = {};</script>", ""),
    (
        "salesforce-assets",
        "salesforce-experience-cloud",
        "/s/",
        {},
        '<script src="/s/sfsites/auraFW/javascript/abc/aura_prod.js"></script>',
        "",
    ),
    ("jive", "jive", "/", {}, '<script>var _jive_base_url = "https://acme.example";</script>', ""),
    (
        "verint-generator",
        "verint",
        "/",
        {},
        '<meta name="GENERATOR" content="Telligent Community 9">',
        "",
    ),
    (
        "verint-scripts",
        "verint",
        "/",
        {},
        '<script src="/utility/jquery/telligent.glow.min.js?LastChanged=1"></script>',
        "",
    ),
    (
        "xenforo-markup",
        "xenforo",
        "/",
        {},
        "",
        "",
    ),
    ("xenforo-cookie", "xenforo", "/", {"Set-Cookie": "xf_csrf=abc; path=/"}, "", ""),
    (
        "vbulletin",
        "vbulletin",
        "/",
        {},
        '<meta name="generator" content="vBulletin 4.2.5" />',
        "",
    ),
    ("vbulletin-cookie", "vbulletin", "/", {"Set-Cookie": "bbsessionhash=9f; path=/"}, "", ""),
    ("phpbb-cookie", "phpbb", "/", {"Set-Cookie": "phpbb3_x1y2z_sid=abc; path=/"}, "", ""),
    (
        "phpbb-footer",
        "phpbb",
        "/",
        {},
        "",
        'Powered by <a href="https://www.phpbb.com/">phpBB</a>&reg; Forum Software',
    ),
]

# Addresses on a platform's own domain (served on loopback under that name).
ADDRESSES: list[tuple[str, str, str, str]] = [
    ("salesforce-address", "salesforce-experience-cloud", "acme.my.site.com", "/s/"),
    ("circle", "circle", "acme.circle.so", "/"),
    ("bettermode", "bettermode", "community.bettermode.io", "/"),
    ("mighty", "mighty-networks", "acme.mightynetworks.com", "/"),
    ("ning", "ning", "acme.ning.com", "/"),
    ("zendesk", "zendesk-gather", "acme.zendesk.com", "/hc/en-us/community/topics"),
    ("discord", "discord", "discord.gg", "/acme"),
    ("discord-invite", "discord", "discord.com", "/invite/acme"),
    ("slack", "slack", "join.slack.com", "/t/acme/shared_invite/zt-1"),
    ("slack-workspace", "slack", "acme.slack.com", "/"),
    ("google-groups", "email-list", "groups.google.com", "/g/acme-users"),
    ("linkedin", "linkedin-group", "www.linkedin.com", "/groups/1234567/"),
    ("facebook", "facebook-group", "www.facebook.com", "/groups/acme/"),
    ("reddit", "reddit", "www.reddit.com", "/r/acme/"),
]

# Pages that must not be taken for a platform: words, links and look-alikes.
DECOYS: list[tuple[str, str, dict[str, str], str, str]] = [
    (
        "blog-post",
        "/",
        {},
        "",
        "We moved from Jive to Khoros, then to Discourse; phpBB and XenForo were too small. "
        '<a href="https://community.acme.example/t5/x/td-p/1">old thread</a> '
        '<a href="https://forum.acme.example/t/welcome/1">new one</a>',
    ),
    ("lia-class", "/", {}, "", '<div class="lia-component-banner">Not Khoros</div>'),
    ("key-alone", "/", {}, "", f'<a href="/events?CommunityKey={UUID}">events</a>'),
    ("generator-other", "/", {}, '<meta name="generator" content="WordPress 6.5">', ""),
]
DECOY_ADDRESSES = [("circle-vendor", "www.circle.so", "/"), ("slack-vendor", "slack.com", "/")]


def _xenforo_page() -> str:
    return (
        '<!DOCTYPE html><html id="XF" lang="en-US" dir="LTR" data-xf="2.2" data-app="public">'
        "<head><title>Forums</title></head><body></body></html>"
    )


def _serve(web: Web) -> tuple[dict[str, dict[str, Any]], dict[str, tuple[str, ...]]]:
    entries: dict[str, dict[str, Any]] = {}
    resolve: dict[str, tuple[str, ...]] = {}
    for slug, _, path, headers, head, body in PAGES:
        page = _xenforo_page() if slug == "xenforo-markup" else html(head=head, body=body)
        site = web.host().route(path, Reply(200, page, headers))
        entries[slug] = entry(site.url(path))
    for slug, path, headers, head, body in DECOYS:
        site = web.host().route(path, Reply(200, html(head=head, body=body), headers))
        entries[slug] = entry(site.url(path))
    named = [(slug, name, path) for slug, _, name, path in ADDRESSES] + DECOY_ADDRESSES
    for slug, name, path in named:
        site = web.host().route(path, Reply(200, html()))
        resolve[name] = (site.address,)
        entries[slug] = entry(site.named_url(name, path))
    return entries, resolve


@pytest.fixture
def checked(tmp_path: Path, web: Web) -> dict[str, CheckRecord]:
    entries, resolve = _serve(web)
    data = make_data(tmp_path, entries)
    run = check_communities(data, options=quick(resolve=resolve))
    return {record.slug: record for record in run.records}


def test_every_platform_signature_is_recognised(checked: dict[str, CheckRecord]) -> None:
    expected = {slug: platform for slug, platform, *_ in PAGES}
    expected |= {slug: platform for slug, platform, *_ in ADDRESSES}
    found = {slug: checked[slug].detected_platform for slug in expected}
    assert found == expected
    for slug in expected:
        assert checked[slug].learned.platform_evidence, slug


def test_look_alikes_are_not_a_platform(checked: dict[str, CheckRecord]) -> None:
    decoys = [slug for slug, *_ in DECOYS] + [slug for slug, *_ in DECOY_ADDRESSES]
    assert {slug: checked[slug].detected_platform for slug in decoys} == dict.fromkeys(decoys)


def test_evidence_is_short_and_says_why(checked: dict[str, CheckRecord]) -> None:
    assert checked["discourse-header"].learned.platform_evidence == "X-Discourse-Route header"
    assert checked["khoros-cookie"].learned.platform_evidence == "Lithium cookie"
    assert "Telligent Community 9" in (checked["verint-generator"].learned.platform_evidence or "")
    assert all(len(r.learned.platform_evidence or "") <= 120 for r in checked.values())


def test_a_blocked_invite_link_is_still_known_by_its_address(tmp_path: Path, web: Web) -> None:
    wall = web.host().route("/acme", Reply(403, "<title>Just a moment...</title>"))
    data = make_data(tmp_path, {"chat": entry(wall.named_url("discord.gg", "/acme"))})
    run = check_communities(data, options=quick(resolve={"discord.gg": (wall.address,)}))
    assert run.records[0].outcome == "blocked"
    assert run.records[0].detected_platform == "discord"


def test_a_challenge_page_shows_no_platform_markup() -> None:
    assert detect_platform("https://x.example/", {}, b"<title>Just a moment...</title>") is None


def test_detected_access(tmp_path: Path, web: Web) -> None:
    public = web.host()
    public.route("/", Reply(200, html(head='<link rel="alternate" type="application/rss+xml" '
                                         'href="/feed">')))  # fmt: skip
    public.route("/feed", Reply(200, rss(rfc822(days_ago(3)))))
    walled = web.host().route("/", Reply(302, headers={"Location": "/login"}))
    walled.route("/login", Reply(200, html("Sign in", body="<input type=password>")))
    unclear = web.host().route("/", Reply(200, html()))
    data = make_data(
        tmp_path,
        {
            "public": entry(public.url()),
            "walled": entry(walled.url()),
            "unclear": entry(unclear.url()),
        },
    )
    run = check_communities(data, options=quick())
    access = {record.slug: record.detected_access for record in run.records}
    assert access == {"public": "public", "walled": "gated", "unclear": None}


def _discourse(web: Web, about: Any, statistics: Any, latest: bool = True) -> Host:
    site = web.host().route("/", Reply(200, html(), {"X-Discourse-Route": "list/latest"}))
    topics = [{"last_posted_at": f"{days_ago(1).isoformat()}T10:00:00Z"}] if latest else []
    site.route("/latest.json", Reply(200, json.dumps({"topic_list": {"topics": topics}})))
    if about is not None:
        site.route("/about.json", Reply(200, json.dumps(about)))
    if statistics is not None:
        site.route("/site/statistics.json", Reply(200, json.dumps(statistics)))
    return site


# Shapes of Discourse's answers: /about.json nests the counts under about.stats,
# /site/statistics.json gives them flat.
ABOUT = {"about": {"stats": {"posts_7_days": 310, "posts_30_days": 1240,
                             "active_users_7_days": 40, "active_users_30_days": 122}}}  # fmt: skip
STATISTICS = {"posts_30_days": 57, "active_users_30_days": 9, "topics_30_days": 12}


def test_discourse_counts_posts_and_active_users(tmp_path: Path, web: Web) -> None:
    both = _discourse(web, ABOUT, STATISTICS)
    stats_only = _discourse(web, None, STATISTICS)
    none = _discourse(web, {"about": {}}, None)
    data = make_data(
        tmp_path,
        {"both": entry(both.url()), "stats": entry(stats_only.url()), "none": entry(none.url())},
    )
    run = check_communities(data, options=quick())
    records = {record.slug: record for record in run.records}
    assert records["both"].posts_30_days == 1240
    assert records["both"].learned.active_users_30_days == 122
    assert records["both"].last_activity == days_ago(1)  # dates still come from latest.json
    assert records["stats"].posts_30_days == 57
    assert records["none"].posts_30_days is None
    assert both.count("/about.json") == 1 and both.count("/site/statistics.json") == 0


def test_a_login_required_discourse_counts_through_its_statistics(tmp_path: Path, web: Web) -> None:
    site = web.host().route("/", Reply(302, headers={"Location": "/login"}))
    site.route(
        "/login", Reply(200, html("Log in", head='<meta name="generator" content="Discourse 3.3">'))
    )
    site.route("/site/statistics.json", Reply(200, json.dumps(STATISTICS)))
    data = make_data(tmp_path, {"private": entry(site.url(), platform="discourse")})
    record = check_communities(data, options=quick()).records[0]
    assert record.outcome == "gated" and record.detected_access == "gated"
    assert record.detected_platform == "discourse"
    assert record.posts_30_days == 57
    assert site.count("/about.json") == 0


@pytest.mark.parametrize(
    "about", [{"about": []}, {"about": {"stats": {"posts_30_days": "many"}}}, [], "x", None]
)
def test_odd_about_answers_give_no_count(tmp_path: Path, web: Web, about: Any) -> None:
    site = _discourse(web, about, None)
    data = make_data(tmp_path, {"odd": entry(site.url())})
    record = check_communities(data, options=quick()).records[0]
    assert record.posts_30_days is None and record.detected_platform == "discourse"


def test_an_outage_keeps_what_the_site_showed_before(tmp_path: Path, web: Web) -> None:
    answers = iter([Reply(200, html(), {"X-Discourse-Route": "list/latest"}), Reply(503, "down")])
    site = web.host().route("/", lambda seen: next(answers))
    site.route("/about.json", Reply(200, json.dumps(ABOUT)))
    data = make_data(tmp_path, {"forum": entry(site.url())})
    first = check_communities(data, options=quick(retries=0)).records[0]
    second = check_communities(data, options=quick(retries=0)).records[0]
    assert second.outcome == "server_error"
    assert second.learned == first.learned
    assert second.detected_platform == "discourse" and second.posts_30_days == 1240
