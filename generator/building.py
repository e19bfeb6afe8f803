"""`biglist build`: the pipeline from data files to a finished site, one stage per line.

load + validate → view models → render Markdown and exports → write docs → mkdocs build
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.exports import schema_json
from generator.pages import site_pages
from generator.rendering import markdown_environment, render_pages
from generator.site import build_with_mkdocs, write_generated
from generator.validation import Catalog, load_catalog
from generator.views import build_site_view


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
) -> BuildResult:
    """Build the whole site; the previous site stays in place unless everything succeeded."""
    catalog = load_catalog(data_dir)
    files = render_site(catalog)
    write_generated(docs_dir, files)
    build_with_mkdocs(config_file, site_dir, strict=strict)
    return BuildResult(len(catalog.entries), len(files), site_dir)


def render_site(catalog: Catalog) -> dict[str, str | bytes]:
    """Every generated file of the docs folder, by docs-relative path."""
    site = build_site_view(catalog)
    files: dict[str, str | bytes] = dict(render_pages(site_pages(site), markdown_environment()))
    files["schema/community.schema.json"] = schema_json(catalog.vocabularies)
    return files
