"""An entry's standing over its checks: one run is enough to be ok, moved, gated or blocked;
it takes `dead_after` consecutive failing runs to be dead; rate limits and refusals say
nothing about the site and leave the standing as it was."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.outcomes import FAILING_OUTCOMES, NEUTRAL_OUTCOMES, LinkStatus
from generator.state import MAX_SEGMENTS, CheckRecord, Segment

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


def advance(
    previous: CheckRecord | None,
    url: str,
    outcome: str,
    today: dt.date,
    dead_after: int,
) -> Standing:
    """The standing after this run's outcome, given the record of earlier runs."""
    if previous is not None and previous.url != url:
        previous = None  # a new address starts a new history
    history = _extend(previous.history if previous else (), outcome, today)
    if outcome in NEUTRAL_OUTCOMES:
        if previous is None:
            return Standing("unknown", 0, None, history)
        return Standing(
            previous.link_status, previous.failing_runs, previous.failing_since, history
        )
    if outcome in FAILING_OUTCOMES:
        runs = (previous.failing_runs if previous else 0) + 1
        since = (previous.failing_since if previous and previous.failing_runs else None) or today
        status = "dead" if runs >= dead_after else "failing"
        return Standing(status, runs, since, history)
    return Standing(_STANDING[outcome], 0, None, history)


def _extend(history: tuple[Segment, ...], outcome: str, today: dt.date) -> tuple[Segment, ...]:
    if history and history[-1].outcome == outcome:
        return history
    return (*history, Segment(outcome, today))[-MAX_SEGMENTS:]
