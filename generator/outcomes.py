"""The checker's words: outcomes of one probe, an entry's standing, and activity levels.

These strings are part of the report contract (DESIGN.md, "Check report"); never rename them.
"""

from __future__ import annotations

from typing import Final, Literal

Outcome = Literal[
    "ok",
    "redirected",
    "moved",
    "gated",
    "blocked",
    "rate_limited",
    "not_found",
    "server_error",
    "timeout",
    "dns_error",
    "connection_error",
    "tls_error",
    "too_many_redirects",
    "refused",
]
LinkStatus = Literal["ok", "moved", "gated", "blocked", "failing", "dead", "unknown"]
Activity = Literal["active", "slowing", "dormant", "unknown"]
ActivitySource = Literal["feed", "discourse", "khoros", "vanilla", "sitemap", "page"]
FailureKind = Literal["timeout", "dns_error", "connection_error", "tls_error", "refused"]

OUTCOMES: Final[tuple[Outcome, ...]] = (
    "ok",
    "redirected",
    "moved",
    "gated",
    "blocked",
    "rate_limited",
    "not_found",
    "server_error",
    "timeout",
    "dns_error",
    "connection_error",
    "tls_error",
    "too_many_redirects",
    "refused",
)
FAILING_OUTCOMES: Final[frozenset[str]] = frozenset(
    {
        "not_found",
        "server_error",
        "timeout",
        "dns_error",
        "connection_error",
        "tls_error",
        "too_many_redirects",
    }
)
# Outcomes that say nothing about the site: they leave an earlier standing as it was.
NEUTRAL_OUTCOMES: Final[frozenset[str]] = frozenset({"rate_limited", "refused"})
# The site answered as itself (possibly behind a wall): worth asking how lively it is.
ALIVE_OUTCOMES: Final[frozenset[str]] = frozenset({"ok", "redirected", "moved", "gated", "blocked"})
LINK_STATUSES: Final[tuple[LinkStatus, ...]] = (
    "ok",
    "moved",
    "gated",
    "blocked",
    "failing",
    "dead",
    "unknown",
)
ACTIVITY_LEVELS: Final[tuple[Activity, ...]] = ("active", "slowing", "dormant", "unknown")
ACTIVITY_SOURCES: Final[tuple[ActivitySource, ...]] = (
    "feed",
    "discourse",
    "khoros",
    "vanilla",
    "sitemap",
    "page",
)
