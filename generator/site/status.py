"""The checker's state, read for the site: each community's standing put into plain words.

`build` never touches the network; it reads what `biglist check` last wrote (the format is
generator/state.py's) and turns each record into a `StatusView` that templates print ("Last
post 3 days ago, from its RSS/Atom feed.", "Members must sign in to see it.", "Moved to a new
address: …"), and dates of change (moved, gone quiet, gone) for the trends.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.catalog.models import Term
from generator.catalog.urls import url_key
from generator.outcomes import NEUTRAL_OUTCOMES
from generator.state import (
    CheckRecord,
    CheckState,
    format_date,
    read_state,
    time_ago,
    utc_stamp,
)

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


def read_check_state(path: Path) -> CheckState:
    """The checker's state file (generator/state.py); a missing file means nothing checked."""
    return read_state(path)


def check_fields(record: CheckRecord | None) -> dict[str, Any]:
    """The check fields of the report for one community, plus when it was checked."""
    if record is None:
        return {**UNCHECKED_FIELDS}
    fields = record.report_fields()
    del fields["slug"], fields["url"]
    return {**fields, "checked_at": utc_stamp(record.checked_at)}


UNCHECKED_FIELDS: dict[str, Any] = {
    "outcome": None,
    "link_status": "unknown",
    "http_status": None,
    "final_url": None,
    "offsite": False,
    "last_activity": None,
    "activity_source": None,
    "activity": "unknown",
    "checked_at": None,
}


# --- history ------------------------------------------------------------------------------


def failing_since(record: CheckRecord) -> dt.date | None:
    """The first failing run of the current streak (neutral runs do not break it)."""
    if record.link_status not in ("failing", "dead"):
        return None
    return record.failing_since or record.checked_at.date()


def moved_on(record: CheckRecord) -> dt.date | None:
    """The first run of the current stretch of `moved` answers (rate limits do not break it)."""
    if record.link_status != "moved":
        return None
    since = None
    for segment in reversed(record.history):
        if segment.outcome in NEUTRAL_OUTCOMES:
            continue
        if segment.outcome != "moved":
            break
        since = segment.since
    return since or record.checked_at.date()


def went_quiet_on(record: CheckRecord, dormant_days: int) -> dt.date | None:
    """The day the latest activity became older than `dormant_days`, if the checker was
    already watching then; a community found dormant at its first check has no such day."""
    if record.activity != "dormant" or record.last_activity is None:
        return None
    quiet_on = record.last_activity + dt.timedelta(days=dormant_days + 1)
    first_seen = record.history[0].since if record.history else record.checked_at.date()
    return quiet_on if quiet_on >= first_seen else None


# --- plain words --------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchivedCopy:
    """The latest copy of the community's page in a web archive (the Wayback Machine)."""

    url: str
    date: dt.date | None

    @property
    def label(self) -> str:
        return f"Archived copy of {format_date(self.date)}" if self.date else "Archived copy"


def archived_copy(record: CheckRecord) -> ArchivedCopy | None:
    """The archived copy the checker found (failing, dead and moved entries), if any."""
    url = record.archive_url
    if not url or not url.startswith(("https://", "http://")):
        return None
    return ArchivedCopy(url, record.archive_date)


@dataclass(frozen=True)
class StatusView:
    """A community's standing, ready to print: a label and a sentence for link and activity.

    `record` is None until the checker has checked the community at its current address.
    """

    link_status: str
    link_label: str
    link_sentence: str
    moved_to: str | None
    activity: str
    activity_label: str
    activity_sentence: str
    record: CheckRecord | None
    moved_on: dt.date | None = None
    quiet_on: dt.date | None = None
    gone_on: dt.date | None = None
    archive: ArchivedCopy | None = None

    @property
    def checked(self) -> bool:
        return self.record is not None

    @property
    def checked_on(self) -> dt.date | None:
        return self.record.checked_at.date() if self.record else None

    @property
    def last_activity(self) -> dt.date | None:
        return self.record.last_activity if self.record else None

    @property
    def detected_platform(self) -> str | None:
        return self.record.detected_platform if self.record else None

    @property
    def detected_access(self) -> str | None:
        return self.record.detected_access if self.record else None

    @property
    def posts_30_days(self) -> int | None:
        return self.record.posts_30_days if self.record else None

    @property
    def volume_phrase(self) -> str:
        """ "1,240 posts in 30 days", or "" when the platform gave no count."""
        return posts_phrase(self.posts_30_days)

    @property
    def volume_sentence(self) -> str:
        """ "1,240 posts and 122 active members in the last 30 days.", or ""."""
        if self.record is None or self.posts_30_days is None:
            return ""
        users = self.record.learned.active_users_30_days
        members = f" and {users:,} active member{'s' * (users != 1)}" if users else ""
        return f"{_posts(self.posts_30_days)}{members} in the last 30 days."

    @property
    def badge_class(self) -> str:
        return f"biglist-activity biglist-activity--{self.activity}"

    @property
    def notice(self) -> Notice | None:
        """What a reader must know before following the link: gone, failing or moved."""
        return NOTICES.get(self.link_status)


@dataclass(frozen=True)
class Notice:
    """A boxed warning on a community's page; `kind` is the admonition style."""

    kind: str
    title: str


NOTICES = {
    "dead": Notice("danger", "This community seems to be gone"),
    "failing": Notice("warning", "The link is failing"),
    "moved": Notice("info", "This community has moved"),
}


LINK_LABELS = {
    "ok": "Link works",
    "moved": "Moved",
    "gated": "Members only",
    "blocked": "Blocks checkers",
    "failing": "Link failing",
    "dead": "Link dead",
    "unknown": "Not checked yet",
}


def status_for(state: CheckState, slug: str, url: str) -> StatusView:
    """The standing of the community at `url`; a record of an older address does not count."""
    record = state.records.get(slug)
    if record is None or not _same_address(record.url, url):
        return UNCHECKED
    return status_view(record, state.dormant_days)


def _same_address(checked: str, current: str) -> bool:
    try:
        return checked == current or url_key(checked) == url_key(current)
    except ValueError:
        return False


def status_view(record: CheckRecord, dormant_days: int = 180) -> StatusView:
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
        record=record,
        moved_on=moved_on(record),
        quiet_on=went_quiet_on(record, dormant_days),
        gone_on=failing_since(record) if link_status == "dead" else None,
        archive=archived_copy(record),
    )


def link_sentence(record: CheckRecord) -> str:
    status = record.link_status
    if status in ("failing", "dead"):
        return _failure_sentence(record)
    if status == "moved":
        where = "to another site" if record.offsite else "to a new address"
        return f"Moved {where}:"
    return {
        "ok": "The link works.",
        "gated": "Members must sign in to see it.",
        "blocked": "The site turns automated visitors away, so only a person can tell "
        "whether it is alive.",
    }.get(status, "The link could not be checked yet.")


def _failure_sentence(record: CheckRecord) -> str:
    since = failing_since(record)
    when = f" since {format_date(since)}" if since else ""
    reason = OUTCOME_WORDS.get(record.outcome, "")
    because = f": {reason}" if reason else ""
    if record.link_status == "dead":
        runs = max(record.failing_runs, 3)
        return f"Link dead{when} ({runs} checks in a row failed){because}."
    return f"Link failing{when}{because}."


def activity_sentence(record: CheckRecord) -> str:
    source = SOURCE_WORDS.get(record.activity_source or "")
    if record.last_activity and source:
        ago = time_ago(record.last_activity, record.checked_at.date())
        return f"{_latest_noun(record.activity_source)} {ago}, {source}."
    if record.recent_posts is not None and source:
        posts = f"{record.recent_posts} post{'s' * (record.recent_posts != 1)}"
        return f"{posts} in the last 30 days, {source}."
    if record.link_status in ("failing", "dead"):
        return "Activity cannot be checked while the link fails."
    return "No sign of recent activity could be found."


def posts_phrase(posts: int | None) -> str:
    return f"{_posts(posts)} in 30 days" if posts is not None else ""


def _posts(count: int) -> str:
    return f"{count:,} post{'s' * (count != 1)}"


def _latest_noun(source: str | None) -> str:
    return {"sitemap": "Last page update", "page": "Latest date"}.get(source or "", "Last post")


UNCHECKED = StatusView(
    link_status="unknown",
    link_label=LINK_LABELS["unknown"],
    link_sentence="",
    moved_to=None,
    activity="unknown",
    activity_label=ACTIVITY_LABELS["unknown"],
    activity_sentence="Not checked yet.",
    record=None,
)
