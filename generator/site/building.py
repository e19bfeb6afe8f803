"""`biglist build`: the pipeline from data files to a finished site, one stage per line.

load + validate → view models → render Markdown → write docs → mkdocs build
                                                          ↘ beside it, on the other core:
                                                            exports and the search index
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.catalog.models import Term, Vocabularies
from generator.catalog.validation import Catalog, load_catalog
from generator.forking import ForkedJob, discard_own_folders
from generator.site.corrections import DEFAULT_REPOSITORY, Repository, repository_from_settings
from generator.site.docs import (
    build_with_mkdocs,
    recover_site,
    temporary_prefixes,
    write_files,
    write_generated,
)
from generator.site.exports import (
    DEFAULT_SITE_URL,
    api_doc,
    build_settings,
    build_time,
    configured_site_url,
    exports,
)
from generator.site.health import build_health
from generator.site.listing import LIST_DATA_PATH, list_json
from generator.site.pages import report_pages, site_pages
from generator.site.rendering import (
    Fragments,
    Page,
    markdown_environment,
    markup_environment,
    render_pages,
)
from generator.site.search import BUNDLE_DIR, index_cards, search_cards, top_level_pages
from generator.site.stats import build_changes, build_stats
from generator.site.status import read_check_state
from generator.site.views import SiteView, build_site_view
from generator.state import CheckState, default_state_path


@dataclass(frozen=True)
class BuildResult:
    communities: int
    pages: int
    site_dir: Path


def build(
    data_dir: Path,
    site_dir: Path,
    *,
    state_file: Path | None = None,
    docs_dir: Path = Path("directory"),
    config_file: Path = Path("mkdocs.yml"),
    strict: bool = False,
    now: dt.datetime | None = None,
) -> BuildResult:
    """Build the whole site; the previous site stays in place unless everything succeeded."""
    recover_site(site_dir.resolve())
    try:
        return _build(data_dir, site_dir, state_file, docs_dir, config_file, strict, now)
    finally:  # however it ended: even an interrupt between making a folder and using it
        discard_own_folders(site_dir.resolve().parent, temporary_prefixes(site_dir.resolve()))


def _build(
    data_dir: Path,
    site_dir: Path,
    state_file: Path | None,
    docs_dir: Path,
    config_file: Path,
    strict: bool,
    now: dt.datetime | None,
) -> BuildResult:
    catalog = load_catalog(data_dir)
    state = read_check_state(state_file or default_state_path(data_dir))
    site_url = configured_site_url(config_file)
    repository = repository_from_settings(build_settings(config_file))
    site = build_site_view(catalog, state)
    fragments = Fragments()
    pages = render_docs(
        site, catalog.vocabularies, site_url=site_url, repository=repository, fragments=fragments
    )
    write_generated(docs_dir, pages)
    when = now or build_time()

    def beside_mkdocs(out: Path, scratch: Path) -> None:
        markup = markup_environment()
        write_files(
            out, exports(site, catalog.vocabularies, markup, site_url=site_url, generated_at=when)
        )
        top_pages = top_level_pages(docs_dir, pages)
        cards = search_cards(site.communities, top_pages, config_file, fragments)
        index_cards(cards, out / BUNDLE_DIR, scratch)

    with ForkedJob(beside_mkdocs, work_dir=site_dir.parent) as job:
        build_with_mkdocs(
            config_file, site_dir, strict=strict, fragments=fragments, finish=job.merge_into
        )
    return BuildResult(len(catalog.entries), len(pages), site_dir)


def render_site(
    catalog: Catalog,
    state: CheckState | None = None,
    *,
    site_url: str = DEFAULT_SITE_URL,
    repository: Repository | None = DEFAULT_REPOSITORY,
    generated_at: dt.datetime | None = None,
    fragments: Fragments | None = None,
) -> dict[str, str | bytes]:
    """Every generated file of the docs folder, exports included, by docs-relative path.

    With `fragments`, big HTML blocks are kept out of the Markdown and collected there, to be
    filled into the built pages (see rendering.Fragments); without, they stay inline.
    """
    site = build_site_view(catalog, state)
    return render_site_view(
        site,
        catalog.vocabularies,
        site_url=site_url,
        repository=repository,
        generated_at=generated_at,
        fragments=fragments,
    )


def render_site_view(
    site: SiteView,
    vocabularies: Vocabularies,
    *,
    site_url: str = DEFAULT_SITE_URL,
    repository: Repository | None = DEFAULT_REPOSITORY,
    generated_at: dt.datetime | None = None,
    fragments: Fragments | None = None,
) -> dict[str, str | bytes]:
    """render_site from the view models (what `biglist serve` previews; `build` makes the
    exports beside MkDocs instead)."""
    files = render_docs(
        site, vocabularies, site_url=site_url, repository=repository, fragments=fragments
    )
    when = generated_at or build_time()
    markup = markup_environment()
    files.update(exports(site, vocabularies, markup, site_url=site_url, generated_at=when))
    return files


def _labels(terms: Mapping[str, Term]) -> dict[str, str]:
    return {term_id: term.label for term_id, term in terms.items()}


def render_docs(
    site: SiteView,
    vocabularies: Vocabularies,
    *,
    site_url: str,
    repository: Repository | None,
    fragments: Fragments | None,
    communities: bool = True,
) -> dict[str, str | bytes]:
    """The pages MkDocs builds, and the Big List's data file (without the communities' own
    pages if not `communities`)."""
    pages = docs_pages(site, vocabularies, site_url, repository, communities=communities)
    files: dict[str, str | bytes] = dict(
        render_pages(pages, markdown_environment(fragments=fragments))
    )
    files[LIST_DATA_PATH] = list_json(site)
    return files


def docs_pages(
    site: SiteView,
    vocabularies: Vocabularies,
    site_url: str,
    repository: Repository | None,
    *,
    communities: bool = True,
) -> list[Page]:
    reports = report_pages(
        build_stats(site, vocabularies, markup_environment()),
        build_changes(site),
        build_health(site.communities, site.last_run, _labels(vocabularies.get("platforms"))),
        api_doc(vocabularies),
    )
    return [*site_pages(site, site_url, repository, communities=communities), *reports]
