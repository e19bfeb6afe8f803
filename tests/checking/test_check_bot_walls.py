"""Bot walls judged by what the page is (status, size and markers together), not by the
bot-protection script a complete page happens to load."""

from __future__ import annotations

from pathlib import Path

import pytest
from checker_support import make_fetcher
from loopback_web import Reply, Web, html

from generator.checking.links import visit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "checking"
ARTICLE_TEXT = "<p>" + "Members share how they run their customer community. " * 40 + "</p>"
INCAPSULA_SCRIPT = (
    '<script src="/_Incapsula_Resource?SWJIYLWA=719d34d31c8e3a6e6fffd425f7e032f3&ns=1"></script>'
)
CF_INJECTED = (
    "<script>window.__CF$cv$params={r:'9971c233a59c49b7',t:'MTc2MTg5OTA5My4wMDAwMDA='};"
    "var a=document.createElement('script');a.src='/cdn-cgi/challenge-platform/scripts/jsd/"
    "main.js';document.head.appendChild(a);</script>"
)


def outcome(web: Web, reply: Reply) -> str:
    site = web.host().route("/", reply)
    return visit(make_fetcher(), site.url()).outcome


def test_a_recorded_full_page_with_cloudflares_injected_script_is_ok(web: Web) -> None:
    body = (FIXTURES / "cloudflare-jsd-in-a-full-page.html").read_bytes()
    assert outcome(web, Reply(200, body, headers={"Content-Type": "text/html"})) == "ok"


@pytest.mark.parametrize("name", ["incapsula-js-challenge-stub.html", "incapsula-block-page.html"])
def test_recorded_incapsula_stubs_are_blocked(web: Web, name: str) -> None:
    body = (FIXTURES / name).read_bytes()
    assert outcome(web, Reply(200, body, headers={"Content-Type": "text/html"})) == "blocked"


@pytest.mark.parametrize(
    "extra",
    [
        INCAPSULA_SCRIPT,
        CF_INJECTED,
        "<script>window._cf_chl_opt={cvId:'3'}</script>",  # even the challenge options object
        "<p>Protected by Imperva: Incapsula incident ID lookups are in the footer.</p>",
    ],
)
def test_a_complete_article_that_embeds_a_challenge_script_is_judged_on_its_content(
    web: Web, extra: str
) -> None:
    page = html("How we run our community", body=f"<article>{ARTICLE_TEXT}</article>{extra}")
    assert outcome(web, Reply(200, page)) == "ok"


@pytest.mark.parametrize(
    "reply",
    [
        Reply(
            200, html("Just a moment...", body="<p>Enable JavaScript and cookies to continue</p>")
        ),
        Reply(
            403,
            html("Attention Required! | Cloudflare", body="<p>Sorry, you have been blocked</p>"),
        ),
        Reply(503, html("x", body=CF_INJECTED)),  # a thin error page that loads the script
        Reply(200, html("Pardon Our Interruption", body="<p>As you were browsing…</p>")),
        Reply(200, html("", body="<div id='px-captcha'></div>")),
    ],
)
def test_challenge_pages_are_blocked(web: Web, reply: Reply) -> None:
    assert outcome(web, reply) == "blocked"


def test_an_empty_app_shell_with_cloudflares_script_is_not_a_wall(web: Web) -> None:
    shell = html("Community", body=f"<div id='root'></div>{CF_INJECTED}")
    assert outcome(web, Reply(200, shell)) == "ok"


def test_a_server_error_that_is_no_wall_stays_a_server_error(web: Web) -> None:
    assert outcome(web, Reply(503, html("Maintenance", body=ARTICLE_TEXT + CF_INJECTED))) == (
        "server_error"
    )
