"""Whether a run says something about the web or only about the runner (DESIGN.md,
"Inconclusive runs"): with no network, no DNS or a proxy down, every host fails at the network
level, and three such nights must not turn the whole list into dead links."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from generator.checking.dispatch import host_of
from generator.outcomes import NETWORK_OUTCOMES
from generator.state import CheckRecord

MIN_HOSTS = 20
"""Below this many probed hosts a run is always conclusive: a few sites can all be down."""


@dataclass(frozen=True)
class Verdict:
    hosts: int
    """Hosts probed (a request was sent, or tried: refused targets do not count)."""
    failed: int
    """Hosts where every probed entry failed at the network level."""

    @property
    def inconclusive(self) -> bool:
        return self.hosts >= MIN_HOSTS and 2 * self.failed > self.hosts

    @property
    def settled(self) -> bool:
        """Conclusive on enough hosts to count even if the run was cut short."""
        return self.hosts >= MIN_HOSTS and not self.inconclusive

    @property
    def reason(self) -> str:
        if not self.inconclusive:
            return ""
        return (
            f"{self.failed} of {self.hosts} hosts failed at the network level (DNS, "
            "connection, TLS or timeout): the runner's network is the likelier cause, so "
            "this run counted no strike and changed no standing"
        )


def judge_run(records: Iterable[CheckRecord]) -> Verdict:
    """The verdict over the entries checked so far, host by host."""
    network_only: dict[str, bool] = {}
    for record in records:
        if record.outcome == "refused":
            continue
        host = host_of(record.url)
        network_only[host] = network_only.get(host, True) and record.outcome in NETWORK_OUTCOMES
    return Verdict(len(network_only), sum(network_only.values()))
