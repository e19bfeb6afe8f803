"""Site search: a Pagefind index served behind Material's search box.

Material's own search sends the browser one index of every page and builds it there: at
10,000 communities that is megabytes and seconds before the first result. Pagefind splits its
index into chunks and a query loads only the few it needs.

The index is built from our sources, beside MkDocs rather than after it, so on two cores it
costs the build little time. Each community gets a small "search card" (its name, description
and facts); each of the site's top-level pages a card of its Markdown, converted as MkDocs
converts it. Pagefind (the binary from the `pagefind-bin` wheel) indexes them into the
bundle that `assets/biglist-search.js` loads from `<site>/pagefind/`; `biglist build` does all
this in a process of its own while MkDocs builds (forking.ForkedJob).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from generator.errors import BuildError
from generator.site.docs import write_files
from generator.site.rendering import Fragments, markup_environment, page_url
from generator.site.views import CommunityView, TermLink

BUNDLE_DIR = "pagefind"
# Not worth finding: code snippets (the badge's HTML) and heading anchors.
EXCLUDE_SELECTORS = ("pre", ".headerlink")


def search_cards(
    communities: Iterable[CommunityView],
    top_pages: Mapping[str, str],
    config_file: Path,
    fragments: Fragments,
) -> dict[str, str]:
    """Every search card: the communities' and the site's own top-level pages'."""
    env = markup_environment()
    return community_cards(communities, env) | page_cards(top_pages, config_file, fragments, env)


def top_level_pages(docs_dir: Path, generated: Mapping[str, str | bytes]) -> dict[str, str]:
    """The Markdown of each top-level page by file name: generated ones as rendered, the
    hand-written ones from the docs folder."""
    pages = {path.name: path.read_text("utf-8") for path in sorted(docs_dir.glob("*.md"))}
    pages.update({name: str(text) for name, text in generated.items() if _top_level_page(name)})
    return dict(sorted(pages.items()))


def _top_level_page(name: str) -> bool:
    return "/" not in name and name.endswith(".md")


def community_cards(communities: Iterable[CommunityView], env: Environment) -> dict[str, str]:
    """Each community's search card, by the site path its result links to."""
    template = env.get_template("search_card.html.j2")
    return {
        f"{page_url(view.path)}/index.html": template.render(
            view=view, sponsor=_sponsor(view), facts=_facts(view)
        )
        for view in communities
    }


def _sponsor(view: CommunityView) -> str | None:
    # The full stop goes inside the weighted element: Pagefind puts a space after an element.
    return _sentence(view.community.sponsor) if view.community.sponsor else None


def _facts(view: CommunityView) -> list[str]:
    """The community's facts as short sentences ("Industry: Fintech."), for the snippet."""
    facts = [("Audience", view.community.audience)]
    facts += [(label, term.label) for label, term in _labelled_terms(view) if term]
    return [_sentence(f"{label}: {value}") for label, value in facts if value]


def _labelled_terms(view: CommunityView) -> list[tuple[str, TermLink | None]]:
    types = [("Type", term) for term in view.types]
    return [
        ("Industry", view.industry),
        *types,
        ("Platform", view.platform),
        ("Access", view.access),
    ]


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else text + "."


def page_cards(
    top_pages: Mapping[str, str], config_file: Path, fragments: Fragments, env: Environment
) -> dict[str, str]:
    """A card for each top-level page that does not opt out of search (`search: exclude:
    true` in its front matter, as the home page and list pages do)."""
    from mkdocs.utils.meta import get_data

    template = env.get_template("search_page.html.j2")
    convert = _markdown_converter(config_file)
    cards = {}
    for name, source in top_pages.items():
        markdown_text, meta = get_data(source)
        if not (meta.get("search") or {}).get("exclude"):
            body = Markup(fragments.fill(name, convert(markdown_text)))
            title = meta.get("title") or name.removesuffix(".md")
            cards[f"{page_url(name)}/index.html"] = template.render(title=title, body=body)
    return cards


def _markdown_converter(config_file: Path) -> Any:
    """Markdown to HTML with the extensions and settings the site is built with."""
    import markdown
    from mkdocs.config import load_config

    config = load_config(str(config_file))
    converter = markdown.Markdown(
        extensions=config.markdown_extensions, extension_configs=config.mdx_configs
    )
    return lambda text: converter.reset().convert(text)


def index_cards(cards: Mapping[str, str], bundle_dir: Path, scratch: Path) -> None:
    """Write the cards under `scratch`, have Pagefind index them into `bundle_dir`, and
    remove them; raises BuildError if Pagefind fails."""
    cards_dir = scratch / "search-cards"
    write_files(cards_dir, cards)
    _run_pagefind(cards_dir, bundle_dir)
    shutil.rmtree(cards_dir, ignore_errors=True)


def _run_pagefind(cards_dir: Path, bundle_dir: Path) -> None:
    command = [
        *(str(pagefind_binary()), "--site", str(cards_dir)),
        *("--output-path", str(bundle_dir)),
        *("--exclude-selectors", ", ".join(EXCLUDE_SELECTORS)),
        *("--force-language", "en", "--silent"),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise BuildError("the search indexer (pagefind) failed: " + " / ".join(detail))


def pagefind_binary() -> Path:
    try:
        from pagefind_bin import get_executable
    except ImportError as error:
        raise BuildError(_NOT_INSTALLED) from error
    try:
        return Path(get_executable())
    except FileNotFoundError as error:
        raise BuildError(_NOT_INSTALLED) from error


_NOT_INSTALLED = (
    "the search indexer is missing: install the project again (pip install -e .), "
    "which brings the pagefind-bin package"
)
