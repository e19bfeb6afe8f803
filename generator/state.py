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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

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
    struck_at: dt.datetime | None = None
    """When the latest failing run counted as a strike (strikes are spaced, see history.py)."""
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
        detected_platform=_field(raw, "detected_platform", _optional_text, None),
        platform_evidence=_field(raw, "platform_evidence", _optional_text, None),
        detected_access=_field(raw, "detected_access", _optional_text, None),
        posts_30_days=_field(raw, "posts_30_days", _optional_int, None),
        active_users_30_days=_field(raw, "active_users_30_days", _optional_int, None),
        archive_url=_field(raw, "archive_url", _optional_text, None),
        archive_date=_field(raw, "archive_date", _optional_date, None),
        archive_checked=_field(raw, "archive_checked", _optional_date, None),
    )


@dataclass(frozen=True)
class RunNote:
    """How the latest run went: an inconclusive run (the runner's network, not the web,
    failed) changed no standing, and the health page says so."""

    at: dt.datetime
    inconclusive: bool = False
    reason: str = ""


@dataclass(frozen=True)
class CheckState:
    """The whole file: every record, and the activity thresholds it was judged with.

    `shard` is (K, N) in the file a `check --shard K/N` run writes, so that `state merge`
    knows which records that run checked; a whole run's file has none."""

    records: dict[str, CheckRecord] = field(default_factory=dict)
    active_days: int = 30
    dormant_days: int = 180
    shard: tuple[int, int] | None = None
    last_run: RunNote | None = None
    unreadable: Mapping[str, Any] = field(default_factory=dict)
    """Records that could not be read, by slug, as they were in the file: written back
    unchanged until a run checks their entry again."""
    problems: tuple[str, ...] = ()
    """What was wrong with each unreadable record, for people."""


# --- reading -------------------------------------------------------------------------------


class _Unreadable(Exception):
    """One record (or one of its fields) is not in the shape the checker writes."""


def load_check_state(path: Path) -> dict[str, CheckRecord]:
    """Every community's record by slug; an absent file means nothing was checked yet."""
    return read_state(path).records


def read_state(path: Path) -> CheckState:
    """The state file; a damaged file is a `StateError` naming it, a damaged record is kept
    as it was (in `unreadable`, written back unchanged) and named in `problems`."""
    if not path.exists():
        return CheckState()
    where = display_path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise StateError(f"cannot read the check state {where}: {error}") from None
    except RecursionError:
        raise StateError(f"cannot read the check state {where}: nested too deeply") from None
    return state_from_json(data, where)


def state_from_json(data: Any, where: str = "check state") -> CheckState:
    if not isinstance(data, dict) or not isinstance(data.get("communities"), dict):
        raise StateError(f"{where}: not a check state file (no 'communities' mapping)")
    version = data.get("version")
    if version != STATE_VERSION:
        raise StateError(f"{where}: unsupported state version {version!r}")
    try:
        default_time = _field(data, "checked_at", _optional_datetime, None)
        active_days, dormant_days = _field(data, "thresholds", _thresholds, (30, 180))
        last_run = _field(data, "last_run", _last_run, None)
        shard = _field(data, "shard", _shard, None)
    except _Unreadable as error:
        raise StateError(f"{where}: {error}") from None
    records, unreadable, problems = _records(data["communities"], default_time, where)
    return CheckState(
        records,
        active_days,
        dormant_days,
        shard,
        last_run=last_run,
        unreadable=unreadable,
        problems=problems,
    )


def _records(
    raw_records: dict[str, Any], default_time: dt.datetime | None, where: str
) -> tuple[dict[str, CheckRecord], dict[str, Any], tuple[str, ...]]:
    records: dict[str, CheckRecord] = {}
    unreadable: dict[str, Any] = {}
    problems: list[str] = []
    for slug, raw in raw_records.items():
        try:
            records[slug] = _record(slug, raw, default_time)
        except _Unreadable as error:
            unreadable[slug] = raw
            problems.append(f"{where}: communities.{_escape(slug)}: {error}; record kept as it was")
    return records, unreadable, tuple(problems)


def _shard(raw: Any) -> tuple[int, int] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise _Unreadable(f"must be a mapping, not {_kind(raw)}")
    index, count = _need(raw, "index", _positive_int), _need(raw, "count", _positive_int)
    if index > count:
        raise _Unreadable(f"names shard {index} of {count}")
    return index, count


def _thresholds(raw: Any) -> tuple[int, int]:
    if not isinstance(raw, dict):
        raise _Unreadable(f"must be a mapping, not {_kind(raw)}")
    active = _field(raw, "active_days", _positive_int, 30)
    dormant = _field(raw, "dormant_days", _positive_int, 180)
    if active > dormant:
        raise _Unreadable("has active_days more than dormant_days")
    return active, dormant


def _last_run(raw: Any) -> RunNote | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise _Unreadable(f"must be a mapping, not {_kind(raw)}")
    at = _need(raw, "at", _required_datetime)
    inconclusive = _field(raw, "inconclusive", _bool, False)
    return RunNote(at, inconclusive, _field(raw, "reason", _text, ""))


def _record(slug: str, raw: Any, default_time: dt.datetime | None) -> CheckRecord:
    """One record exactly as written, or `_Unreadable` saying what is wrong with it."""
    if not isinstance(raw, dict):
        raise _Unreadable(f"not a record but {_kind(raw)}")
    checked_at = _field(raw, "checked_at", _optional_datetime, None) or default_time
    if checked_at is None:
        raise _Unreadable("no 'checked_at' time")
    url = _need(raw, "url", _required_text)
    return CheckRecord(
        slug=slug,
        url=url,
        checked_at=checked_at,
        outcome=_need(raw, "outcome", _required_text),
        link_status=_need(raw, "link_status", _required_text),
        http_status=_field(raw, "http_status", _optional_int, None),
        final_url=_field(raw, "final_url", _optional_text, None) or url,
        offsite=_field(raw, "offsite", _bool, False),
        last_activity=_field(raw, "last_activity", _optional_date, None),
        activity_source=_field(raw, "activity_source", _optional_text, None),
        activity=_field(raw, "activity", _optional_text, None) or "unknown",
        activity_url=_field(raw, "activity_url", _optional_text, None),
        recent_posts=_field(raw, "recent_posts", _optional_int, None),
        detail=_field(raw, "detail", _optional_text, None) or "",
        failing_runs=_field(raw, "failing_runs", _optional_int, None) or 0,
        failing_since=_field(raw, "failing_since", _optional_date, None),
        struck_at=_field(raw, "struck_at", _optional_datetime, None),
        history=_field(raw, "history", _history, ()),
        feeds=_field(raw, "feeds", _feeds, {}),
        learned=_learned(raw),
    )


V = TypeVar("V")


def _field(raw: dict[str, Any], key: str, read: Callable[[Any], V], default: V) -> V:
    """`raw[key]` read by `read`; a missing key gives `default`, a wrong value names the key."""
    return _need(raw, key, read) if key in raw else default


def _need(raw: dict[str, Any], key: str, read: Callable[[Any], V]) -> V:
    if key not in raw:
        raise _Unreadable(f"no '{key}'")
    try:
        return read(raw[key])
    except _Unreadable as error:
        inner = str(
            error
        )  # `'active_days' must …` inside `thresholds` → `'thresholds.active_days' must …`
        raise _Unreadable(
            f"'{key}.{inner[1:]}" if inner[:1] == "'" else f"'{key}' {inner}"
        ) from None


def _required_text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise _Unreadable(f"must be a non-empty string, not {_kind(value)}")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Unreadable(f"must be a string, not {_kind(value)}")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Unreadable(f"must be true or false, not {_kind(value)}")
    return value


def _optional_int(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _Unreadable(f"must be a whole number, not {_kind(value)}")
    return value


def _positive_int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise _Unreadable(f"must be a positive whole number, not {_kind(value)}")
    return value


def _optional_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(_text(value))
    except ValueError:
        raise _Unreadable(f"is not a date (YYYY-MM-DD): {_kind(value)}") from None


def _optional_datetime(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(_text(value))
    except ValueError:
        raise _Unreadable(f"is not a time (ISO 8601): {_kind(value)}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _required_datetime(value: Any) -> dt.datetime:
    moment = _optional_datetime(value)
    if moment is None:
        raise _Unreadable("must be a time (ISO 8601), not null")
    return moment


def _history(raw: Any) -> tuple[Segment, ...]:
    if not isinstance(raw, list):
        raise _Unreadable(f"must be a list, not {_kind(raw)}")
    segments = []
    for item in raw:
        if not isinstance(item, dict):
            raise _Unreadable(f"holds {_kind(item)} where a segment belongs")
        since = _field(item, "since", _optional_date, None)
        outcome = _need(item, "outcome", _required_text)
        if since is None:
            raise _Unreadable("holds a segment without a date ('since')")
        segments.append(Segment(outcome, since))
    return tuple(segments[-MAX_SEGMENTS:])


def _feeds(raw: Any) -> dict[str, FeedCache]:
    if not isinstance(raw, dict):
        raise _Unreadable(f"must be a mapping, not {_kind(raw)}")
    caches = {}
    for url, value in raw.items():
        if not isinstance(value, dict):
            raise _Unreadable(f"holds {_kind(value)} for {_escape(url)}")
        caches[url] = FeedCache(
            _field(value, "etag", _optional_text, None),
            _field(value, "last_modified", _optional_text, None),
            _field(value, "last_activity", _optional_date, None),
        )
    return caches


def _kind(value: Any) -> str:
    """A value named for a message: its JSON type, and the value itself when short."""
    names = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}
    name = "null" if value is None else names.get(type(value), "a number")
    shown = json.dumps(value) if isinstance(value, str | int | float | bool) else ""
    return f"{name} {_escape(shown)}" if shown and len(shown) <= 40 else name


def _escape(text: str) -> str:
    """Text from the file, safe on one line of a terminal or a CI log."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


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
    kept = {slug: _dumps(raw, 4) for slug, raw in state.unreadable.items()}
    written = {slug: _record_text(slug, r, common, texts) for slug, r in state.records.items()}
    members = [f"    {_dumps(slug)}: {text}" for slug, text in sorted({**kept, **written}.items())]
    thresholds = {"active_days": state.active_days, "dormant_days": state.dormant_days}
    shard = {"count": state.shard[1], "index": state.shard[0]} if state.shard else None
    lines = [
        "{",
        f'  "checked_at": {_dumps(utc_stamp(common) if common else None)},',
        '  "communities": ' + ("{\n" + ",\n".join(members) + "\n  }," if members else "{},"),
        *([f'  "shard": {_dumps(shard, 2)},'] if shard else []),
        *_last_run_lines(state.last_run),
        f'  "thresholds": {_dumps(thresholds, 2)},',
        f'  "version": {STATE_VERSION}',
        "}",
    ]
    return "\n".join(lines) + "\n"


def _last_run_lines(note: RunNote | None) -> list[str]:
    if note is None:
        return []
    data = {"at": utc_stamp(note.at), "inconclusive": note.inconclusive, "reason": note.reason}
    return [f'  "last_run": {_dumps(data, 2)},']


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
        "struck_at": utc_stamp(record.struck_at) if record.struck_at else None,
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
