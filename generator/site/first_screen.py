"""The live list's first screen, in the home page's HTML: the filter form with every facet and
its counts, and the first rows in the default order, exactly as `assets/biglist-list.js` draws
them before any filter is chosen.

The page is readable (and measurable) before the script and the data file arrive, and nothing
moves when the script takes over: it adopts the form and redraws the same rows. Everything
here is read from the list's data file (listing.list_data), as the script reads it, so the two
cannot disagree about a label or a count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# Rows drawn by the script after each change; the page's HTML carries that many.
FIRST_ROWS = 25
MORE_ROWS = 100
NO_VALUE = -1


@dataclass(frozen=True)
class Badge:
    id: str
    label: str


@dataclass(frozen=True)
class FirstRow:
    """One row as the script draws it: the name cell, plain cells, then two badges."""

    slug: str
    name: str
    featured: bool
    cells: list[str]  # sponsor, industry, type, access, platform
    activity: Badge
    posts: str  # after the activity badge: ", 12 posts in 30 days" when a platform counts
    link: Badge


@dataclass(frozen=True)
class FacetValue:
    number: int
    label: str
    count: str


@dataclass(frozen=True)
class FacetControl:
    key: str
    title: str
    values: list[FacetValue]


@dataclass(frozen=True)
class FirstScreen:
    total: int
    facets: list[FacetControl]
    rows: list[FirstRow]

    @property
    def count_text(self) -> str:
        if self.total == 0:
            return "No community matches these filters."
        noun = "community" if self.total == 1 else "communities"
        if len(self.rows) >= self.total:
            return f"{self.total:,} {noun}."
        return f"Showing {len(self.rows):,} of {self.total:,} {noun}."

    @property
    def left(self) -> int:
        return self.total - len(self.rows)

    @property
    def more_text(self) -> str:
        return f"Show {min(MORE_ROWS, self.left):,} more ({self.left:,} not shown yet)"


def first_screen(data: dict[str, Any], rows: int = FIRST_ROWS) -> FirstScreen:
    facets = {facet["key"]: facet for facet in data["facets"] if facet["values"]}
    order = default_order(data, facets.get("featured"))
    return FirstScreen(
        total=data["rows"],
        facets=[facet_control(facet) for facet in facets.values()],
        rows=[first_row(data, facets, row) for row in order[:rows]],
    )


def default_order(data: dict[str, Any], featured: dict[str, Any] | None) -> list[int]:
    """Featured first, then A–Z (rows arrive A–Z; the sort is stable, as in the script)."""
    rows = list(range(data["rows"]))
    if featured is None:
        return rows
    return sorted(rows, key=lambda row: 1 if featured["rows"][row] < 0 else 0)


def facet_control(facet: dict[str, Any]) -> FacetControl:
    counts = [0] * len(facet["values"])
    for value in facet["rows"]:
        for number in value if facet["multi"] else [value]:
            if number >= 0:
                counts[number] += 1
    values = [
        FacetValue(number, label, f"({counts[number]:,})")
        for number, (_, label) in enumerate(facet["values"])
    ]
    return FacetControl(facet["key"], facet["title"], values)


def first_row(data: dict[str, Any], facets: dict[str, dict[str, Any]], row: int) -> FirstRow:
    sponsor = data["sponsor"][row]
    cells = [data["sponsors"][sponsor] if sponsor >= 0 else ""]
    cells += [label(facets.get(key), row) for key in ("industry", "type")]
    detected = data.get("detected", {})
    for key in ("access", "platform"):
        mark = " (detected)" if row in detected.get(key, ()) else ""
        cells.append(label(facets.get(key), row) + mark)
    featured = facets.get("featured")
    return FirstRow(
        slug=data["slug"][row],
        name=data["name"][row],
        featured=bool(featured and featured["rows"][row] >= 0),
        cells=cells,
        activity=badge(facets.get("activity"), row, "unknown", "Unknown"),
        posts=posts_note(data.get("posts_30_days"), row),
        link=badge(facets.get("status"), row, "unknown", "Not checked yet"),
    )


def posts_note(column: dict[str, list[int]] | None, row: int) -> str:
    if not column or row not in column["rows"]:
        return ""
    posts = column["values"][column["rows"].index(row)]
    return f", {posts:,} post{'s' * (posts != 1)} in 30 days"


def label(facet: dict[str, Any] | None, row: int) -> str:
    if facet is None:
        return ""
    value = facet["rows"][row]
    values: Sequence[list[str]] = facet["values"]
    if not facet["multi"]:
        return values[value][1] if value >= 0 else ""
    return ", ".join(values[number][1] for number in value)


def badge(facet: dict[str, Any] | None, row: int, default_id: str, default_label: str) -> Badge:
    value = facet["rows"][row] if facet else NO_VALUE
    if facet is None or value < 0:
        return Badge(default_id, default_label)
    term_id, term_label = facet["values"][value]
    return Badge(term_id, term_label)
