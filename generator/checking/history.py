"""An entry's standing over its checks: one run is enough to be ok, moved, gated or blocked;
it takes `dead_after` failing runs in a row, each at least `STRIKE_SPACING` after the strike
before, to be dead (three runs in one night are one strike: the site had no time to come
back); rate limits and refusals say nothing about the site and leave the standing as it was.

A run that is inconclusive (the runner's network failed, not the web) changes no standing at
all: `kept_standing` gives a fresh record the standing of the previous one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from generator.outcomes import FAILING_OUTCOMES, NEUTRAL_OUTCOMES, LinkStatus
from generator.state import MAX_SEGMENTS, CheckRecord, Segment

STRIKE_SPACING = dt.timedelta(hours=20)

_STANDING: dict[str, LinkStatus] = {
    "ok": "ok",
    "redirected": "ok",
    "moved": "moved",
    "gated": "gated",
    "blocked": "blocked",
}


@dataclass(frozen=True)
class Standing:
    link_status: str
    failing_runs: int
    failing_since: dt.date | None
    history: tuple[Segment, ...]
    struck_at: dt.datetime | None = None


def advance(
    previous: CheckRecord | None,
    url: str,
    outcome: str,
    now: dt.datetime,
    dead_after: int,
) -> Standing:
    """The standing after this run's outcome, given the record of earlier runs."""
    if previous is not None and previous.url != url:
        previous = None  # a new address starts a new history
    history = _extend(previous.history if previous else (), outcome, now.date())
    if outcome in NEUTRAL_OUTCOMES:
        return _unchanged(previous, history)
    if outcome in FAILING_OUTCOMES:
        return _strike(previous, now, dead_after, history)
    return Standing(_STANDING[outcome], 0, None, history)


def _unchanged(previous: CheckRecord | None, history: tuple[Segment, ...]) -> Standing:
    if previous is None:
        return Standing("unknown", 0, None, history)
    return Standing(
        previous.link_status,
        previous.failing_runs,
        previous.failing_since,
        history,
        previous.struck_at,
    )


def _strike(
    previous: CheckRecord | None, now: dt.datetime, dead_after: int, history: tuple[Segment, ...]
) -> Standing:
    runs = previous.failing_runs if previous else 0
    if previous is not None and runs and now - last_strike(previous) < STRIKE_SPACING:
        return _unchanged(previous, history)  # too soon after the last strike to count
    runs += 1
    since = (previous.failing_since if previous and previous.failing_runs else None) or now.date()
    status = "dead" if runs >= dead_after else "failing"
    return Standing(status, runs, since, history, now)


def last_strike(record: CheckRecord) -> dt.datetime:
    """When the record's latest strike counted (states written before strikes were timed
    only know when the record was checked, which is no earlier)."""
    return record.struck_at or record.checked_at


def kept_standing(previous: CheckRecord | None, fresh: CheckRecord) -> CheckRecord:
    """`fresh` as an inconclusive run keeps it: this run's answer, the earlier standing (and
    the earlier activity, when this run found none)."""
    if previous is None or previous.url != fresh.url:
        return replace(
            fresh, link_status="unknown", failing_runs=0, failing_since=None, struck_at=None
        )
    kept = replace(
        fresh,
        link_status=previous.link_status,
        failing_runs=previous.failing_runs,
        failing_since=previous.failing_since,
        struck_at=previous.struck_at,
        history=previous.history,
    )
    if fresh.activity != "unknown":
        return kept
    return replace(
        kept,
        last_activity=previous.last_activity,
        activity_source=previous.activity_source,
        activity=previous.activity,
        activity_url=previous.activity_url,
        recent_posts=previous.recent_posts,
    )


def _extend(history: tuple[Segment, ...], outcome: str, today: dt.date) -> tuple[Segment, ...]:
    if history and history[-1].outcome == outcome:
        return history
    return (*history, Segment(outcome, today))[-MAX_SEGMENTS:]
