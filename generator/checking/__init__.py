"""The link and activity checker behind `biglist check`.

    run.py        check_communities(): lanes per host, progress, checkpoints, report
    links.py      the visit to the entry URL and its outcome (ok, moved, gated, blocked, …)
    activity.py   the activity sources in order of trust: feeds, platform APIs, sitemap, page
    fetch.py      one bounded, polite, retried GET; network.py and transport.py below it
    hosts.py      per-host politeness; robots.py robots.txt for secondary probes
    history.py    the standing over runs (three failing runs make a dead link)

The checker writes only its state file (see generator/state.py for the format) and, when
asked, the JSON report and a Markdown summary.
"""

from generator.checking.options import CheckOptions
from generator.checking.run import (
    CheckRun,
    Progress,
    ProgressCallback,
    UnknownSlugError,
    check_communities,
)

__all__ = [
    "CheckOptions",
    "CheckRun",
    "Progress",
    "ProgressCallback",
    "UnknownSlugError",
    "check_communities",
]
