"""The site map: which generated page comes from which template and view model."""

from __future__ import annotations

from generator.rendering import Page
from generator.views import SiteView


def site_pages(site: SiteView) -> list[Page]:
    pages = [
        Page("index.md", "index.md.j2", {"site": site}),
        Page("browse.md", "browse.md.j2", {"site": site}),
    ]
    pages += [Page(view.path, "community.md.j2", {"view": view}) for view in site.communities]
    pages += [Page(facet.path, "facet.md.j2", {"facet": facet}) for facet in site.facet_pages]
    pages += [
        Page(sponsor.path, "sponsor.md.j2", {"sponsor": sponsor}) for sponsor in site.sponsors
    ]
    return pages
