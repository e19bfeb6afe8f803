"""Stats and trends: the figures the original Big List's 2016 update computed by hand.

Counts by industry, type, platform, access, size and activity, additions per year, the share
of communities active, slowing and dormant, the Big List editions today, and month by month
what was added, moved, went quiet or went dead. Charts are inline SVG drawn here at build time
(readable without JavaScript); every chart comes with a table of the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from jinja2 import Environment
from markupsafe import Markup

from generator.catalog.models import BIG_LIST_EDITIONS, Vocabularies
from generator.site.status import ACTIVITY_TERMS, LINK_LABELS
from generator.site.views import CommunityView, FacetGroup, SiteView

CHART_WIDTH = 640
ROW_HEIGHT = 36
BAR_HEIGHT = 14
# Room right of the longest bar for its value ("1,234 (56%)").
VALUE_ROOM = 110
NOT_STATED = "Not stated"
CHANGE_KINDS = ("added", "moved", "quiet", "gone")
RECENT_MONTHS = 12


# --- charts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One row of a chart and of its table; `y` and `width` place it in the SVG."""

    label: str
    value: int
    percent: int
    path: str | None
    y: int
    width: int

    @property
    def value_text(self) -> str:
        return f"{self.value:,} ({self.percent}%)"


@dataclass(frozen=True)
class Chart:
    """A titled bar chart; `heading` names the first column of its table."""

    id: str
    title: str
    heading: str
    note: str
    total: int
    bars: list[Bar]
    svg: Markup

    @property
    def height(self) -> int:
        return len(self.bars) * ROW_HEIGHT + 8


@dataclass(frozen=True)
class Count:
    label: str
    value: int
    path: str | None = None


def layout(counts: Sequence[Count], total: int) -> list[Bar]:
    """Bar geometry: widths scale to the largest value; percentages are of `total`."""
    largest = max((count.value for count in counts), default=0) or 1
    room = CHART_WIDTH - VALUE_ROOM
    return [
        Bar(
            label=count.label,
            value=count.value,
            percent=round(100 * count.value / total) if total else 0,
            path=count.path,
            y=index * ROW_HEIGHT,
            width=round(room * count.value / largest),
        )
        for index, count in enumerate(counts)
    ]


@dataclass(frozen=True)
class ChartSpec:
    id: str
    title: str
    heading: str
    note: str = ""


def chart(spec: ChartSpec, counts: Sequence[Count], total: int, env: Environment) -> Chart:
    bars = layout(counts, total)
    draft = Chart(spec.id, spec.title, spec.heading, spec.note, total, bars, Markup(""))
    svg = env.get_template("bar_chart.svg.j2").render(chart=draft, width=CHART_WIDTH)
    return Chart(spec.id, spec.title, spec.heading, spec.note, total, bars, Markup(svg.strip()))


# --- counting -----------------------------------------------------------------------------


def facet_counts(group: FacetGroup, total: int) -> list[Count]:
    """One count per vocabulary value, plus the communities that leave the field empty."""
    counts = [Count(page.term.label, len(page.communities), page.path) for page in group.pages]
    if group.vocabulary in ("types", "activity"):
        return counts
    missing = total - sum(count.value for count in counts)
    return [*counts, Count(NOT_STATED, missing)] if missing else counts


def size_counts(views: Sequence[CommunityView], vocabularies: Vocabularies) -> list[Count]:
    tally = Counter(view.community.size for view in views)
    counts = [Count(term.label, tally[term.id]) for term in vocabularies.get("sizes").values()]
    return [*counts, Count(NOT_STATED, tally[None])] if tally[None] else counts


def additions_per_year(views: Sequence[CommunityView]) -> list[Count]:
    years = Counter(view.community.added.year for view in views)
    if not years:
        return []
    return [Count(str(year), years[year]) for year in range(min(years), max(years) + 1)]


def link_counts(views: Sequence[CommunityView]) -> list[Count]:
    tally = Counter(view.status.link_status for view in views)
    return [Count(label, tally[status]) for status, label in LINK_LABELS.items()]


# --- the Big List editions, then and now --------------------------------------------------


@dataclass(frozen=True)
class EditionRow:
    """One original edition: who was new in it, who left after it, and how they stand today.

    `dropped` is None for the last edition (there is no next one to be missing from).
    """

    edition: int
    listed: int
    new: int
    dropped: int | None
    active: int
    slowing: int
    dormant: int
    unknown: int
    gone: int


def edition_rows(views: Sequence[CommunityView]) -> list[EditionRow]:
    editions = list(BIG_LIST_EDITIONS)
    return [
        _edition_row(edition, editions[:index], editions[index + 1 : index + 2], views)
        for index, edition in enumerate(editions)
    ]


def _edition_row(
    edition: int, earlier: list[int], following: list[int], views: Sequence[CommunityView]
) -> EditionRow:
    members = [view.community.big_list for view in views if edition in view.community.big_list]
    statuses = [view.status for view in views if edition in view.community.big_list]
    activity = Counter(status.activity for status in statuses)
    new = sum(1 for editions in members if not set(editions) & set(earlier))
    dropped = sum(1 for editions in members if following[0] not in editions) if following else None
    return EditionRow(
        edition=edition,
        listed=len(members),
        new=new,
        dropped=dropped,
        active=activity["active"],
        slowing=activity["slowing"],
        dormant=activity["dormant"],
        unknown=activity["unknown"],
        gone=sum(1 for status in statuses if status.link_status == "dead"),
    )


# --- changes over time --------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """Something that happened to a community on a day: added, moved, went quiet, went dead."""

    kind: str
    day: dt.date
    view: CommunityView

    @property
    def month(self) -> str:
        return self.day.strftime("%Y-%m")


def changes(views: Iterable[CommunityView]) -> list[Change]:
    """Every change still true today, newest first (a link that came back is no longer gone)."""
    found = [change for view in views for change in _changes_of(view)]
    return sorted(found, key=lambda change: (change.day, change.view.slug), reverse=True)


def _changes_of(view: CommunityView) -> Iterable[Change]:
    status = view.status
    yield Change("added", view.community.added, view)
    happened = {"moved": status.moved_on, "quiet": status.quiet_on, "gone": status.gone_on}
    for kind, day in happened.items():
        if day:
            yield Change(kind, day, view)


@dataclass(frozen=True)
class MonthRow:
    """One month of the trend table."""

    month: str
    title: str
    added: int
    moved: int
    quiet: int
    gone: int


@dataclass(frozen=True)
class MonthChanges:
    """One month of the changes page, with the communities behind each number."""

    row: MonthRow
    added: list[CommunityView]
    moved: list[CommunityView]
    quiet: list[CommunityView]
    gone: list[CommunityView]


def month_title(month: str) -> str:
    return dt.date.fromisoformat(f"{month}-01").strftime("%B %Y")


def by_month(found: Sequence[Change]) -> list[MonthChanges]:
    """Months with any change, newest first."""
    months: dict[str, dict[str, list[CommunityView]]] = {}
    for change in found:
        kinds = months.setdefault(change.month, {kind: [] for kind in CHANGE_KINDS})
        kinds[change.kind].append(change.view)
    return [_month(month, kinds) for month, kinds in months.items()]


def _month(month: str, kinds: dict[str, list[CommunityView]]) -> MonthChanges:
    sizes = [len(kinds[kind]) for kind in CHANGE_KINDS]
    row = MonthRow(month, month_title(month), *sizes)
    return MonthChanges(row, *(sorted(kinds[kind], key=_by_name) for kind in CHANGE_KINDS))


def _by_name(view: CommunityView) -> tuple[str, str]:
    return (view.name.casefold(), view.slug)


# --- the pages' view models ---------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """One activity value: its count, its share of all communities, and its share of those
    whose activity could be judged (`judged_percent`, None for "unknown")."""

    activity: str
    label: str
    value: int
    percent: int
    judged_percent: int | None
    path: str


@dataclass(frozen=True)
class StatsView:
    total: int
    checked: int
    judged: int
    shares: list[Share]
    charts: list[Chart]
    editions: list[EditionRow]
    trends: list[MonthRow]


@dataclass(frozen=True)
class ChangesView:
    recent: list[MonthChanges]
    older: list[MonthRow]


def activity_shares(views: Sequence[CommunityView]) -> list[Share]:
    tally, total = Counter(view.status.activity for view in views), len(views)
    judged = total - tally["unknown"]
    return [
        Share(
            term.id,
            term.label,
            tally[term.id],
            _percent(tally[term.id], total),
            None if term.id == "unknown" else _percent(tally[term.id], judged),
            f"activity/{term.id}.md",
        )
        for term in ACTIVITY_TERMS
    ]


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def build_stats(site: SiteView, vocabularies: Vocabularies, env: Environment) -> StatsView:
    views, total = site.communities, len(site.communities)
    charts = [
        chart(_facet_spec(group), facet_counts(group, total), total, env) for group in site.facets
    ]
    charts += [
        chart(SIZE_CHART, size_counts(views, vocabularies), total, env),
        chart(LINK_CHART, link_counts(views), total, env),
        chart(YEAR_CHART, additions_per_year(views), total, env),
    ]
    return StatsView(
        total=total,
        checked=sum(1 for view in views if view.status.checked),
        judged=sum(1 for view in views if view.status.activity != "unknown"),
        shares=activity_shares(views),
        charts=charts,
        editions=edition_rows(views),
        trends=[month.row for month in by_month(changes(views))],
    )


SIZE_CHART = ChartSpec("by-size", "By size", "Size")
LINK_CHART = ChartSpec("by-link-status", "By link status", "Link status")
YEAR_CHART = ChartSpec("added-per-year", "Added to the list, per year", "Year")
MULTI_VALUED_NOTE = "A community can be of several types, so the shares add up to more than 100%."


def _facet_spec(group: FacetGroup) -> ChartSpec:
    note = MULTI_VALUED_NOTE if group.vocabulary == "types" else ""
    return ChartSpec(f"by-{group.vocabulary}", f"By {group.title.lower()}", group.title, note)


def build_changes(site: SiteView, recent_months: int = RECENT_MONTHS) -> ChangesView:
    months = by_month(changes(site.communities))
    return ChangesView(months[:recent_months], [month.row for month in months[recent_months:]])
