"""The checker's state file, read without any network code: what `build` shows of each
community's link health and activity.

    records = load_check_state(Path("data/check-state.json"))   # {} when there is no file
    record = records["sap-community"]
    activity_phrase(record, today)   # "last post 3 days ago, from its RSS/Atom feed"
    link_phrase(record)              # "moved to https://…", "members must sign in", …

File format (version 1), deterministic so that night-to-night diffs stay small: keys sorted,
two-space indent, one record per slug. A record's `checked_at` is written only when it
differs from the file's `checked_at` (the time most records were checked), and its history
keeps one segment per run of equal outcomes, so an entry whose answer did not change does
not change in the file.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import CheckError, display_path

STATE_VERSION = 1
STATE_FILE_NAME = "check-state.json"
MAX_SEGMENTS = 20


class StateError(CheckError):
    """The state file exists but cannot be used."""


def default_state_path(data_dir: Path) -> Path:
    """Where the checker keeps its state unless told otherwise: `<data>/check-state.json`."""
    return data_dir / STATE_FILE_NAME


@dataclass(frozen=True)
class Segment:
    """A stretch of consecutive runs with the same outcome, from the first of them."""

    outcome: str
    since: dt.date


@dataclass(frozen=True)
class FeedCache:
    """Validators of a feed for conditional requests, and the date its content gave."""

    etag: str | None = None
    last_modified: str | None = None
    last_activity: dt.date | None = None


@dataclass(frozen=True)
class Learned:
    """The optional fields of a record (DESIGN.md, "Check report"): each None when unknown."""

    detected_platform: str | None = None
    platform_evidence: str | None = None
    detected_access: str | None = None
    posts_30_days: int | None = None
    active_users_30_days: int | None = None
    archive_url: str | None = None
    archive_date: dt.date | None = None
    archive_checked: dt.date | None = None
    """When the archive was last asked (it is asked again only now and then)."""

    def report_fields(self) -> dict[str, Any]:
        """The report's optional fields that are known (the lookup date is bookkeeping)."""
        fields = {
            "detected_platform": self.detected_platform,
            "platform_evidence": self.platform_evidence,
            "detected_access": self.detected_access,
            "posts_30_days": self.posts_30_days,
            "archive_url": self.archive_url,
            "archive_date": _iso(self.archive_date),
        }
        return {key: value for key, value in fields.items() if value is not None}

    def to_json(self) -> dict[str, Any]:
        fields = {
            **self.report_fields(),
            "active_users_30_days": self.active_users_30_days,
            "archive_checked": _iso(self.archive_checked),
        }
        return {key: value for key, value in fields.items() if value is not None}


NOTHING_LEARNED = Learned()


@dataclass(frozen=True)
class CheckRecord:
    """One community's latest check and its standing over past checks."""

    slug: str
    url: str
    checked_at: dt.datetime
    outcome: str
    link_status: str
    http_status: int | None
    final_url: str
    offsite: bool
    last_activity: dt.date | None
    activity_source: str | None
    activity: str
    activity_url: str | None = None
    recent_posts: int | None = None
    """Posts within the last 30 days, when a platform gave counts instead of dates."""
    detail: str = ""
    failing_runs: int = 0
    failing_since: dt.date | None = None
    history: tuple[Segment, ...] = ()
    feeds: Mapping[str, FeedCache] = field(default_factory=dict)
    learned: Learned = NOTHING_LEARNED
    """What the site showed of itself beyond link and activity (optional report fields)."""

    @property
    def archive_url(self) -> str | None:
        """The latest archived copy of the page (failing, dead and moved entries)."""
        return self.learned.archive_url

    @property
    def archive_date(self) -> dt.date | None:
        return self.learned.archive_date

    @property
    def detected_platform(self) -> str | None:
        return self.learned.detected_platform

    @property
    def detected_access(self) -> str | None:
        return self.learned.detected_access

    @property
    def posts_30_days(self) -> int | None:
        return self.learned.posts_30_days

    @property
    def moved_to(self) -> str | None:
        """The suggested new address when the community moved permanently."""
        return self.final_url if self.outcome == "moved" else None

    @property
    def members_must_sign_in(self) -> bool:
        return self.link_status == "gated"

    @property
    def failing(self) -> bool:
        return self.link_status in ("failing", "dead")

    def report_fields(self) -> dict[str, Any]:
        """The fields of the check report (DESIGN.md), in the report's order."""
        return {
            "slug": self.slug,
            "url": self.url,
            "outcome": self.outcome,
            "link_status": self.link_status,
            "http_status": self.http_status,
            "final_url": self.final_url,
            "offsite": self.offsite,
            "last_activity": _iso(self.last_activity),
            "activity_source": self.activity_source,
            "activity": self.activity,
            **self.learned.report_fields(),
        }


def _learned(raw: dict[str, Any]) -> Learned:
    return Learned(
        detected_platform=_str(raw.get("detected_platform")),
        platform_evidence=_str(raw.get("platform_evidence")),
        detected_access=_str(raw.get("detected_access")),
        posts_30_days=_optional_int(raw.get("posts_30_days")),
        active_users_30_days=_optional_int(raw.get("active_users_30_days")),
        archive_url=_str(raw.get("archive_url")),
        archive_date=_date(raw.get("archive_date")),
        archive_checked=_date(raw.get("archive_checked")),
    )


@dataclass(frozen=True)
class CheckState:
    """The whole file: every record, and the activity thresholds it was judged with.

    `shard` is (K, N) in the file a `check --shard K/N` run writes, so that `state merge`
    knows which records that run checked; a whole run's file has none."""

    records: dict[str, CheckRecord] = field(default_factory=dict)
    active_days: int = 30
    dormant_days: int = 180
    shard: tuple[int, int] | None = None


# --- reading -------------------------------------------------------------------------------


def load_check_state(path: Path) -> dict[str, CheckRecord]:
    """Every community's record by slug; an absent file means nothing was checked yet."""
    return read_state(path).records


def read_state(path: Path) -> CheckState:
    if not path.exists():
        return CheckState()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise StateError(f"cannot read the check state {display_path(path)}: {error}") from None
    return state_from_json(data, display_path(path))


def state_from_json(data: Any, where: str = "check state") -> CheckState:
    if not isinstance(data, dict) or not isinstance(data.get("communities"), dict):
        raise StateError(f"{where}: not a check state file (no 'communities' mapping)")
    version = data.get("version")
    if version != STATE_VERSION:
        raise StateError(f"{where}: unsupported state version {version!r}")
    default_time = _datetime(data.get("checked_at"))
    records = {}
    for slug, raw in data["communities"].items():
        record = _record(slug, raw, default_time)
        if record is not None:
            records[slug] = record
    thresholds = data.get("thresholds") or {}
    return CheckState(
        records,
        _int(thresholds.get("active_days"), 30),
        _int(thresholds.get("dormant_days"), 180),
        _shard(data.get("shard")),
    )


def _shard(raw: Any) -> tuple[int, int] | None:
    if not isinstance(raw, dict):
        return None
    index, count = _optional_int(raw.get("index")), _optional_int(raw.get("count"))
    if index is None or count is None or not 1 <= index <= count:
        return None
    return index, count


def _record(slug: str, raw: Any, default_time: dt.datetime | None) -> CheckRecord | None:
    """One record, or None when it is too damaged to use (the next check rewrites it)."""
    if not isinstance(raw, dict):
        return None
    checked_at = _datetime(raw.get("checked_at")) or default_time
    url, outcome = _str(raw.get("url")), _str(raw.get("outcome"))
    link_status = _str(raw.get("link_status"))
    if checked_at is None or url is None or outcome is None or link_status is None:
        return None
    return CheckRecord(
        slug=slug,
        url=url,
        checked_at=checked_at,
        outcome=outcome,
        link_status=link_status,
        http_status=_optional_int(raw.get("http_status")),
        final_url=_str(raw.get("final_url")) or url,
        offsite=raw.get("offsite") is True,
        last_activity=_date(raw.get("last_activity")),
        activity_source=_str(raw.get("activity_source")),
        activity=_str(raw.get("activity")) or "unknown",
        activity_url=_str(raw.get("activity_url")),
        recent_posts=_optional_int(raw.get("recent_posts")),
        detail=_str(raw.get("detail")) or "",
        failing_runs=_int(raw.get("failing_runs"), 0),
        failing_since=_date(raw.get("failing_since")),
        history=_history(raw.get("history")),
        feeds=_feeds(raw.get("feeds")),
        learned=_learned(raw),
    )


def _history(raw: Any) -> tuple[Segment, ...]:
    if not isinstance(raw, list):
        return ()
    segments = []
    for item in raw:
        since = _date(item.get("since")) if isinstance(item, dict) else None
        outcome = _str(item.get("outcome")) if isinstance(item, dict) else None
        if since and outcome:
            segments.append(Segment(outcome, since))
    return tuple(segments[-MAX_SEGMENTS:])


def _feeds(raw: Any) -> dict[str, FeedCache]:
    if not isinstance(raw, dict):
        return {}
    return {
        url: FeedCache(
            _str(v.get("etag")), _str(v.get("last_modified")), _date(v.get("last_activity"))
        )
        for url, v in raw.items()
        if isinstance(url, str) and isinstance(v, dict)
    }


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _optional_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _datetime(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# --- writing (the checker's side of the same format) ---------------------------------------


RecordTexts = dict[str, tuple[CheckRecord, "dt.datetime | None", str]]
"""Serialised records kept between checkpoints of a run: slug → (record, common time, text)."""


def state_to_json(state: CheckState, texts: RecordTexts | None = None) -> str:
    """The file's text: what `json.dumps(..., indent=2, sort_keys=True)` gives, so unchanged
    records stay byte-identical. Records already serialised (in `texts`) are reused: a run
    saves checkpoints of thousands of records many times."""
    times = Counter(record.checked_at for record in state.records.values())
    common = max(times.items(), key=lambda item: (item[1], item[0]))[0] if times else None
    texts = {} if texts is None else texts
    members = [
        f"    {_dumps(slug)}: {_record_text(slug, record, common, texts)}"
        for slug, record in sorted(state.records.items())
    ]
    thresholds = {"active_days": state.active_days, "dormant_days": state.dormant_days}
    shard = {"count": state.shard[1], "index": state.shard[0]} if state.shard else None
    lines = [
        "{",
        f'  "checked_at": {_dumps(utc_stamp(common) if common else None)},',
        '  "communities": ' + ("{\n" + ",\n".join(members) + "\n  }," if members else "{},"),
        *([f'  "shard": {_dumps(shard, 2)},'] if shard else []),
        f'  "thresholds": {_dumps(thresholds, 2)},',
        f'  "version": {STATE_VERSION}',
        "}",
    ]
    return "\n".join(lines) + "\n"


def _record_text(
    slug: str, record: CheckRecord, common: dt.datetime | None, texts: RecordTexts
) -> str:
    cached = texts.get(slug)
    if cached is not None and cached[0] is record and cached[1] == common:
        return cached[2]
    text = _dumps(record_to_json(record, common), 4)
    texts[slug] = (record, common, text)
    return text


def _dumps(value: Any, depth: int = 0) -> str:
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return text.replace("\n", "\n" + " " * depth) if depth else text


def record_to_json(record: CheckRecord, common: dt.datetime | None) -> dict[str, Any]:
    data = {
        **record.report_fields(),
        "activity_url": record.activity_url,
        "recent_posts": record.recent_posts,
        "detail": record.detail,
        "failing_runs": record.failing_runs,
        "failing_since": _iso(record.failing_since),
        "history": [{"outcome": s.outcome, "since": s.since.isoformat()} for s in record.history],
        "feeds": {url: _feed_json(cache) for url, cache in sorted(record.feeds.items())},
        **record.learned.to_json(),
    }
    del data["slug"]
    if record.checked_at != common:
        data["checked_at"] = utc_stamp(record.checked_at)
    return data


def _feed_json(cache: FeedCache) -> dict[str, Any]:
    return {
        "etag": cache.etag,
        "last_modified": cache.last_modified,
        "last_activity": _iso(cache.last_activity),
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def utc_stamp(moment: dt.datetime) -> str:
    """`2026-11-25T03:00:00Z`: UTC, whole seconds."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- words for the site --------------------------------------------------------------------

SOURCE_WORDS = {
    "feed": "from its RSS/Atom feed",
    "discourse": "from its Discourse forum",
    "khoros": "from its Khoros community",
    "vanilla": "from its Vanilla forum",
    "sitemap": "from its sitemap",
    "page": "from dates on its page",
}


def classify_activity(
    last: dt.date, today: dt.date, active_days: int = 30, dormant_days: int = 180
) -> str:
    """active / slowing / dormant for a last-activity date, as of `today`."""
    age = (today - last).days
    if age <= active_days:
        return "active"
    return "slowing" if age <= dormant_days else "dormant"


def activity_phrase(record: CheckRecord, today: dt.date) -> str:
    """ "last post 3 days ago, from its RSS/Atom feed", or why nothing is known."""
    source = SOURCE_WORDS.get(record.activity_source or "", "")
    if record.last_activity is not None:
        noun = "last update" if record.activity_source in ("sitemap", "page") else "last post"
        return f"{noun} {time_ago(record.last_activity, today)}, {source}".rstrip(", ")
    if record.recent_posts:
        return f"{record.recent_posts} posts in the last 30 days, {source}".rstrip(", ")
    return "no sign of recent activity could be found"


def link_phrase(record: CheckRecord) -> str:
    """The link's standing in plain words."""
    since = f" since {record.failing_since.isoformat()}" if record.failing_since else ""
    words = {
        "ok": "the site answers",
        "moved": f"moved to {record.final_url}",
        "gated": "members must sign in",
        "blocked": "the site turns automated visitors away",
        "failing": f"failing{since} ({record.detail})",
        "dead": f"gone: failing on {record.failing_runs} checks in a row{since}",
    }
    return words.get(record.link_status, "not checked yet")


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
