"""The run's outputs for people and machines: the JSON report (DESIGN.md, "Check report") and
a Markdown health summary for CI job pages."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from generator.checking.verdict import Verdict
from generator.errors import CheckError, display_path
from generator.outcomes import ACTIVITY_LEVELS, LINK_STATUSES, OUTCOMES
from generator.state import CheckRecord, utc_stamp

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def report_json(
    records: Sequence[CheckRecord], generated_at: dt.datetime, verdict: Verdict | None = None
) -> str:
    data: dict[str, object] = {"generated_at": utc_stamp(generated_at)}
    if verdict and verdict.inconclusive:  # a conclusive run's report is exactly DESIGN.md's
        data["inconclusive"] = True
        data["reason"] = verdict.reason
    data["communities"] = [record.report_fields() for record in records]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_text(path: Path, text: str, what: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise CheckError(f"cannot write the {what} {display_path(path)}: {error}") from None


def counts(records: Iterable[CheckRecord], field: str, order: Sequence[str]) -> dict[str, int]:
    """How many records have each value of `field`, in vocabulary order, zeros left out."""
    tally = Counter(str(getattr(record, field)) for record in records)
    return {value: tally[value] for value in order if tally[value]}


def summary_markdown(
    records: Sequence[CheckRecord],
    started: dt.datetime,
    finished: dt.datetime,
    verdict: Verdict | None = None,
) -> str:
    seconds = int((finished - started).total_seconds())
    lines = [
        "# Link and activity check",
        "",
        f"Checked {len(records)} communities at {utc_stamp(started)} "
        f"in {seconds // 60} min {seconds % 60} s.",
        "",
        *(
            [f"**Inconclusive run**: {verdict.reason}.", ""]
            if verdict and verdict.inconclusive
            else []
        ),
        *_table("Link status", counts(records, "link_status", LINK_STATUSES)),
        *_table("Outcome of this run", counts(records, "outcome", OUTCOMES)),
        *_table("Activity", counts(records, "activity", ACTIVITY_LEVELS)),
    ]
    for title, selected in _sections(records):
        if selected:
            lines += [f"## {title} ({len(selected)})", "", *map(_item, selected), ""]
    return "\n".join(lines).rstrip() + "\n"


def _table(title: str, tally: dict[str, int]) -> list[str]:
    rows = [f"| {value} | {count} |" for value, count in tally.items()]
    return [f"| {title} | Communities |", "|---|---:|", *rows, ""]


def _sections(records: Sequence[CheckRecord]) -> list[tuple[str, list[CheckRecord]]]:
    def having(status: str) -> list[CheckRecord]:
        return [record for record in records if record.link_status == status]

    return [
        ("Dead", having("dead")),
        ("Failing", having("failing")),
        ("Moved to another site", [r for r in having("moved") if r.offsite]),
        ("Moved", [r for r in having("moved") if not r.offsite]),
        ("Blocked", having("blocked")),
        ("Dormant", [r for r in records if r.activity == "dormant"]),
    ]


def _item(record: CheckRecord) -> str:
    text = f"- `{record.slug}` {escape(record.url)}"
    if record.outcome == "moved":
        return f"{text} → {escape(record.final_url)}"
    if record.failing_since:
        text += f" (failing since {record.failing_since.isoformat()})"
    if record.activity == "dormant" and record.last_activity:
        text += f" (last activity {record.last_activity.isoformat()})"
    return f"{text}: {escape(record.detail)}" if record.detail else text


def escape(text: str) -> str:
    """Text from the web, inert in Markdown (no links, emphasis, HTML or table breaks)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))
