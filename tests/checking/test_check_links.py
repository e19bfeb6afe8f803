"""The visit to an entry's URL: every outcome, judged against real loopback servers."""

from __future__ import annotations

import pytest
from checker_support import make_fetcher, quick
from loopback_web import Host, Reply, Web, html

from generator.checking.links import looks_like_login, visit
from generator.checking.network import Network, Resolver, Watchdog


def test_a_plain_answer_is_ok(web: Web) -> None:
    site = web.host().route("/", Reply(200, html("Acme Community")))
    result = visit(make_fetcher(), site.url())
    assert (result.outcome, result.http_status, result.final_url) == ("ok", 200, site.url())
    assert result.page.title == "Acme Community"


def test_temporary_redirects_only_are_redirected(web: Web) -> None:
    site = web.host()
    site.route("/", Reply(302, headers={"Location": "/a"}))
    site.route("/a", Reply(307, headers={"Location": "/home"}))
    site.route("/home", Reply(200, html()))
    result = visit(make_fetcher(), site.url())
    assert result.outcome == "redirected"
    assert result.final_url == site.url("/home")
    assert result.redirects == (302, 307)


@pytest.mark.parametrize("permanent", [301, 308])
def test_any_permanent_hop_is_moved(web: Web, permanent: int) -> None:
    site = web.host()
    site.route("/", Reply(302, headers={"Location": "/b"}))
    site.route("/b", Reply(permanent, headers={"Location": "/c"}))
    site.route("/c", Reply(200, html()))
    result = visit(make_fetcher(), site.url())
    assert (result.outcome, result.final_url) == ("moved", site.url("/c"))


def test_moved_to_another_host(web: Web) -> None:
    old, new = web.host(), web.host()
    new.route("/forum/", Reply(200, html()))
    old.route("/", Reply(301, headers={"Location": new.url("/forum/")}))
    result = visit(make_fetcher(), old.url())
    assert (result.outcome, result.final_url, result.http_status) == (
        "moved",
        new.url("/forum/"),
        200,
    )


def test_401_and_www_authenticate_are_gated(web: Web) -> None:
    site = web.host()
    site.route("/", Reply(401, headers={"WWW-Authenticate": 'Basic realm="members"'}))
    site.route("/b", Reply(200, "x", headers={"WWW-Authenticate": "Bearer"}))
    assert visit(make_fetcher(), site.url()).outcome == "gated"
    assert visit(make_fetcher(), site.url("/b")).outcome == "gated"


@pytest.mark.parametrize(
    "login", ["/login", "/s/login?startURL=%2F", "/saml/sso", "/users/sign_in"]
)
def test_a_redirect_to_a_sign_in_page_is_gated(web: Web, login: str) -> None:
    site = web.host()
    site.route("/", Reply(302, headers={"Location": login}))
    site.route(login, Reply(200, html("Welcome")))
    result = visit(make_fetcher(), site.url())
    assert result.outcome == "gated"
    assert result.http_status == 200


def test_a_403_sign_in_page_is_gated_a_bare_403_is_blocked(web: Web) -> None:
    site = web.host()
    form = html("Members area", body="<form><input type='password' name='p'></form>")
    site.route("/members", Reply(403, form))
    site.route("/", Reply(403, html("Forbidden")))
    assert visit(make_fetcher(), site.url("/members")).outcome == "gated"
    assert visit(make_fetcher(), site.url()).outcome == "blocked"


def test_bot_walls_are_blocked(web: Web) -> None:
    site = web.host()
    site.route("/cf", Reply(403, html("Hi"), headers={"cf-mitigated": "challenge"}))
    site.route("/moment", Reply(403, html("Just a moment...")))
    site.route("/linkedin", Reply(999, ""))
    site.route("/js", Reply(503, html("x", body="<script src='/cdn-cgi/challenge-platform/x'>")))
    for path in ("/cf", "/moment", "/linkedin", "/js"):
        assert visit(make_fetcher(), site.url(path)).outcome == "blocked", path


@pytest.mark.parametrize("status", [404, 410])
def test_gone_pages_are_not_found(web: Web, status: int) -> None:
    site = web.host().route("/", Reply(status, html("Gone")))
    result = visit(make_fetcher(), site.url())
    assert (result.outcome, result.http_status) == ("not_found", status)


def test_a_page_that_says_not_found_is_a_soft_404(web: Web) -> None:
    site = web.host()
    site.route("/", Reply(200, html("Page Not Found | Acme")))
    site.route("/ok", Reply(200, html("Acme forum", body="<p>Search: nothing found here?</p>")))
    assert visit(make_fetcher(), site.url()).outcome == "not_found"
    assert visit(make_fetcher(), site.url("/ok")).outcome == "ok"


def test_server_errors_are_retried_then_reported(web: Web) -> None:
    site = web.host().route("/", Reply(500, "boom"))
    result = visit(make_fetcher(quick(retries=2)), site.url())
    assert (result.outcome, result.http_status) == ("server_error", 500)
    assert site.count("/") == 3


def test_a_flaky_server_is_ok_after_a_retry(web: Web) -> None:
    answers = iter([Reply(503, "busy"), Reply(200, html())])
    site = web.host().route("/", lambda seen: next(answers))
    assert visit(make_fetcher(), site.url()).outcome == "ok"
    assert site.count("/") == 2


def test_a_hanging_host_times_out(web: Web) -> None:
    site = web.host().route("/", Reply(hang=True))
    result = visit(make_fetcher(quick(timeout=0.3, retries=1)), site.url())
    assert (result.outcome, result.http_status) == ("timeout", None)
    assert site.count("/") == 2  # one retry


def test_an_unknown_name_is_a_dns_error() -> None:
    result = visit(make_fetcher(), "http://no-such-host.invalid/")
    assert result.outcome == "dns_error"


def test_nobody_listening_is_a_connection_error(web: Web) -> None:
    result = visit(make_fetcher(), web.closed_port())
    assert (result.outcome, result.http_status) == ("connection_error", None)
    assert "refused" in result.detail


def test_a_dropped_connection_is_a_connection_error(web: Web) -> None:
    site = web.host().route("/", Reply(drop=True))
    assert visit(make_fetcher(), site.url()).outcome == "connection_error"


def test_tls_failure_is_a_tls_error(web: Web) -> None:
    site = web.host().route("/", Reply(200, html()))  # plain HTTP where TLS is expected
    result = visit(make_fetcher(), site.url(scheme="https"))
    assert result.outcome == "tls_error"


def test_a_long_chain_is_too_many_redirects(web: Web) -> None:
    site = web.host()
    for hop in range(12):
        site.route(f"/{hop}", Reply(302, headers={"Location": f"/{hop + 1}"}))
    site.route("/12", Reply(200, html()))
    result = visit(make_fetcher(), site.url("/0"))
    assert result.outcome == "too_many_redirects"
    assert site.count("/11") == 0  # stopped after the 11th redirect answer


def test_ten_redirects_are_still_followed(web: Web) -> None:
    site = web.host()
    for hop in range(10):
        site.route(f"/{hop}", Reply(302, headers={"Location": f"/{hop + 1}"}))
    site.route("/10", Reply(200, html()))
    assert visit(make_fetcher(), site.url("/0")).outcome == "redirected"


def test_a_redirect_loop_is_caught_at_once(web: Web) -> None:
    site = web.host()
    site.route("/a", Reply(301, headers={"Location": "/b"}))
    site.route("/b", Reply(301, headers={"Location": "/a"}))
    result = visit(make_fetcher(), site.url("/a"))
    assert result.outcome == "too_many_redirects"
    assert site.paths() == ["/a", "/b"]


def test_a_cookie_handshake_is_not_a_loop(web: Web) -> None:
    site = web.host()
    site.route(
        "/",
        lambda seen: (
            Reply(200, html())
            if "visited=1" in seen.headers.get("Cookie", "")
            else Reply(302, headers={"Location": "/", "Set-Cookie": "visited=1"})
        ),
    )
    assert visit(make_fetcher(), site.url()).outcome == "redirected"


def test_private_targets_are_refused_without_a_request(web: Web) -> None:
    site = web.host().route("/", Reply(200, html()))
    result = visit(make_fetcher(quick(allow_private=False)), site.url())
    assert (result.outcome, result.http_status) == ("refused", None)
    assert site.requests == []


def test_a_redirect_to_a_private_target_is_refused(web: Web) -> None:
    public, private = web.host(), web.host()
    private.route("/", Reply(200, html()))
    public.route("/", Reply(302, headers={"Location": private.url()}))
    network = Network(
        Resolver(),
        allow_private=False,
        watchdog=Watchdog(),
        may_contact=lambda address: address == public.address,
    )
    result = visit(make_fetcher(quick(allow_private=False), network), public.url())
    assert result.outcome == "refused"
    assert result.final_url == private.url()
    assert public.count("/") == 1 and private.requests == []


def test_a_name_resolving_to_a_private_address_is_refused(web: Web) -> None:
    site = web.host().route("/", Reply(200, html()))
    options = quick(allow_private=False, resolve={"forum.test": (site.address,)})
    result = visit(make_fetcher(options), site.named_url("forum.test"))
    assert result.outcome == "refused"
    assert site.requests == []


def test_names_resolve_through_the_injected_map(web: Web) -> None:
    site = web.host().route("/", Reply(200, html()))
    options = quick(resolve={"forum.test": (site.address,)})
    result = visit(make_fetcher(options), site.named_url("forum.test"))
    assert result.outcome == "ok"
    assert site.requests[0].headers["Host"] == f"forum.test:{site.port}"


def test_honest_user_agent(web: Web) -> None:
    site: Host = web.host().route("/", Reply(200, html()))
    visit(make_fetcher(), site.url())
    agent = site.requests[0].headers["User-Agent"]
    assert agent.startswith("BigListChecker/") and "https://" in agent


@pytest.mark.parametrize(
    ("url", "login"),
    [
        ("https://x.com/login", True),
        ("https://login.microsoftonline.com/common/oauth2", True),
        ("https://acme.okta.com/app", True),
        ("https://x.com/loginsights", False),
        ("https://x.com/forum/", False),
    ],
)
def test_sign_in_addresses(url: str, login: bool) -> None:
    assert looks_like_login(url) is login
