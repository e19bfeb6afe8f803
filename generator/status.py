"""The checker's state, read for the site: each community's standing put into plain words.

`build` never touches the network; it reads what `biglist check` last wrote. This module is
the only place the site learns the state's shape: it turns each record into a `CheckRecord`
(the report fields of DESIGN.md plus the run history) and then into a `StatusView` that
templates print ("last post 3 days ago, from its RSS/Atom feed", "members must sign in").
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import BuildError
from generator.models import Term

ACTIVITY_VALUES = ("active", "slowing", "dormant", "unknown")
FAILING = (
    "not_found",
    "server_error",
    "timeout",
    "dns_error",
    "connection_error",
    "tls_error",
    "too_many_redirects",
)
OUTCOMES = ("ok", "redirected", "moved", "gated", "blocked", "rate_limited", *FAILING, "refused")
FAILING_OUTCOMES = frozenset(FAILING)
# Outcomes that say nothing about the link: they leave the earlier standing in place.
NEUTRAL_OUTCOMES = frozenset({"rate_limited", "refused"})
DEAD_AFTER = 3

ACTIVITY_TERMS = (
    Term(id="active", label="Active", description="Something was posted in the last 30 days."),
    Term(id="slowing", label="Slowing", description="The latest post is 1 to 6 months old."),
    Term(id="dormant", label="Dormant", description="Nothing was posted for over 6 months."),
    Term(
        id="unknown",
        label="Unknown",
        description="Not checked yet, or no feed, platform API, sitemap or page date showed "
        "when members last posted.",
    ),
)
ACTIVITY_LABELS = {term.id: term.label for term in ACTIVITY_TERMS}

SOURCE_WORDS = {
    "feed": "from its RSS/Atom feed",
    "discourse": "from its Discourse forum's public API",
    "khoros": "from its Khoros community's public API",
    "vanilla": "from its Vanilla forum's public API",
    "sitemap": "from its sitemap",
    "page": "from dates on its front page",
}
OUTCOME_WORDS = {
    "not_found": "the page is not found",
    "server_error": "the server answers with an error",
    "timeout": "the site does not answer in time",
    "dns_error": "the domain name does not resolve",
    "connection_error": "the connection is refused",
    "tls_error": "its secure connection (TLS) is broken",
    "too_many_redirects": "it redirects in a loop or too many times",
}


# --- the state, as the site reads it ------------------------------------------------------


@dataclass(frozen=True)
class HistoryEvent:
    """One past run's result for one community."""

    checked_at: dt.datetime
    outcome: str | None
    activity: str | None = None
    final_url: str | None = None


@dataclass(frozen=True)
class CheckRecord:
    """One community's latest check (the report fields) and its history, oldest run first."""

    slug: str
    outcome: str | None = None
    link_status: str = "unknown"
    http_status: int | None = None
    final_url: str | None = None
    offsite: bool = False
    last_activity: dt.date | None = None
    activity_source: str | None = None
    activity: str = "unknown"
    checked_at: dt.datetime | None = None
    history: tuple[HistoryEvent, ...] = ()

    def report_fields(self) -> dict[str, Any]:
        """The check fields exactly as the JSON report names them."""
        return {
            "outcome": self.outcome,
            "link_status": self.link_status,
            "http_status": self.http_status,
            "final_url": self.final_url,
            "offsite": self.offsite,
            "last_activity": self.last_activity.isoformat() if self.last_activity else None,
            "activity_source": self.activity_source,
            "activity": self.activity,
        }


@dataclass(frozen=True)
class CheckState:
    """Every community's record, by slug; empty before the first check."""

    generated_at: dt.datetime | None = None
    records: Mapping[str, CheckRecord] = field(default_factory=dict)

    def record(self, slug: str) -> CheckRecord:
        return self.records.get(slug) or CheckRecord(slug)


def load_check_state(path: Path) -> CheckState:
    """Read the checker's state file; a missing file means nothing was checked yet."""
    if not path.exists():
        return CheckState()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return parse_state(raw)
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError) as error:
        raise BuildError(f"{path}: cannot read the checker state: {error}") from error


def parse_state(raw: Mapping[str, Any]) -> CheckState:
    """The state document: `generated_at` and `communities`, a list (with slugs) or a map."""
    communities = raw.get("communities") or {}
    if isinstance(communities, Mapping):
        items = [{**value, "slug": slug} for slug, value in communities.items()]
    else:
        items = list(communities)
    records = [_record(item) for item in items]
    return CheckState(_datetime(raw.get("generated_at")), {r.slug: r for r in records})


def _record(item: Mapping[str, Any]) -> CheckRecord:
    history = tuple(_event(event) for event in item.get("history") or ())
    checked_at = _datetime(item.get("checked_at")) or (history[-1].checked_at if history else None)
    return CheckRecord(
        slug=str(item["slug"]),
        outcome=item.get("outcome"),
        link_status=item.get("link_status") or "unknown",
        http_status=item.get("http_status"),
        final_url=item.get("final_url"),
        offsite=bool(item.get("offsite")),
        last_activity=_date(item.get("last_activity")),
        activity_source=item.get("activity_source"),
        activity=item.get("activity") or "unknown",
        checked_at=checked_at,
        history=history,
    )


def _event(item: Mapping[str, Any]) -> HistoryEvent:
    when = _datetime(item.get("checked_at") or item.get("at") or item.get("date"))
    if when is None:
        raise ValueError("a history entry has no date")
    return HistoryEvent(when, item.get("outcome"), item.get("activity"), item.get("final_url"))


def _datetime(value: Any) -> dt.datetime | None:
    """An ISO date or date-time, as an aware UTC date-time (a plain date is midnight UTC)."""
    if value in (None, ""):
        return None
    parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(str(value)[:10]) if value else None


# --- history ------------------------------------------------------------------------------


def failing_since(record: CheckRecord) -> dt.date | None:
    """The first run of the current streak of failing runs (neutral runs do not break it)."""
    since = None
    for event in reversed(record.history):
        if event.outcome in NEUTRAL_OUTCOMES:
            continue
        if event.outcome not in FAILING_OUTCOMES:
            break
        since = event.checked_at.date()
    if since is None and record.link_status in ("failing", "dead") and record.checked_at:
        return record.checked_at.date()
    return since


def became_dead_on(history: Sequence[HistoryEvent]) -> dt.date | None:
    """The run that made the last streak of failures reach three, if it did."""
    streak, dead_on = 0, None
    for event in history:
        if event.outcome in NEUTRAL_OUTCOMES:
            continue
        streak = streak + 1 if event.outcome in FAILING_OUTCOMES else 0
        if streak == DEAD_AFTER:
            dead_on = event.checked_at.date()
        elif streak == 0:
            dead_on = None
    return dead_on


def moved_on(history: Sequence[HistoryEvent]) -> dt.date | None:
    """The first run that found the current move (a later different address is a new move)."""
    moved: HistoryEvent | None = None
    for event in history:
        if event.outcome != "moved":
            continue
        if moved is None or (event.final_url and event.final_url != moved.final_url):
            moved = event
    return moved.checked_at.date() if moved else None


def went_quiet_on(history: Sequence[HistoryEvent]) -> dt.date | None:
    """The run where activity turned dormant after an active or slowing reading."""
    quiet_on, was_alive = None, False
    for event in history:
        if event.activity in ("active", "slowing"):
            quiet_on, was_alive = None, True
        elif event.activity == "dormant" and was_alive and quiet_on is None:
            quiet_on = event.checked_at.date()
    return quiet_on


# --- plain words --------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusView:
    """A community's standing, ready to print: a label and a sentence for link and activity."""

    link_status: str
    link_label: str
    link_sentence: str
    moved_to: str | None
    activity: str
    activity_label: str
    activity_sentence: str
    checked_on: dt.date | None
    record: CheckRecord

    @property
    def checked(self) -> bool:
        return self.checked_on is not None

    @property
    def badge_class(self) -> str:
        return f"biglist-activity biglist-activity--{self.activity}"


LINK_LABELS = {
    "ok": "Link works",
    "moved": "Moved",
    "gated": "Members only",
    "blocked": "Blocks checkers",
    "failing": "Link failing",
    "dead": "Link dead",
    "unknown": "Not checked yet",
}


def status_view(record: CheckRecord) -> StatusView:
    activity = record.activity if record.activity in ACTIVITY_LABELS else "unknown"
    link_status = record.link_status if record.link_status in LINK_LABELS else "unknown"
    return StatusView(
        link_status=link_status,
        link_label=LINK_LABELS[link_status],
        link_sentence=link_sentence(record),
        moved_to=record.final_url if link_status == "moved" else None,
        activity=activity,
        activity_label=ACTIVITY_LABELS[activity],
        activity_sentence=activity_sentence(record),
        checked_on=record.checked_at.date() if record.checked_at else None,
        record=record,
    )


def link_sentence(record: CheckRecord) -> str:
    status = record.link_status
    if status in ("failing", "dead"):
        return _failure_sentence(record)
    if status == "moved":
        where = "to another site" if record.offsite else "to a new address"
        return f"Moved {where}" + (":" if record.final_url else ".")
    return {
        "ok": "The link works.",
        "gated": "Members must sign in to see it.",
        "blocked": "The site turns automated visitors away, so only a person can tell "
        "whether it is alive.",
    }.get(status, "Not checked yet.")


def _failure_sentence(record: CheckRecord) -> str:
    since = failing_since(record)
    when = f" since {format_date(since)}" if since else ""
    reason = OUTCOME_WORDS.get(record.outcome or "", "")
    because = f": {reason}" if reason else ""
    if record.link_status == "dead":
        return f"Link dead{when} (three checks in a row failed){because}."
    return f"Link failing{when}{because}."


def activity_sentence(record: CheckRecord) -> str:
    if record.checked_at is None:
        return "Not checked yet."
    source = SOURCE_WORDS.get(record.activity_source or "")
    if record.last_activity and source:
        ago = time_ago(record.last_activity, record.checked_at.date())
        return f"{_latest_noun(record.activity_source)} {ago}, {source}."
    if record.activity in ("active", "slowing", "dormant") and source:
        label = ACTIVITY_LABELS[record.activity]
        return f"{label}, judged by post counts {source}."
    return "No sign of recent activity could be found."


def _latest_noun(source: str | None) -> str:
    return {"sitemap": "Last page update", "page": "Latest date"}.get(source or "", "Last post")


def time_ago(then: dt.date, now: dt.date) -> str:
    """A rough, honest age: days, then months, then years."""
    days = (now - then).days
    if days <= 0:
        return "today" if days == 0 else f"on {format_date(then)}"
    if days == 1:
        return "yesterday"
    if days < 60:
        return f"{days} days ago"
    if days < 730:
        return f"{days // 30} months ago"
    return f"{days // 365} years ago"


def format_date(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


UNCHECKED = status_view(CheckRecord(slug=""))
