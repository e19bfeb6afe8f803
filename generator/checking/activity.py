"""Is anyone still posting? Ask the sources in order of trust; the first with evidence wins.

feed (the entry's own `feeds`, then feeds advertised in the page head)
→ platform API (Discourse, Khoros, Vanilla: when the platform is known or recognised)
→ sitemap lastmod → dates on the page itself
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from generator.checking.feeds import feed_evidence
from generator.checking.links import LinkResult
from generator.checking.pagedates import page_date
from generator.checking.platforms import PLATFORM_ORDER, api_base, platform_evidence
from generator.checking.probing import Evidence, ProbeContext
from generator.checking.sitemaps import sitemap_evidence
from generator.outcomes import ALIVE_OUTCOMES, Activity, ActivitySource


@dataclass(frozen=True)
class Thresholds:
    active_days: int = 30
    dormant_days: int = 180


@dataclass(frozen=True)
class ActivityResult:
    activity: Activity
    last_activity: dt.date | None = None
    source: ActivitySource | None = None
    url: str | None = None
    recent_posts: int | None = None


UNKNOWN = ActivityResult("unknown")


def classify(last: dt.date, today: dt.date, thresholds: Thresholds) -> Activity:
    age = (today - last).days
    if age <= thresholds.active_days:
        return "active"
    if age <= thresholds.dormant_days:
        return "slowing"
    return "dormant"


@dataclass(frozen=True)
class Subject:
    """What the probes need to know about one entry."""

    url: str
    feeds: Sequence[str]
    platform_api: str | None
    link: LinkResult


def find_activity(
    context: ProbeContext, subject: Subject, thresholds: Thresholds
) -> ActivityResult:
    if subject.link.outcome not in ALIVE_OUTCOMES:
        return UNKNOWN
    for source in _sources(context, subject):
        evidence = source()
        if evidence is not None:
            return _result(evidence, context.today, thresholds)
    return UNKNOWN


def _sources(context: ProbeContext, subject: Subject) -> list[Callable[[], Evidence | None]]:
    link = subject.link
    gated = link.outcome == "gated"
    # Behind a login or a redirect to one, the entry's own address is the forum's address.
    where = subject.url if gated else link.final_url
    sources: list[Callable[[], Evidence | None]] = [
        lambda: feed_evidence(context, subject.feeds),
        lambda: feed_evidence(context, link.page.feeds),
    ]
    for platform in _platforms(subject):
        probe = functools.partial(platform_evidence, context, platform, api_base(where), gated)
        sources.append(probe)
    sources.append(lambda: sitemap_evidence(context, where))
    if link.outcome in ("ok", "redirected", "moved"):
        sources.append(lambda: _page(context, subject))
    return sources


def _platforms(subject: Subject) -> list[str]:
    detected = subject.link.detection.platform if subject.link.detection else None
    named = {subject.platform_api, subject.link.page.platform, detected}
    return [platform for platform in PLATFORM_ORDER if platform in named]


def _page(context: ProbeContext, subject: Subject) -> Evidence | None:
    day = context.sane(page_date(subject.link.page, context.today))
    return Evidence("page", subject.link.final_url, last_activity=day) if day else None


def _result(evidence: Evidence, today: dt.date, thresholds: Thresholds) -> ActivityResult:
    level: Activity = "active"
    if evidence.last_activity is not None:
        level = classify(evidence.last_activity, today, thresholds)
    return ActivityResult(
        level, evidence.last_activity, evidence.source, evidence.url, evidence.recent_posts
    )
