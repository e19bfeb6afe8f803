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
    last_column: str


@dataclass(frozen=True)
class HealthView:
    total: int
    checked: int
    last_check: dt.date | None
    sections: list[HealthSection]


def _failure_detail(view: CommunityView) -> str:
    record = view.status.record
    since = failing_since(record)
    reason = OUTCOME_WORDS.get(record.outcome or "", record.outcome or "no answer")
    status = f" (HTTP {record.http_status})" if record.http_status else ""
    return f"{reason.capitalize()}{status}" + (f"; since {format_date(since)}" if since else "")


def _http_status(view: CommunityView) -> str:
    status = view.status.record.http_status
    return f"HTTP {status}" if status else ""


@dataclass(frozen=True)
class SectionSpec:
    """Which communities a section lists, and what it says about each."""

    id: str
    title: str
    advice: str
    chosen: Callable[[CommunityView], bool]
    detail: Callable[[CommunityView], str]
    new_address: bool = False

    def section(self, views: Sequence[CommunityView]) -> HealthSection:
        rows = [self._row(view) for view in views if self.chosen(view)]
        column = "New address" if self.new_address else "Status"
        return HealthSection(self.id, self.title, self.advice, rows, column)

    def _row(self, view: CommunityView) -> HealthRow:
        new_url = view.status.record.final_url if self.new_address else None
        return HealthRow(view, self.detail(view), new_url)


SECTIONS = (
    SectionSpec(
        "dead",
        "Dead links",
        "Three checks in a row failed. Find the community's new address or remove the entry.",
        lambda v: v.status.link_status == "dead",
        _failure_detail,
    ),
    SectionSpec(
        "failing",
        "Failing links",
        "The latest checks failed; after three failures in a row the link counts as dead.",
        lambda v: v.status.link_status == "failing",
        _failure_detail,
    ),
    SectionSpec(
        "moved",
        "Moved",
        "The address redirects permanently: update the entry's url to the new address.",
        lambda v: v.status.link_status == "moved" and not v.status.record.offsite,
        _http_status,
        new_address=True,
    ),
    SectionSpec(
        "offsite",
        "Moved to another domain",
        "A permanent redirect to another domain: a platform migration, or a domain that was "
        "sold, parked or hijacked. Look before updating the entry.",
        lambda v: v.status.link_status == "moved" and v.status.record.offsite,
        _http_status,
        new_address=True,
    ),
    SectionSpec(
        "dormant",
        "Dormant",
        "Nothing posted for over six months. Check whether the community is still run.",
        lambda v: v.status.activity == "dormant",
        lambda v: v.status.activity_sentence,
    ),
    SectionSpec(
        "blocked",
        "Blocked by a bot wall",
        "The site turns automated visitors away; a person has to look now and then.",
        lambda v: v.status.link_status == "blocked",
        lambda v: _http_status(v) or "A bot wall",
    ),
)


def build_health(views: Sequence[CommunityView]) -> HealthView:
    checked = [view.status.checked_on for view in views if view.status.checked_on]
    sections = [spec.section(views) for spec in SECTIONS]
    return HealthView(len(views), len(checked), max(checked, default=None), sections)
