"""Checking past one machine: the list cut into N shards by host name, and the N states the
shard runs wrote merged back into one.

    shard = parse_shard("2/4")          # shard 2 of 4 (1-based, as a CI matrix counts)
    shard.holds("https://community.example/forum")   # True for one shard of the four
    merged = merge_states([state_1, state_2, state_3, state_4])

A host always falls in the same shard (a hash of its name, stable across machines and Python
versions), so politeness per host holds with N runners exactly as with one. Each shard run
starts from the same committed state and writes a whole state file in which only its own
records are new; the merge takes every record from the run that checked it, so the result is
the state one unsharded run would have written.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from generator.errors import CheckError
from generator.state import CheckRecord, CheckState, RunNote

MAX_SHARDS = 256
_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


class ShardError(CheckError):
    """A shard spec or a set of shard states that cannot be used."""


@dataclass(frozen=True)
class Shard:
    """Shard `index` (1 ≤ index ≤ count) of `count`."""

    index: int
    count: int

    def holds(self, url: str) -> bool:
        return shard_of(host_name(url), self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """`K/N` with 1 ≤ K ≤ N ≤ MAX_SHARDS."""
    match = _SHARD.match(text)
    if match is None:
        raise ShardError(f"{text!r} is not K/N (for example 2/4)")
    index, count = int(match.group(1)), int(match.group(2))
    if not 1 <= count <= MAX_SHARDS:
        raise ShardError(f"the number of shards must be from 1 to {MAX_SHARDS}, not {count}")
    if not 1 <= index <= count:
        raise ShardError(f"the shard must be from 1 to {count}, not {index}")
    return Shard(index, count)


def host_name(url: str) -> str:
    """The host name politeness is counted by (lower case, no port)."""
    return (urlsplit(url).hostname or "").lower()


def shard_of(host: str, count: int) -> int:
    """The shard (1-based) a host name belongs to: SHA-256, not Python's salted hash()."""
    digest = hashlib.sha256(host.lower().encode("utf-8")).digest()
    return 1 + int.from_bytes(digest[:8], "big") % count


# --- merging ------------------------------------------------------------------------------


def merge_states(states: Sequence[CheckState]) -> CheckState:
    """One state from the states of the N shard runs of one night (each given exactly once)."""
    count = _shard_count(states)
    records: dict[str, CheckRecord] = {}
    for slug in sorted({slug for state in states for slug in state.records}):
        records[slug] = _owner_record(slug, states, count)
    first = states[0]
    unreadable = {
        slug: raw
        for state in states
        for slug, raw in state.unreadable.items()
        if slug not in records
    }
    return CheckState(
        records,
        first.active_days,
        first.dormant_days,
        last_run=_merged_note(states),
        unreadable=unreadable,
    )


def _merged_note(states: Sequence[CheckState]) -> RunNote | None:
    """The night was inconclusive if any shard's run was (its hosts kept their standing)."""
    notes = [state.last_run for state in states if state.last_run is not None]
    inconclusive = [note for note in notes if note.inconclusive]
    if inconclusive:
        return inconclusive[0]
    return max(notes, key=lambda note: note.at, default=None)


def _shard_count(states: Sequence[CheckState]) -> int:
    if not states:
        raise ShardError("no shard states to merge")
    shards = [state.shard for state in states]
    if any(shard is None for shard in shards):
        raise ShardError("every state to merge must come from a `check --shard K/N` run")
    counts = {shard[1] for shard in shards if shard}
    if len(counts) != 1:
        raise ShardError(f"the states come from different shard counts: {sorted(counts)}")
    count = counts.pop()
    indexes = sorted(shard[0] for shard in shards if shard)
    if indexes != list(range(1, count + 1)):
        missing = sorted(set(range(1, count + 1)) - set(indexes))
        twice = sorted({index for index in indexes if indexes.count(index) > 1})
        raise ShardError(_coverage_message(count, missing, twice))
    return count


def _coverage_message(count: int, missing: list[int], twice: list[int]) -> str:
    parts = []
    if missing:
        parts.append(f"missing shard {', '.join(f'{k}/{count}' for k in missing)}")
    if twice:
        parts.append(f"shard {', '.join(f'{k}/{count}' for k in twice)} given twice")
    return "cannot merge: " + "; ".join(parts)


def _owner_record(slug: str, states: Sequence[CheckState], count: int) -> CheckRecord:
    """The record from the run whose shard holds the record's host. When an entry changed its
    address to a host of another shard, the run that did not check it still holds the old
    record (whose old host is in its shard too): the later check wins."""
    candidates = [state.records[slug] for state in states if slug in state.records]
    owned = [
        record
        for state in states
        if (record := state.records.get(slug)) is not None
        and state.shard is not None
        and shard_of(host_name(record.url), count) == state.shard[0]
    ]
    return max(owned or candidates, key=lambda record: record.checked_at)
