"""The Big List page: a compact data file for the live list, and plain pages without JavaScript.

At 10,000 communities an HTML table of every row is megabytes the browser must parse before
anything is usable, so the home page's list is drawn by `assets/biglist-list.js` from one
small JSON file. Its shape is designed for size: columns rather than objects (keys appear
once), facet values as indexes into label tables, dates as day numbers.

    {"version": 1,
     "rows": 3,
     "slug": ["acme-community", ...], "name": ["Acme Community", ...],
     "sponsor": [0, 0, -1],                       # index into "sponsors", -1 = none
     "sponsors": ["Acme"],
     "audience": [0, -1, -1],                     # index into "audiences", -1 = none
     "audiences": ["Acme developers and admins"],
     "added": [19783, ...],                        # days since 1970-01-01
     "last_activity": [20410, -1, ...],            # days since 1970-01-01, -1 = unknown
     "posts_30_days": {"rows": [0], "values": [1240]},   # sparse: rows with a count
     "detected": {"platform": [1], "access": []},        # rows whose value the checker found
     "facets": [{"key": "industry", "title": "Industry", "multi": false,
                 "values": [["enterprise-software", "Enterprise software"], ...],
                 "rows": [0, 0, 1]}, ...]}         # value index (-1 = none) or a list of them

The text box matches names, sponsors, audiences and the labels of a row's facet values.
Rows come in the list's name order (A–Z). Without JavaScript the same list is served as plain
pages: the first on the home page itself, the rest under `all/`; the facet pages and sponsor
pages work as they are.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from generator.site.first_screen import FirstScreen, first_screen
from generator.site.status import LINK_LABELS
from generator.site.views import CommunityView, FacetGroup, SiteView, TermLink

LIST_DATA_PATH = "assets/generated/list.json"
LIST_DATA_VERSION = 1
# Rows per plain (no-JavaScript) page: the home page carries the first page, so this also
# bounds the home page's HTML whatever the size of the list.
ROWS_PER_PAGE = 500
EPOCH = dt.date(1970, 1, 1)
NO_VALUE = -1

# The list's facets and the vocabulary (site.facets group) each comes from; the order here is
# the order on the page. Facets whose values have a natural order keep the vocabulary's order,
# long ones put their most common values first.
FACET_SOURCES = (
    ("industry", "industries", "by_count"),
    ("type", "types", "vocabulary"),
    ("platform", "platforms", "by_count"),
    ("access", "access", "vocabulary"),
    ("activity", "activity", "vocabulary"),
)
MULTI_VALUED = frozenset({"type", "edition"})


@dataclass(frozen=True)
class ListPage:
    """One plain page of the A–Z list: page 1 is the home page, the others live under `all/`."""

    number: int
    path: str
    start: int
    communities: Sequence[CommunityView]

    @property
    def end(self) -> int:
        return self.start + len(self.communities) - 1

    @property
    def first_name(self) -> str:
        return self.communities[0].name if self.communities else ""

    @property
    def last_name(self) -> str:
        return self.communities[-1].name if self.communities else ""


@dataclass(frozen=True)
class HomeView:
    """Everything the home page and the `all/` pages print."""

    site: SiteView
    pages: list[ListPage]
    first: FirstScreen
    data_path: str = LIST_DATA_PATH

    @property
    def first_page(self) -> ListPage:
        return self.pages[0]

    @property
    def more_pages(self) -> list[ListPage]:
        return self.pages[1:]


def home_view(site: SiteView, rows_per_page: int | None = None) -> HomeView:
    pages = list_pages(site.communities, rows_per_page or ROWS_PER_PAGE)
    return HomeView(site, pages, first_screen(list_data(site)))


def list_pages(views: Sequence[CommunityView], rows_per_page: int) -> list[ListPage]:
    """Split the A–Z list into plain pages; there is always a first page (the home page)."""
    chunks = [views[start : start + rows_per_page] for start in range(0, len(views), rows_per_page)]
    return [
        ListPage(number, page_path(number), 1 + (number - 1) * rows_per_page, chunk)
        for number, chunk in enumerate(chunks or [views[:0]], start=1)
    ]


def page_path(number: int) -> str:
    return "index.md" if number == 1 else f"all/{number}.md"


# --- the data file -------------------------------------------------------------------------


def list_json(site: SiteView) -> str:
    """The data file, compact: no spaces, one line."""
    return json.dumps(list_data(site), ensure_ascii=False, separators=(",", ":")) + "\n"


def list_data(site: SiteView) -> dict[str, Any]:
    views = site.communities
    sponsors, sponsor = _table([view.community.sponsor for view in views])
    audiences, audience = _table([view.community.audience for view in views])
    return {
        "version": LIST_DATA_VERSION,
        "rows": len(views),
        "slug": [view.slug for view in views],
        "name": [view.name for view in views],
        "sponsor": sponsor,
        "sponsors": sponsors,
        "audience": audience,
        "audiences": audiences,
        "added": [day_number(view.community.added) for view in views],
        "last_activity": [day_number(view.status.last_activity) for view in views],
        "facets": list_facets(site),
        "posts_30_days": _posts(views),
        "detected": {
            "platform": [row for row, view in enumerate(views) if _detected(view.platform)],
            "access": [row for row, view in enumerate(views) if _detected(view.access)],
        },
    }


def _posts(views: Sequence[CommunityView]) -> dict[str, list[int]]:
    """Sparse: most communities have no count (only some platforms report one)."""
    counted = [(row, view.status.posts_30_days) for row, view in enumerate(views)]
    known = [(row, posts) for row, posts in counted if posts is not None]
    return {"rows": [row for row, _ in known], "values": [posts for _, posts in known]}


def _detected(term: TermLink | None) -> bool:
    return term is not None and term.detected


def _table(texts: Sequence[str | None]) -> tuple[list[str], list[int]]:
    """Each distinct text once (sorted), and per row its index in that table (-1 = none)."""
    table = sorted({text for text in texts if text})
    index = {text: number for number, text in enumerate(table)}
    return table, [index.get(text or "", NO_VALUE) for text in texts]


def day_number(day: dt.date | None) -> int:
    return (day - EPOCH).days if day else NO_VALUE


def list_facets(site: SiteView) -> list[dict[str, Any]]:
    groups = {group.vocabulary: group for group in site.facets}
    facets = [
        _vocabulary_facet(key, groups[vocabulary], order, site.communities)
        for key, vocabulary, order in FACET_SOURCES
        if vocabulary in groups
    ]
    views = site.communities
    return [*facets, _status_facet(views), _edition_facet(views), _featured_facet(views)]


def _status_facet(views: Sequence[CommunityView]) -> dict[str, Any]:
    """The link's standing from the checker (ok, moved, gated, blocked, failing, dead,
    not checked yet), in that order; only standings some community has."""
    present = {view.status.link_status for view in views}
    values = [(status, label) for status, label in LINK_LABELS.items() if status in present]
    return _facet(
        "status", "Link", values, lambda view, term: view.status.link_status == term, views
    )


def _vocabulary_facet(
    key: str, group: FacetGroup, order: str, views: Sequence[CommunityView]
) -> dict[str, Any]:
    pages = [page for page in group.pages if page.communities]
    if order == "by_count":
        pages.sort(key=lambda page: (-len(page.communities), page.term.label.casefold()))
    values = [(page.term.id, page.term.label) for page in pages]
    members = {page.term.id: {view.slug for view in page.communities} for page in pages}
    return _facet(key, group.title, values, lambda view, term: view.slug in members[term], views)


def _edition_facet(views: Sequence[CommunityView]) -> dict[str, Any]:
    years = sorted({year for view in views for year in view.community.big_list})
    values = [(str(year), f"{year} edition") for year in years]
    return _facet(
        "edition",
        "Big List edition",
        values,
        lambda view, year: int(year) in view.community.big_list,
        views,
    )


def _featured_facet(views: Sequence[CommunityView]) -> dict[str, Any]:
    values = [("featured", "Featured")] if any(v.community.featured for v in views) else []
    return _facet("featured", "Featured", values, lambda view, _: view.community.featured, views)


def _facet(
    key: str,
    title: str,
    values: Sequence[tuple[str, str]],
    has: Callable[[CommunityView, str], bool],
    views: Sequence[CommunityView],
) -> dict[str, Any]:
    """A facet's label table and, per row, the index of its value (or a list, if multi)."""
    multi = key in MULTI_VALUED
    rows: list[Any] = []
    for view in views:
        indexes = [number for number, (term, _) in enumerate(values) if has(view, term)]
        rows.append(indexes if multi else (indexes[0] if indexes else NO_VALUE))
    return {
        "key": key,
        "title": title,
        "multi": multi,
        "values": [list(value) for value in values],
        "rows": rows,
    }
