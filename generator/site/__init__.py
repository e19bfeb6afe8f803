"""The site: a validated catalog and the checker's state turned into the published website.

    views.py, status.py            view models: what each page shows, in plain words
    pages.py, listing.py, stats.py, health.py   the site map and its bigger pages
    rendering.py, docs.py          Jinja → Markdown/HTML, written into the docs folder
    exports.py, search.py          JSON/CSV/Atom/badges/schema, and the Pagefind index
    building.py                    the pipeline (its docstring is the map of the build)
    mkdocs_plugins.py              the only MkDocs-specific code: our steps inside its build
    serving.py                     the live preview

Exports `build` (what `biglist build` runs). Imports the catalog and the shared core only.
"""

from generator.site.building import build

__all__ = ["build"]
