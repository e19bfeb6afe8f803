"""The maintainers' health page: which communities need a human to look at them.

Dead and failing links, moves (with the address to switch to), moves to another domain (a
platform migration, or a hijacked or parked domain), dormant communities and sites that turn
checkers away, each with what the checker saw.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from generator.status import OUTCOME_WORDS, failing_since, format_date
from generator.views import CommunityView


@dataclass(frozen=True)
class HealthRow:
    view: CommunityView
    detail: str
    new_url: str | None = None


@dataclass(frozen=True)
class HealthSection:
    id: str
    title: str
    advice: str
    rows: list[HealthRow]


@dataclass(frozen=True)
class HealthView:
    total: int
    checked: int
    last_check: dt.date | None
    sections: list[HealthSection]


def _failure_detail(view: CommunityView) -> str:
    record = view.status.record
    since = failing_since(record)
    reason = OUTCOME_WORDS.get(record.outcome or "", record.outcome or "")
    status = f" (HTTP {record.http_status})" if record.http_status else ""
    return f"{reason}{status}" + (f"; since {format_date(since)}" if since else "")


def _move_row(view: CommunityView) -> HealthRow:
    record = view.status.record
    status = f"HTTP {record.http_status}" if record.http_status else ""
    return HealthRow(view, status, record.final_url)


def _activity_detail(view: CommunityView) -> str:
    return view.status.activity_sentence


def _blocked_detail(view: CommunityView) -> str:
    record = view.status.record
    return f"HTTP {record.http_status}" if record.http_status else "bot wall"


Selector = Callable[[CommunityView], bool]
Detail = Callable[[CommunityView], HealthRow]

SECTIONS: list[tuple[str, str, str, Selector, Detail]] = [
    (
        "dead",
        "Dead links",
        "Three checks in a row failed. Find the community's new address or remove the entry.",
        lambda v: v.status.link_status == "dead",
        lambda v: HealthRow(v, _failure_detail(v)),
    ),
    (
        "failing",
        "Failing links",
        "The latest checks failed; after three failures in a row the link counts as dead.",
        lambda v: v.status.link_status == "failing",
        lambda v: HealthRow(v, _failure_detail(v)),
    ),
    (
        "moved",
        "Moved",
        "The address redirects permanently: update the entry's url to the new address.",
        lambda v: v.status.link_status == "moved" and not v.status.record.offsite,
        _move_row,
    ),
    (
        "offsite",
        "Moved to another domain",
        "A permanent redirect to another domain: a platform migration, or a domain that was "
        "sold, parked or hijacked. Look before updating the entry.",
        lambda v: v.status.link_status == "moved" and v.status.record.offsite,
        _move_row,
    ),
    (
        "dormant",
        "Dormant",
        "Nothing posted for over six months. Check whether the community is still run.",
        lambda v: v.status.activity == "dormant",
        lambda v: HealthRow(v, _activity_detail(v)),
    ),
    (
        "blocked",
        "Blocked by a bot wall",
        "The site turns automated visitors away; a person has to look now and then.",
        lambda v: v.status.link_status == "blocked",
        lambda v: HealthRow(v, _blocked_detail(v)),
    ),
]


def build_health(views: Sequence[CommunityView]) -> HealthView:
    sections = [
        HealthSection(id, title, advice, [detail(view) for view in views if chosen(view)])
        for id, title, advice, chosen, detail in SECTIONS
    ]
    checked = [view.status.checked_on for view in views if view.status.checked_on]
    return HealthView(len(views), len(checked), max(checked, default=None), sections)
