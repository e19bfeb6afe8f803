"""View models: everything a template prints, computed here so templates only loop and print.

Paths in view models are docs-relative Markdown paths (`communities/sap-community.md`);
templates turn them into links relative to the page they are on with the `link` filter.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.catalog.models import VOCABULARY_FIELDS, Community, Entry, Term
from generator.catalog.slugs import slugify
from generator.catalog.validation import Catalog
from generator.site.status import ACTIVITY_TERMS, UNCHECKED, StatusView, status_for
from generator.state import CheckState, RunNote

FACET_FOLDERS = {
    "industries": "industries",
    "types": "types",
    "platforms": "platforms",
    "access": "access",
    "activity": "activity",
}
FACET_TITLES = {
    "industries": "Industry",
    "types": "Type",
    "platforms": "Platform",
    "access": "Access",
    "activity": "Activity",
}


@dataclass(frozen=True)
class TermLink:
    """A vocabulary value as shown on a page, with the page that lists its communities."""

    id: str
    label: str
    path: str
    detected: bool = False
    """The checker recognised it on the site; the entry itself does not say (DESIGN.md: a
    curated value always wins, and the site marks a detected one)."""


@dataclass(frozen=True)
class CommunityLink:
    slug: str
    name: str
    path: str


@dataclass(frozen=True)
class CommunityView:
    """One community, ready to print on its page, in lists and in exports."""

    slug: str
    path: str
    community: Community
    industry: TermLink | None
    types: list[TermLink]
    access: TermLink | None
    platform: TermLink | None
    size: str | None
    sponsor_path: str | None
    related: list[CommunityLink] = field(default_factory=list)
    siblings: list[CommunityLink] = field(default_factory=list)
    status: StatusView = UNCHECKED

    @property
    def name(self) -> str:
        return self.community.name

    @property
    def link(self) -> CommunityLink:
        return CommunityLink(self.slug, self.name, self.path)

    @property
    def type_labels(self) -> str:
        return ", ".join(term.label for term in self.types)

    @property
    def visit_url(self) -> str | None:
        """Where the page's Visit button leads: a moved community's new address; nowhere for
        one that seems gone (its old address is shown as a plain link instead)."""
        if self.status.link_status == "dead":
            return None
        return self.status.moved_to or self.community.url

    @property
    def activity(self) -> TermLink:
        status = self.status
        return TermLink(status.activity, status.activity_label, f"activity/{status.activity}.md")


@dataclass(frozen=True)
class FacetPage:
    """One vocabulary value's page: its term and the communities that carry it."""

    vocabulary: str
    title: str
    term: Term
    path: str
    communities: list[CommunityView]


@dataclass(frozen=True)
class FacetGroup:
    """All values of one vocabulary, for the browse page."""

    vocabulary: str
    title: str
    pages: list[FacetPage]


@dataclass(frozen=True)
class SponsorPage:
    name: str
    path: str
    communities: list[CommunityView]


@dataclass(frozen=True)
class SiteView:
    """The whole site's data, computed once per build."""

    communities: list[CommunityView]
    featured: list[CommunityView]
    facets: list[FacetGroup]
    sponsors: list[SponsorPage]
    last_run: RunNote | None = None
    """How the checker's latest run went (an inconclusive one is shown on the health page)."""

    @property
    def facet_pages(self) -> Iterable[FacetPage]:
        for group in self.facets:
            yield from group.pages


def build_site_view(
    catalog: Catalog, state: CheckState | None = None, previous: SiteView | None = None
) -> SiteView:
    """The site's view models. With the `previous` ones (the live preview's), a community
    whose entry, check record and relations are the same objects as then keeps its view, so
    pages can tell what changed by comparing views, which is quick for identical ones."""
    sponsor_paths = _sponsor_paths(catalog.entries)
    state = state or CheckState()
    before = {view.slug: view for view in previous.communities} if previous else {}
    views = [
        _kept_view(before.get(entry.slug), entry, sponsor_paths, state)
        or _community_view(entry, catalog, sponsor_paths, state)
        for entry in catalog.entries
    ]
    views = _with_relations(sorted(views, key=sort_key))
    return SiteView(
        communities=views,
        featured=[view for view in views if view.community.featured],
        facets=_facet_groups(views, catalog),
        sponsors=_sponsor_pages(views, sponsor_paths),
        last_run=state.last_run,
    )


def sort_key(view: CommunityView) -> tuple[str, str]:
    return (view.name.casefold(), view.slug)


def _term_link(catalog: Catalog, vocabulary: str, term_id: str | None) -> TermLink | None:
    if term_id is None:
        return None
    label = catalog.vocabularies.label(vocabulary, term_id)
    folder = FACET_FOLDERS.get(vocabulary, vocabulary)
    return TermLink(term_id, label, f"{folder}/{term_id}.md")


def _community_view(
    entry: Entry, catalog: Catalog, sponsor_paths: dict[str, str], state: CheckState
) -> CommunityView:
    c = entry.community
    links = [_term_link(catalog, "types", term) for term in c.types]
    status = status_for(state, entry.slug, c.url)
    return CommunityView(
        slug=entry.slug,
        path=f"communities/{entry.slug}.md",
        community=c,
        industry=_term_link(catalog, VOCABULARY_FIELDS["industry"], c.industry),
        types=[link for link in links if link],
        access=_curated_or_detected(catalog, "access", c.access, status.detected_access),
        platform=_curated_or_detected(catalog, "platforms", c.platform, status.detected_platform),
        size=catalog.vocabularies.label("sizes", c.size) if c.size else None,
        sponsor_path=sponsor_paths.get(c.sponsor or ""),
        status=status,
    )


def _curated_or_detected(
    catalog: Catalog, vocabulary: str, curated: str | None, detected: str | None
) -> TermLink | None:
    if curated is not None or detected not in catalog.vocabularies.get(vocabulary):
        return _term_link(catalog, vocabulary, curated)
    link = _term_link(catalog, vocabulary, detected)
    return dataclasses.replace(link, detected=True) if link else None


def _kept_view(
    view: CommunityView | None, entry: Entry, sponsor_paths: dict[str, str], state: CheckState
) -> CommunityView | None:
    if view is None or view.community is not entry.community:
        return None
    if view.status.record is not state.records.get(entry.slug):
        return None
    return view if view.sponsor_path == sponsor_paths.get(entry.community.sponsor or "") else None


def _sponsor_paths(entries: list[Entry]) -> dict[str, str]:
    """Sponsors with several communities get a page; the slug is unique per sponsor name."""
    counts: dict[str, int] = defaultdict(int)
    for entry in entries:
        if entry.community.sponsor:
            counts[entry.community.sponsor] += 1
    taken: set[str] = set()
    paths = {}
    for sponsor in sorted(name for name, count in counts.items() if count > 1):
        slug = _unique_slug(slugify(sponsor), taken)
        paths[sponsor] = f"sponsors/{slug}.md"
    return paths


def _unique_slug(slug: str, taken: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    taken.add(candidate)
    return candidate


def _with_relations(views: list[CommunityView]) -> list[CommunityView]:
    by_slug = {view.slug: view for view in views}
    by_sponsor: dict[str, list[CommunityLink]] = defaultdict(list)
    for view in views:
        if view.community.sponsor:
            by_sponsor[view.community.sponsor].append(view.link)
    return [_related(view, by_slug, by_sponsor) for view in views]


def _related(
    view: CommunityView,
    by_slug: dict[str, CommunityView],
    by_sponsor: dict[str, list[CommunityLink]],
) -> CommunityView:
    related = [by_slug[slug].link for slug in view.community.related if slug in by_slug]
    shown = {link.slug for link in related} | {view.slug}
    siblings = [
        link for link in by_sponsor.get(view.community.sponsor or "", []) if link.slug not in shown
    ]
    if related == view.related and siblings == view.siblings:
        return view
    return CommunityView(**{**view.__dict__, "related": related, "siblings": siblings})


def _facet_groups(views: list[CommunityView], catalog: Catalog) -> list[FacetGroup]:
    groups = []
    for vocabulary, title in FACET_TITLES.items():
        members = _members(views, vocabulary)
        pages = [
            FacetPage(
                vocabulary,
                title,
                term,
                f"{FACET_FOLDERS[vocabulary]}/{term.id}.md",
                members.get(term.id, []),
            )
            for term in _vocabulary_terms(catalog, vocabulary)
        ]
        groups.append(FacetGroup(vocabulary, title, pages))
    return groups


def _vocabulary_terms(catalog: Catalog, vocabulary: str) -> Iterable[Term]:
    if vocabulary == "activity":
        return ACTIVITY_TERMS
    return catalog.vocabularies.get(vocabulary).values()


def _members(views: list[CommunityView], vocabulary: str) -> dict[str, list[CommunityView]]:
    members: dict[str, list[CommunityView]] = defaultdict(list)
    for view in views:
        for term in _terms_of(view, vocabulary):
            members[term.id].append(view)
    return members


def _terms_of(view: CommunityView, vocabulary: str) -> list[TermLink]:
    single = {"industries": view.industry, "access": view.access, "platforms": view.platform}
    if vocabulary == "types":
        return view.types
    if vocabulary == "activity":
        return [view.activity]
    term = single.get(vocabulary)
    return [term] if term else []


def _sponsor_pages(views: list[CommunityView], paths: dict[str, str]) -> list[SponsorPage]:
    grouped: dict[str, list[CommunityView]] = defaultdict(list)
    for view in views:
        if view.community.sponsor in paths:
            grouped[view.community.sponsor or ""].append(view)
    return [SponsorPage(name, paths[name], grouped[name]) for name in sorted(grouped)]
