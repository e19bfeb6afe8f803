"""The maintainers' health page: which communities need a human to look at them.

Dead and failing links, moves (with the address to switch to), moves to another domain (a
platform migration, or a hijacked or parked domain), dormant communities and sites that turn
checkers away, each with what the checker saw.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from generator.site.status import OUTCOME_WORDS, activity_sentence, failing_since
from generator.site.views import CommunityView
from generator.state import CheckRecord, RunNote, format_date


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
    inconclusive: RunNote | None = None
    """The latest run, when it was inconclusive: its results changed no standing."""


def _failure_detail(record: CheckRecord) -> str:
    """The checker's own words when it left some (they name the host or the error)."""
    since = failing_since(record)
    reason = record.detail or OUTCOME_WORDS.get(record.outcome, record.outcome)
    status = f" (HTTP {record.http_status})" if record.http_status else ""
    return f"{reason}{status}" + (f"; since {format_date(since)}" if since else "")


def _http_status(record: CheckRecord) -> str:
    return f"HTTP {record.http_status}" if record.http_status else ""


def _activity_detail(record: CheckRecord) -> str:
    # The checker's own detail (e.g. which probe answered) helps a maintainer reproduce it.
    return record.detail or _http_status(record)


@dataclass(frozen=True)
class SectionSpec:
    """Which checked communities a section lists, and what it says about each."""

    id: str
    title: str
    advice: str
    chosen: Callable[[CheckRecord], bool]
    detail: Callable[[CheckRecord], str]
    new_address: bool = False

    def section(self, views: Sequence[CommunityView]) -> HealthSection:
        rows = [
            self._row(view, view.status.record)
            for view in views
            if view.status.record is not None and self.chosen(view.status.record)
        ]
        column = "New address" if self.new_address else "Status"
        return HealthSection(self.id, self.title, self.advice, rows, column)

    def _row(self, view: CommunityView, record: CheckRecord) -> HealthRow:
        new_url = record.final_url if self.new_address else None
        return HealthRow(view, self.detail(record), new_url)


SECTIONS = (
    SectionSpec(
        "dead",
        "Dead links",
        "Three checks in a row failed. Find the community's new address or remove the entry.",
        lambda r: r.link_status == "dead",
        _failure_detail,
    ),
    SectionSpec(
        "failing",
        "Failing links",
        "The latest checks failed; after three failures in a row the link counts as dead.",
        lambda r: r.link_status == "failing",
        _failure_detail,
    ),
    SectionSpec(
        "moved",
        "Moved",
        "The address redirects permanently: update the entry's url to the new address.",
        lambda r: r.link_status == "moved" and not r.offsite,
        _http_status,
        new_address=True,
    ),
    SectionSpec(
        "offsite",
        "Moved to another domain",
        "A permanent redirect to another domain: a platform migration, or a domain that was "
        "sold, parked or hijacked. Look before updating the entry.",
        lambda r: r.link_status == "moved" and r.offsite,
        _http_status,
        new_address=True,
    ),
    SectionSpec(
        "dormant",
        "Dormant",
        "Nothing posted for over six months. Check whether the community is still run.",
        lambda r: r.activity == "dormant",
        activity_sentence,
    ),
    SectionSpec(
        "blocked",
        "Blocked by a bot wall",
        "The site turns automated visitors away; a person has to look now and then.",
        lambda r: r.link_status == "blocked",
        lambda r: _activity_detail(r) or "A bot wall",
    ),
)


def build_health(
    views: Sequence[CommunityView],
    last_run: RunNote | None = None,
    platform_labels: Mapping[str, str] | None = None,
) -> HealthView:
    checked = [view.status.checked_on for view in views if view.status.checked_on]
    sections = [spec.section(views) for spec in SECTIONS]
    sections.append(platform_section(views, platform_labels or {}))
    inconclusive = last_run if last_run is not None and last_run.inconclusive else None
    return HealthView(len(views), len(checked), max(checked, default=None), sections, inconclusive)


def platform_section(views: Sequence[CommunityView], labels: Mapping[str, str]) -> HealthSection:
    """Entries whose curated platform is not the one the checker recognised on the site."""
    rows = []
    for view in views:
        record, curated = view.status.record, view.community.platform
        detected = record.detected_platform if record else None
        if record is not None and curated and detected and detected != curated:
            evidence = record.learned.platform_evidence or "its pages"
            said, seen = labels.get(curated, curated), labels.get(detected, detected)
            rows.append(
                HealthRow(view, f"The entry says {said}; the site shows {seen} ({evidence}).")
            )
    return HealthSection(
        "platform",
        "Platform to review",
        "The platform in the entry differs from the one the checker recognised on the site: "
        "perhaps the community moved to new software. Correct whichever is wrong.",
        rows,
        "Status",
    )
