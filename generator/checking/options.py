"""Every knob of a check run, with polite defaults for a nightly run over the whole list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from generator import __version__

CONTACT_URL = "https://biglist-b2b.github.io/biglist/about/"
USER_AGENT = (
    f"BigListChecker/{__version__} (+{CONTACT_URL}; link and activity checker of "
    "The Big List of B2B Online Communities)"
)
# The token robots.txt groups are matched against (RFC 9309: the product token of the UA).
ROBOTS_AGENT = "BigListChecker"
MAX_DEADLINE = 30.0
MAX_REDIRECTS = 10
ARCHIVE_API = "https://archive.org/wayback/available"


@dataclass(frozen=True)
class CheckOptions:
    """Limits, politeness and thresholds. Tests shrink the times; the defaults suit CI."""

    concurrency: int = 128
    """Requests in flight at once, over all hosts. Politeness is per host (one request in
    flight, a pause between two); this only bounds the checker's own sockets and threads.
    Hosts that hang hold a slot for up to `retries + 1` deadlines each, so a low figure lets
    a few of them stall a whole run (bench/check_throughput.py: 16 took twice linkinator's
    time with 2 % of 2,000 hosts hanging)."""
    delay: float = 1.0
    """Seconds between the end of one request to a host and the start of the next."""
    timeout: float = 15.0
    """Total deadline of one request in seconds (connect, headers and body), at most 30."""
    connect_timeout: float = 10.0
    retries: int = 2
    """Extra attempts after a timeout, a reset, a 5xx or a 429."""
    backoff: float = 1.0
    """First wait before a retry, doubled each time, with jitter."""
    max_retry_after: float = 60.0
    """Longest `Retry-After` we wait for within a run; longer ones end as rate_limited."""
    max_redirects: int = MAX_REDIRECTS
    max_body: int = 2 * 1024 * 1024
    """Bytes read from one body, counted both as sent (compressed) and as decoded."""
    give_up_after: int = 2
    """Consecutive timeouts after which a host is skipped for the rest of the run."""
    max_crawl_delay: float = 10.0
    """Cap on a robots.txt Crawl-delay honoured for probes."""
    active_days: int = 30
    dormant_days: int = 180
    dead_after: int = 3
    """Consecutive runs with a failing outcome before an entry counts as dead."""
    allow_private: bool = False
    user_agent: str = USER_AGENT
    resolve: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Host name → addresses used instead of the system resolver (like curl's --resolve)."""
    processes: int = 0
    """Worker processes (0: one per core, up to 4, when the list has enough hosts)."""
    checkpoint_seconds: float = 10.0
    """How often the state file is saved during a run."""
    archive_api: str = ARCHIVE_API
    """Base URL of the Wayback Machine's availability API; empty: no archive lookups."""

    def __post_init__(self) -> None:
        if not 0 < self.timeout <= MAX_DEADLINE:
            raise ValueError(f"timeout must be more than 0 and at most {MAX_DEADLINE:g} s")
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if self.processes < 0:
            raise ValueError("processes must be 0 (automatic) or more")
        if not 0 <= self.max_redirects <= MAX_REDIRECTS:
            raise ValueError(f"max_redirects must be from 0 to {MAX_REDIRECTS}")
        if not 0 < self.active_days <= self.dormant_days:
            raise ValueError("active_days must be positive and at most dormant_days")

    @property
    def connect_limit(self) -> float:
        return min(self.connect_timeout, self.timeout)
