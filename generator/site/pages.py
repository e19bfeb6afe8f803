"""The site map: which generated page comes from which template and view model."""

from __future__ import annotations

from generator.site.corrections import DEFAULT_REPOSITORY, Repository, correction_links
from generator.site.exports import DEFAULT_SITE_URL, ApiDoc, embed_snippet, page_url
from generator.site.health import HealthView
from generator.site.listing import HomeView, home_view
from generator.site.rendering import Page
from generator.site.stats import ChangesView, StatsView
from generator.site.views import CommunityView, SiteView


def site_pages(
    site: SiteView,
    site_url: str = DEFAULT_SITE_URL,
    repository: Repository | None = DEFAULT_REPOSITORY,
    *,
    communities: bool = True,
) -> list[Page]:
    pages = [*a_to_z_pages(home_view(site)), Page("browse.md", "browse.md.j2", {"site": site})]
    if communities:
        pages += [community_page(view, site_url, repository) for view in site.communities]
    pages += [Page(facet.path, "facet.md.j2", {"facet": facet}) for facet in site.facet_pages]
    pages += [
        Page(sponsor.path, "sponsor.md.j2", {"sponsor": sponsor}) for sponsor in site.sponsors
    ]
    return pages


def community_page(view: CommunityView, site_url: str, repository: Repository | None) -> Page:
    context = {
        "view": view,
        "embed": embed_snippet(site_url, view),
        "correct": correction_links(repository, view.slug, view.name, page_url(site_url, view)),
    }
    return Page(view.path, "community.md.j2", context)


def a_to_z_pages(home: HomeView) -> list[Page]:
    """The A–Z list: its first page is the home page (the live Big List), the rest plain pages."""
    templates = {1: "index.md.j2"}
    return [
        Page(page.path, templates.get(page.number, "all.md.j2"), {"home": home, "page": page})
        for page in home.pages
    ]


def report_pages(
    stats: StatsView, changes: ChangesView, health: HealthView, api: ApiDoc
) -> list[Page]:
    return [
        Page("stats.md", "stats.md.j2", {"stats": stats}),
        Page("changes.md", "changes.md.j2", {"changes": changes}),
        Page("health.md", "health.md.j2", {"health": health}),
        Page("api.md", "api.md.j2", {"api": api}),
    ]
