"""Which platform a community runs on, recognised from the site itself: its address, its
headers and cookies, the generator it names and the markup only that platform writes.

Precision over recall: a wrong platform is worse than none. Every signature here is one the
platform's own software writes (a header, a cookie, a generator tag, a global of its own
scripts, its asset folders) or an address on the platform's own domain; generic words
("community", "forum", a CSS class any theme could use) never count, and markup alone counts
only on a page that was read as it is (not a sign-in or challenge page of another service).

    detection = detect_platform(url, headers, body)
    detection.platform   # "discourse" (a platforms.yml id)
    detection.evidence   # "X-Discourse-Route header"
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

_WINDOW = 256 * 1024
_GENERATOR = re.compile(
    rb"<meta\b(?=[^>]*\bname\s*=\s*[\"']?generator\b)[^>]*\bcontent\s*=\s*[\"']([^\"'>]{1,120})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Detection:
    platform: str
    evidence: str


@dataclass(frozen=True)
class _Seen:
    """What one response shows: host and path of its address, headers, cookies, markup."""

    host: str
    path: str
    headers: Mapping[str, str]
    cookies: str
    text: str
    generator: str


Rule = Callable[[_Seen], "str | None"]


def detect_platform(url: str, headers: Mapping[str, str], body: bytes) -> Detection | None:
    """The platform the response shows with a strong signature, or None."""
    seen = _seen(url, headers, body)
    for platform, rules in RULES:
        for rule in rules:
            evidence = rule(seen)
            if evidence:
                return Detection(platform, evidence)
    return None


def detect_from_address(url: str) -> Detection | None:
    """A platform the address alone proves (an invite link, a group on a hosted service)."""
    return detect_platform(url, {}, b"")


def _seen(url: str, headers: Mapping[str, str], body: bytes) -> _Seen:
    parts = urlsplit(url)
    window = body[:_WINDOW]
    generator = _GENERATOR.search(window)
    return _Seen(
        host=(parts.hostname or "").lower(),
        path=parts.path or "/",
        headers={name.lower(): value for name, value in headers.items()},
        cookies=headers.get("Set-Cookie", "") or headers.get("set-cookie", ""),
        text=window.decode("utf-8", errors="replace"),
        generator=generator.group(1).decode("utf-8", "replace").strip() if generator else "",
    )


# --- signatures ---------------------------------------------------------------------------


def _header(name: str) -> Rule:
    return lambda seen: f"{_title(name)} header" if name in seen.headers else None


def _title(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


def _generator(*words: str) -> Rule:
    def rule(seen: _Seen) -> str | None:
        lowered = seen.generator.lower()
        if any(word in lowered for word in words):
            return f"generator tag '{seen.generator[:60]}'"
        return None

    return rule


def _cookie(pattern: str, label: str) -> Rule:
    compiled = re.compile(pattern)
    return lambda seen: f"{label} cookie" if compiled.search(seen.cookies) else None


def _markup(needle: str, pattern: str, label: str) -> Rule:
    """Markup matching `pattern`; `needle`, a literal every match contains, is looked for
    first (a substring search costs far less than a regex over a large page)."""
    compiled = re.compile(pattern)
    return lambda seen: label if needle in seen.text and compiled.search(seen.text) else None


def _both(first: Rule, second: Rule) -> Rule:
    def rule(seen: _Seen) -> str | None:
        one, two = first(seen), second(seen)
        return f"{one} and {two}" if one and two else None

    return rule


def _host(*suffixes: str) -> Rule:
    """The address is on one of the platform's domains (the domain itself included)."""

    def rule(seen: _Seen) -> str | None:
        for suffix in suffixes:
            if seen.host == suffix or seen.host.endswith("." + suffix):
                return f"address on {suffix}"
        return None

    return rule


# Subdomains a hosting service keeps for itself (its site, app, help), not for communities.
_SERVICE_LABELS = frozenset({"www", "app", "api", "help", "support", "status", "blog", "docs"})


def _tenant(*domains: str) -> Rule:
    """The address is a community's own subdomain of a hosting service (not the service's
    own site at the bare domain or www)."""

    def rule(seen: _Seen) -> str | None:
        for domain in domains:
            label = seen.host.removesuffix("." + domain)
            if label != seen.host and label.split(".")[-1] not in _SERVICE_LABELS:
                return f"a community address on {domain}"
        return None

    return rule


def _address(host: str, path_pattern: str, label: str) -> Rule:
    compiled = re.compile(path_pattern)

    def rule(seen: _Seen) -> str | None:
        on_host = seen.host == host or seen.host.endswith("." + host)
        return label if on_host and compiled.match(seen.path) else None

    return rule


def _path(pattern: str, label: str) -> Rule:
    compiled = re.compile(pattern)
    return lambda seen: label if compiled.search(seen.path) else None


# Order matters only where one platform embeds another's traces (Higher Logic sells Vanilla:
# a Vanilla forum is Vanilla, whoever hosts it).
RULES: tuple[tuple[str, tuple[Rule, ...]], ...] = (
    (
        "discourse",
        (
            _header("x-discourse-route"),
            _generator("discourse"),
            _markup(
                "discourse_",
                r"<meta name=\"discourse_(theme_id|current_homepage)\"",
                "Discourse meta",
            ),
            _markup("data-discourse-setup", r"data-discourse-setup", "Discourse setup data"),
        ),
    ),
    (
        "khoros",
        (
            _cookie(r"\b(LiSESSIONID|LithiumVisitor)=", "Lithium"),
            _generator("khoros", "lithium"),
            _markup(
                "LITHIUM.", r"\bLITHIUM\.(Loader|CommunityJsonObject|Css)\b", "LITHIUM scripts"
            ),
            _both(
                _path(r"^(/[^/]+)?/t5/", "a /t5/ address"),
                _markup("lia-", r"class=\"[^\"]*\blia-(component|page|quilt)", "lia- markup"),
            ),
        ),
    ),
    (
        "vanilla",
        (
            _generator("vanilla"),
            _markup("gdn", r"\bgdn\.meta\s*=|window\.gdn\s*=", "Vanilla (Garden) scripts"),
            _markup("/applications/vanilla/", r"/applications/vanilla/", "Vanilla assets"),
        ),
    ),
    (
        "higher-logic",
        (
            _both(
                _markup(
                    "CommunityKey=", r"[?&;]CommunityKey=[0-9a-fA-F-]{36}", "CommunityKey links"
                ),
                _markup("higherlogic", r"\bhigherlogic[a-z]*\.", "Higher Logic assets"),
            ),
        ),
    ),
    (
        "insided",
        (
            _markup("inSidedData", r"\binSidedData\b", "inSided page data"),
            _markup(
                ".insided.com/", r"src=\"https://[a-z0-9.-]*\.insided\.com/", "inSided scripts"
            ),
        ),
    ),
    (
        "salesforce-experience-cloud",
        (
            _both(
                _tenant("force.com", "my.site.com", "site.com"),
                _path(r"^(/[^/]+)?/s(/|$)", "a /s/ address"),
            ),
            _markup("/sfsites/", r"/sfsites/(auraFW|c/|l/)", "Experience Cloud assets (sfsites)"),
        ),
    ),
    (
        "jive",
        (
            _generator("jive"),
            _markup("jive", r"\b_jive_base_url\b|/resources/scripts/jive/", "Jive scripts"),
        ),
    ),
    (
        "verint",
        (
            _generator("telligent", "verint", "community server"),
            _cookie(r"\bCommunityServer-(UserCookie|LastVisitUpdated)", "Community Server"),
            _markup("telligent.", r"telligent\.(glow|evolution)", "Telligent scripts"),
        ),
    ),
    (
        "xenforo",
        (
            _cookie(r"\bxf_(session|csrf)=", "XenForo"),
            _markup('id="XF"', r"<html[^>]*\bid=\"XF\"", "XenForo markup"),
            _markup(
                "XenForo", r"jQuery\.extend\(true, XenForo,|Forum software by XenForo", "XenForo"
            ),
        ),
    ),
    (
        "vbulletin",
        (
            _generator("vbulletin"),
            _cookie(r"\bbbsessionhash=", "vBulletin"),
        ),
    ),
    (
        "phpbb",
        (
            _cookie(r"\bphpbb\d?_[A-Za-z0-9]+_(sid|u|k)=", "phpBB"),
            _markup(
                "phpbb.com",
                r"Powered by <a href=\"https?://www\.phpbb\.com/?\"",
                "Powered by phpBB",
            ),
        ),
    ),
    ("circle", (_tenant("circle.so"),)),
    ("bettermode", (_tenant("bettermode.io", "tribe.so"),)),
    ("mighty-networks", (_tenant("mightynetworks.com"),)),
    ("ning", (_tenant("ning.com"),)),
    (
        "zendesk-gather",
        (
            _both(
                _tenant("zendesk.com"),
                _path(
                    r"^/hc/([a-z]{2}(-[a-z0-9]+)?/)?community(/|$)", "a /hc/.../community/ address"
                ),
            ),
        ),
    ),
    (
        "discord",
        (
            _host("discord.gg"),
            _address("discord.com", r"^/invite/", "invite link on discord.com"),
            _address("discordapp.com", r"^/invite/", "invite link on discordapp.com"),
        ),
    ),
    (
        "slack",
        (
            _address("join.slack.com", r"^/t/", "invite link on join.slack.com"),
            _tenant("slack.com"),
        ),
    ),
    ("microsoft-teams", (_address("teams.microsoft.com", r"^/", "a Microsoft Teams address"),)),
    ("email-list", (_address("groups.google.com", r"^/", "a Google Groups address"),)),
    ("linkedin-group", (_address("linkedin.com", r"^/groups/", "a LinkedIn group address"),)),
    ("facebook-group", (_address("facebook.com", r"^/groups/", "a Facebook group address"),)),
    ("reddit", (_address("reddit.com", r"^/r/", "a subreddit address"),)),
)
