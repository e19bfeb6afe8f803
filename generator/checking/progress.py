"""Words and bars for a run in progress and its end; the CLI decides where they go.

On a terminal the CLI redraws one line (a bar with counts per outcome); in a CI log it prints
a plain line now and then. Nothing here writes anywhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from generator.checking.report import counts
from generator.checking.run import CheckRun, Progress
from generator.outcomes import ACTIVITY_LEVELS, LINK_STATUSES, OUTCOMES

BAR_WIDTH = 24


def outcome_counts(outcomes: Mapping[str, int]) -> str:
    return ", ".join(f"{name} {outcomes[name]}" for name in OUTCOMES if outcomes.get(name))


def bar_line(progress: Progress) -> str:
    """`[#########       ] 120/500 ok 100, moved 5, timeout 2`"""
    filled = BAR_WIDTH * progress.done // max(progress.total, 1)
    bar = "#" * filled + " " * (BAR_WIDTH - filled)
    return f"[{bar}] {progress.done}/{progress.total} {outcome_counts(progress.outcomes)}"


def plain_line(progress: Progress) -> str:
    percent = 100 * progress.done // max(progress.total, 1)
    return (
        f"checked {progress.done}/{progress.total} ({percent}%): "
        f"{outcome_counts(progress.outcomes)}"
    )


class Throttle:
    """Let a line through at most every `seconds`, and always the last one."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._seconds = seconds
        self._clock = clock
        self._last: float | None = None

    def due(self, progress: Progress) -> bool:
        now = self._clock()
        final = progress.done == progress.total
        if final or self._last is None or now - self._last >= self._seconds:
            self._last = now
            return True
        return False


def summary_lines(run: CheckRun) -> list[str]:
    seconds = int((run.finished_at - run.started_at).total_seconds())
    records = run.records
    lines = [
        f"Checked {len(records)} communit{'y' if len(records) == 1 else 'ies'} "
        f"in {seconds // 60} min {seconds % 60} s.",
        "Links: " + _join(counts(records, "link_status", LINK_STATUSES)),
        "Outcomes: " + _join(counts(records, "outcome", OUTCOMES)),
        "Activity: " + _join(counts(records, "activity", ACTIVITY_LEVELS)),
        f"State saved to {run.state_path}.",
    ]
    if run.inconclusive:
        lines.insert(1, f"Inconclusive run: {run.verdict.reason}.")
    if run.report_path:
        lines.append(f"Report written to {run.report_path}.")
    if run.summary_path:
        lines.append(f"Summary written to {run.summary_path}.")
    return lines


def _join(tally: Mapping[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in tally.items()) or "none"
