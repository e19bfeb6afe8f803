"""What a check learns about a community beyond its link and activity: the optional fields of
the report (DESIGN.md), gathered into the record's `Learned`."""

from __future__ import annotations

from generator.checking.archive import carried_over
from generator.checking.links import LinkResult
from generator.state import CheckRecord, Learned


def learn(previous: CheckRecord | None, url: str, link_status: str, link: LinkResult) -> Learned:
    """This visit's findings; an archived copy found on an earlier night is kept (the archive
    is asked again only now and then, after the run: see archive.py)."""
    return carried_over(previous, url, link_status)
