"""The built site: every promised page exists, nothing is fetched from elsewhere, the nav stays
small, and the shipped data builds strictly."""

from __future__ import annotations

import contextlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from tests.support import build_project, make_project

REPO = Path(__file__).resolve().parents[1]
ASSET_TAGS = {"script": "src", "link": "href", "img": "src", "source": "src", "iframe": "src"}


class AssetCollector(HTMLParser):
    """Every URL the browser would fetch by itself (scripts, styles, images, frames)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = ASSET_TAGS.get(tag)
        values = dict(attrs)
        if wanted and values.get(wanted) and values.get("rel") not in ("canonical", "alternate"):
            self.urls.append(values[wanted] or "")


def fetched_urls(html: str) -> list[str]:
    collector = AssetCollector()
    collector.feed(html)
    return collector.urls


class LinkCollector(HTMLParser):
    """Every link and embedded resource on a page (href and src of any element)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls.extend(value for name, value in attrs if name in ("href", "src") and value)


def local_targets(page: Path) -> list[str]:
    collector = LinkCollector()
    collector.feed(page.read_text("utf-8"))
    return [
        url.split("#")[0].split("?")[0]
        for url in collector.urls
        if ":" not in url and not url.startswith(("#", "//", "/"))
    ]


def resolves(page: Path, target: str) -> bool:
    path = (page.parent / target).resolve()
    return path.is_file() or (path / "index.html").is_file()


def test_every_local_link_on_every_page_resolves(sample_site: Path) -> None:
    """Generated HTML is spliced in after MkDocs, out of reach of its link validation."""
    for page in sample_site.rglob("*.html"):
        broken = [target for target in local_targets(page) if target and not resolves(page, target)]
        assert not broken, f"{page.relative_to(sample_site)}: {broken}"


def test_every_community_and_facet_has_a_page(sample_site: Path) -> None:
    for slug in ("acme-community", "acme-developers", "secops-peers"):
        assert (sample_site / "communities" / slug / "index.html").is_file()
    for page in ("industries/cybersecurity", "types/developer", "platforms/khoros", "access/gated"):
        assert (sample_site / page / "index.html").is_file(), page
    assert (sample_site / "sponsors" / "acme" / "index.html").is_file()
    for page in ("about", "submit", "browse"):
        assert (sample_site / page / "index.html").is_file(), page
    assert (sample_site / "schema" / "community.schema.json").is_file()


def test_nothing_is_fetched_from_another_host(sample_site: Path) -> None:
    for page in sample_site.rglob("*.html"):
        external = [url for url in fetched_urls(page.read_text("utf-8")) if "//" in url]
        assert not external, f"{page}: {external}"
    css = "".join(path.read_text("utf-8") for path in sample_site.rglob("*.css"))
    assert not re.search(r"@import\s+url\(\s*['\"]?https?:", css)
    assert "fonts.googleapis.com" not in css


def test_nav_lists_only_top_level_pages() -> None:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8").replace("!!python", "#"))
    targets = [next(iter(item.values())) for item in config["nav"]]
    assert all("/" not in target for target in targets)


def test_community_page_links_its_siblings_and_sources(sample_site: Path) -> None:
    html = (sample_site / "communities" / "acme-community" / "index.html").read_text("utf-8")
    assert 'href="../acme-developers/"' in html
    assert 'href="https://acme.test/about"' in html
    assert 'href="https://community.acme.test/"' in html


def test_shipped_data_builds_strictly(shipped_site: Path) -> None:
    slugs = sorted(path.stem for path in (REPO / "data" / "communities").glob("*.yml"))
    assert len(slugs) > 200
    built = sorted(path.parent.name for path in (shipped_site / "communities").glob("*/index.html"))
    assert built == slugs
    assert (shipped_site / "index.html").is_file()


def outside_the_article(html: str) -> tuple[str, str]:
    before, rest = html.split("<article", 1)
    return before, rest.split("</article>", 1)[1]


def test_reused_theme_parts_match_a_plain_mkdocs_build(tmp_path: Path) -> None:
    """`biglist build` renders the tabs, nav and footer once per depth (overrides/main.html);
    the pages must come out as a plain `mkdocs build` of the same docs makes them."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = make_project(tmp_path)
    site = build_project(root)
    plain = tmp_path / "plain"
    with contextlib.chdir(root):
        build(load_config("mkdocs.yml", site_dir=str(plain)))
    pages = ["communities/acme-developers", "communities/secops-peers", "industries/cybersecurity"]
    for page in [*pages, "health", "api", "about", ""]:
        ours = (site / page / "index.html").read_text("utf-8")
        theirs = (plain / page / "index.html").read_text("utf-8")
        assert outside_the_article(ours) == outside_the_article(theirs), page


def test_pages_that_skip_markdown_come_out_as_through_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Community pages are one HTML block and skip Python-Markdown (FillFragments): the pages
    must be what Markdown would have made of them."""
    from generator.site.mkdocs_plugins import FillFragments

    fast = build_project(make_project(tmp_path / "fast"))
    monkeypatch.setattr(FillFragments, "on_page_markdown", lambda self, markdown, **_: markdown)
    slow = build_project(make_project(tmp_path / "slow"))
    for page in ("communities/acme-community", "communities/secops-peers"):
        ours = (fast / page / "index.html").read_text("utf-8")
        assert ours == (slow / page / "index.html").read_text("utf-8"), page
