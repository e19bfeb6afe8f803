"""How busy a community is, where its platform says so in public: Discourse's `/about.json`
(`about.stats`) and `/site/statistics.json` count the posts and the active users of the last
7 and 30 days. A login-required forum still answers its statistics when it shares them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.checking.probing import ProbeContext


@dataclass(frozen=True)
class Volume:
    posts_30_days: int | None = None
    active_users_30_days: int | None = None


def discourse_volume(context: ProbeContext, base: str, gated: bool) -> Volume | None:
    """The counts of the forum installed at `base`, or None when it shares none."""
    if not gated:
        about = context.fetch_json(f"{base}/about.json")
        inner = about.get("about") if isinstance(about, Mapping) else None
        found = _volume(inner.get("stats") if isinstance(inner, Mapping) else None)
        if found is not None:
            return found
    return _volume(context.fetch_json(f"{base}/site/statistics.json"))


def _volume(stats: Any) -> Volume | None:
    if not isinstance(stats, Mapping):
        return None
    posts = _count(stats.get("posts_30_days"))
    users = _count(stats.get("active_users_30_days"))
    return Volume(posts, users) if posts is not None or users is not None else None


def _count(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value
