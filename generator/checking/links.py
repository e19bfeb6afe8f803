"""The visit to an entry's URL: follow redirects hop by hop and judge the answer the way a
careful person would (moved, gated, blocked, gone, or fine)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from requests.cookies import RequestsCookieJar

from generator.checking.detection import Detection, detect_platform
from generator.checking.fetch import Fetched, Fetcher, FetchFailure
from generator.checking.pagereading import PageReading
from generator.checking.pages import EMPTY_PAGE, PageFacts, analyse_page
from generator.outcomes import Outcome

REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT = frozenset({301, 308})
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"

_LOGIN_PATH = re.compile(
    r"/(s/login|login|log-in|logon|signin|sign-in|sign_in|users/sign_in|sso|saml2?|oauth2?|"
    r"openid-connect|authorize|cas/login|adfs|idp|auth/realms|session/sso)(/|$|\.|\?|;)",
    re.IGNORECASE,
)
_LOGIN_HOST = re.compile(
    r"^(login|signin|sso|auth|idp|accounts|account|id)\.|(^|\.)(okta|oktapreview|auth0|"
    r"onelogin|b2clogin)\.com$|^login\.microsoftonline\.com$|^accounts\.google\.com$|"
    r"^login\.salesforce\.com$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LinkResult:
    """What the visit found."""

    outcome: Outcome
    http_status: int | None
    final_url: str
    redirects: tuple[int, ...]
    detail: str
    page: PageFacts = EMPTY_PAGE
    detection: Detection | None = None
    """The platform the final page shows (detection.py); only for a page read as it is."""


def looks_like_login(url: str) -> bool:
    parts = urlsplit(url)
    return bool(_LOGIN_PATH.search(parts.path or "/") or _LOGIN_HOST.search(parts.hostname or ""))


def _wants_body(status: int) -> bool:
    # 2xx pages are read for soft 404s, feeds and dates; 401/403/503 for sign-in and bot walls.
    return 200 <= status < 300 or status in (401, 403, 503)


def visit(fetcher: Fetcher, url: str) -> LinkResult:
    """GET the entry URL, following at most `max_redirects` redirects."""
    jar = RequestsCookieJar()
    seen: set[tuple[str, tuple[str, ...]]] = set()
    redirects: list[int] = []
    current = url
    while True:
        seen.add((current, _cookie_state(jar)))
        try:
            fetched = fetcher.get(
                current,
                headers={"Accept": PAGE_ACCEPT},
                jar=jar,
                wants_body=_wants_body,
                reading=PageReading,
            )
        except FetchFailure as failure:
            return LinkResult(failure.kind, None, current, tuple(redirects), failure.detail)
        target = _redirect_target(fetched)
        if target is None:
            return judge(fetched, tuple(redirects))
        redirects.append(fetched.status)
        if len(redirects) > fetcher.options.max_redirects:
            detail = f"more than {fetcher.options.max_redirects} redirects"
            return _too_many(fetched, redirects, detail)
        if (target, _cookie_state(jar)) in seen:
            return _too_many(fetched, redirects, f"redirect loop back to {target}")
        current = target


def _cookie_state(jar: RequestsCookieJar) -> tuple[str, ...]:
    return tuple(
        sorted(f"{cookie.domain}{cookie.path}{cookie.name}={cookie.value}" for cookie in jar)
    )


def _too_many(fetched: Fetched, redirects: list[int], detail: str) -> LinkResult:
    return LinkResult("too_many_redirects", fetched.status, fetched.url, tuple(redirects), detail)


def _redirect_target(fetched: Fetched) -> str | None:
    location = fetched.header("Location").strip()
    if fetched.status not in REDIRECTS or not location:
        return None
    target = urljoin(fetched.url, location)
    return target if urlsplit(target).scheme in ("http", "https") else None


def judge(fetched: Fetched, redirects: tuple[int, ...]) -> LinkResult:
    """Classify the last response of the chain."""
    page = EMPTY_PAGE
    if fetched.body:
        page = analyse_page(fetched.body, fetched.url, fetched.headers)
    outcome, detail = _outcome(fetched, redirects, page)
    detection = None
    if outcome in ("ok", "redirected", "moved", "gated"):
        detection = detect_platform(fetched.url, fetched.headers, fetched.body)
    return LinkResult(outcome, fetched.status, fetched.url, redirects, detail, page, detection)


def _outcome(fetched: Fetched, redirects: tuple[int, ...], page: PageFacts) -> tuple[Outcome, str]:
    status = fetched.status
    if status == 401 or fetched.header("WWW-Authenticate"):
        return "gated", f"HTTP {status}: sign-in required"
    if 200 <= status < 300:
        return _success(fetched, redirects, page)
    if status == 403:
        return _forbidden(fetched, redirects, page)
    if status == 999:
        return "blocked", "HTTP 999: the site turns automated visitors away"
    if status in (404, 410):
        return "not_found", f"HTTP {status}"
    if status == 429:
        return "rate_limited", "HTTP 429: too many requests"
    if status >= 500:
        if fetched.header("cf-mitigated") or page.challenge or page.protection:
            return "blocked", f"HTTP {status}: bot challenge"
        return "server_error", f"HTTP {status}"
    if 400 <= status < 500:
        return "blocked", f"HTTP {status}: the site refuses the request"
    return "server_error", f"HTTP {status}: not a usable answer"


def _success(fetched: Fetched, redirects: tuple[int, ...], page: PageFacts) -> tuple[Outcome, str]:
    if redirects and looks_like_login(fetched.url):
        return "gated", f"redirected to a sign-in page ({fetched.url})"
    if page.challenge:
        return "blocked", "bot challenge page"
    if page.soft_404:
        return "not_found", f"the page says it was not found ({page.title or page.heading})"
    if any(status in PERMANENT for status in redirects):
        return "moved", f"moved permanently to {fetched.url}"
    if redirects:
        return "redirected", f"temporarily redirected to {fetched.url}"
    return "ok", f"HTTP {fetched.status}"


def _forbidden(
    fetched: Fetched, redirects: tuple[int, ...], page: PageFacts
) -> tuple[Outcome, str]:
    if fetched.header("cf-mitigated") or page.challenge or page.protection:
        return "blocked", "HTTP 403: bot challenge"
    if page.sign_in or (redirects and looks_like_login(fetched.url)):
        return "gated", "HTTP 403: sign-in page"
    return "blocked", "HTTP 403: access refused to automated visitors"
