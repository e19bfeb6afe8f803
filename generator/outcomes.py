"""The checker's words: outcomes of one probe, an entry's standing, and activity levels.

These strings are part of the report contract (DESIGN.md, "Check report"); never rename them.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

# A failing outcome counts towards a dead link (three runs in a row).
FailingOutcome = Literal[
    "not_found",
    "server_error",
    "timeout",
    "dns_error",
    "connection_error",
    "tls_error",
    "too_many_redirects",
]
Outcome = Literal[
    "ok",
    "redirected",
    "moved",
    "gated",
    "blocked",
    "rate_limited",
    FailingOutcome,
    "refused",
]
LinkStatus = Literal["ok", "moved", "gated", "blocked", "failing", "dead", "unknown"]
Activity = Literal["active", "slowing", "dormant", "unknown"]
ActivitySource = Literal["feed", "discourse", "khoros", "vanilla", "sitemap", "page"]
FailureKind = Literal["timeout", "dns_error", "connection_error", "tls_error", "refused"]

# The value lists are read off the Literal types, so each word is written once.
OUTCOMES: Final[tuple[Outcome, ...]] = get_args(Outcome)
FAILING_OUTCOMES: Final[frozenset[str]] = frozenset(get_args(FailingOutcome))
# Failing outcomes of the network itself: when most hosts of a run end so, the runner's
# network is the likelier culprit (DESIGN.md, "Inconclusive runs").
NETWORK_OUTCOMES: Final[frozenset[str]] = frozenset(
    {"dns_error", "connection_error", "timeout", "tls_error"}
)
# Outcomes that say nothing about the site: they leave an earlier standing as it was.
NEUTRAL_OUTCOMES: Final[frozenset[str]] = frozenset({"rate_limited", "refused"})
# The site answered as itself (possibly behind a wall): worth asking how lively it is.
ALIVE_OUTCOMES: Final[frozenset[str]] = frozenset({"ok", "redirected", "moved", "gated", "blocked"})
LINK_STATUSES: Final[tuple[LinkStatus, ...]] = get_args(LinkStatus)
ACTIVITY_LEVELS: Final[tuple[Activity, ...]] = get_args(Activity)
ACTIVITY_SOURCES: Final[tuple[ActivitySource, ...]] = get_args(ActivitySource)
