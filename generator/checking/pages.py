"""What a careful reader sees on a fetched HTML page: its title, the feeds it advertises, the
platform it runs on, and whether it is a "not found", sign-in or bot-challenge page."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.etree
import lxml.html

from generator.checking.charsets import decode_html
from generator.checking.memory import PARSING

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
    }
)
MAX_ADVERTISED_FEEDS = 3
_MARKER_WINDOW = 128 * 1024

_SOFT_404 = re.compile(
    r"\b(404|page not found|not found|page (does not|doesn't|doesn’t) exist|"
    r"no longer (exists|available)|page (is )?unavailable|nothing (was )?found)\b",
    re.IGNORECASE,
)
_SIGN_IN = re.compile(r"\b(sign[ -]?in|log[ -]?in|sign on|single sign-on|log on)\b", re.I)
_CHALLENGE_TITLE = re.compile(
    r"just a moment|attention required|checking your browser|verify you are human|"
    r"are you a robot|access denied|security check|ddos protection|pardon our interruption|"
    r"request unsuccessful|request rejected",
    re.IGNORECASE,
)
# What only a challenge page carries (plain lower-case substrings: a regex alternation over
# every page costs far more CPU).
_CHALLENGE_MARKERS = (
    "cf-chl-",
    "cf_chl_opt",
    "/cdn-cgi/challenge-platform/h/",
    "incapsula incident id",
    "captcha-delivery",
    "px-captcha",
    "enable javascript and cookies to continue",
)
# What bot protection loads in ordinary pages too: a challenge only on a tiny, empty page (the
# Incapsula JavaScript challenge is just that script; Cloudflare's injected detection script
# in an empty single-page-app shell is not one).
_STUB_SCRIPTS = ("_incapsula_resource",)
_STUB_BYTES = 4096
# Scripts of bot protection, also injected in ordinary pages: on a thin page that answers
# 403 or 5xx they show the wall (see links.py).
_PROTECTION_SCRIPTS = ("_incapsula_resource", "challenge-platform", "captcha")
_THIN_TEXT = 1500
"""A challenge page says a sentence or two; a page with more visible text than this is a page
(an article, a forum index) whatever bot-protection script it also loads."""
_EMPTY_TEXT = 100
_TEXTLESS = ("script", "style", "noscript", "template")
_PLATFORM_MARKERS: dict[str, tuple[str, ...]] = {
    "discourse": (
        "data-discourse-setup",
        '<meta name="discourse_',
        "discourse-cdn",
        "/assets/discourse",
        'id="data-discourse',
    ),
    "khoros": ("lithium.", "lia-component-", "lia-page", "khoros-cdn", "/html/assets/lithium"),
    "vanilla": ("gdn.meta", "window.gdn", "/applications/vanilla/", "vanillaforums"),
}
_GENERATORS = {
    "discourse": "discourse",
    "khoros": "khoros",
    "lithium": "khoros",
    "vanilla": "vanilla",
}


@dataclass(frozen=True)
class PageFacts:
    """The facts the checker reads off one HTML page."""

    title: str = ""
    heading: str = ""
    feeds: tuple[str, ...] = ()
    platform: str | None = None
    has_password_field: bool = False
    challenge: bool = False
    protection: bool = False
    """A thin page that loads a bot-protection script (a wall when it comes with 403 or 5xx)."""
    body: bytes = field(default=b"", compare=False, repr=False)
    """The HTML itself, for dates on the page; kept as bytes (a parsed tree is ten times
    larger and only the last activity source needs it)."""
    content_type: str = field(default="", compare=False, repr=False)
    """Its Content-Type header, whose charset says how to read the bytes."""

    @property
    def soft_404(self) -> bool:
        return bool(_SOFT_404.search(self.title) or _SOFT_404.search(self.heading))

    @property
    def sign_in(self) -> bool:
        return self.has_password_field or bool(
            _SIGN_IN.search(self.title) or _SIGN_IN.search(self.heading)
        )


EMPTY_PAGE = PageFacts()


def analyse_page(body: bytes, url: str, headers: Mapping[str, str]) -> PageFacts:
    """Read the facts off a page; a page that is not HTML yields what the headers tell."""
    platform = platform_from_headers(headers)
    content_type = headers.get("Content-Type", "") or ""
    with PARSING:
        return _read_page(body, url, platform, content_type)


def _read_page(body: bytes, url: str, platform: str | None, content_type: str) -> PageFacts:
    tree = parse_html(body, content_type)
    if tree is None:
        return PageFacts(platform=platform)
    text = body[:_MARKER_WINDOW].decode("utf-8", errors="replace").lower()
    title = _text(tree.find(".//title"))
    visible = _visible_text_length(tree)
    return PageFacts(
        title=title,
        heading=_text(tree.find(".//h1")),
        feeds=_advertised_feeds(tree, url),
        platform=platform or _generator_platform(tree) or _marker_platform(text),
        has_password_field=bool(tree.xpath(".//input[@type='password']")),
        challenge=_is_challenge(title, text, visible, len(body)),
        protection=visible <= _THIN_TEXT and _has_any(text, _PROTECTION_SCRIPTS),
        body=body,
        content_type=content_type,
    )


def _is_challenge(title: str, lowered: str, visible: int, size: int) -> bool:
    """A page *is* a challenge, not merely protected: little to read, and the words or the
    markup of a challenge (or, for a tiny empty page, just a bot-protection script)."""
    stub = size <= _STUB_BYTES and visible <= _EMPTY_TEXT
    if stub and _has_any(lowered, _STUB_SCRIPTS):
        return True
    said = bool(_CHALLENGE_TITLE.search(title)) or _has_any(lowered, _CHALLENGE_MARKERS)
    return said and visible <= _THIN_TEXT


def _visible_text_length(tree: lxml.html.HtmlElement) -> int:
    """Characters a reader would see in the body (scripts, styles and spaces left out)."""
    body = tree.find(".//body")
    if body is None:
        return 0
    total = 0
    for element in body.iter():
        if element.tag in _TEXTLESS or not isinstance(element.tag, str):
            total += len("".join((element.tail or "").split()))
            continue
        total += len("".join((element.text or "").split())) + len(
            "".join((element.tail or "").split())
        )
        if total > _THIN_TEXT:
            break
    return total


def parse_html(body: bytes, content_type: str = "") -> lxml.html.HtmlElement | None:
    """The page's tree, its bytes decoded as a browser would (charsets.py)."""
    if not body.strip():
        return None
    try:
        return lxml.html.document_fromstring(decode_html(body, content_type))
    except (lxml.etree.ParserError, ValueError):
        return None


def _text(element: lxml.html.HtmlElement | None) -> str:
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())[:300]


def _advertised_feeds(tree: lxml.html.HtmlElement, url: str) -> tuple[str, ...]:
    base = url
    for href in tree.xpath(".//base/@href")[:1]:
        base = urljoin(url, str(href))
    feeds: list[str] = []
    for link in tree.xpath(".//link[@href]"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in FEED_TYPES:
            feed = urljoin(base, link.get("href", "").strip())
            if feed.startswith(("http://", "https://")) and feed not in feeds:
                feeds.append(feed)
    return tuple(feeds[:MAX_ADVERTISED_FEEDS])


def platform_from_headers(headers: Mapping[str, str]) -> str | None:
    names = {name.lower() for name in headers}
    if any(name.startswith("x-discourse") for name in names):
        return "discourse"
    cookies = headers.get("Set-Cookie", "") or headers.get("set-cookie", "")
    if "LiSESSIONID" in cookies or "LithiumVisitor" in cookies:
        return "khoros"
    return None


def _generator_platform(tree: lxml.html.HtmlElement) -> str | None:
    for content in tree.xpath(".//meta[@name='generator']/@content"):
        lowered = str(content).lower()
        for word, platform in _GENERATORS.items():
            if word in lowered:
                return platform
    return None


def _marker_platform(lowered: str) -> str | None:
    for platform, markers in _PLATFORM_MARKERS.items():
        if _has_any(lowered, markers):
            return platform
    return None


def _has_any(lowered: str, markers: tuple[str, ...]) -> bool:
    return any(marker in lowered for marker in markers)
