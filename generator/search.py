"""Site search: a Pagefind index served behind Material's search box.

Material's own search sends the browser one index of every page and builds it there: at
10,000 communities that is megabytes and seconds before the first result. Pagefind splits its
index into chunks and a query loads only the few it needs.

The index is built from our sources, beside MkDocs rather than after it, so on two cores it
costs the build little time. Each community gets a small "search card" (its name, description
and facts); each of the site's top-level pages a card of its Markdown, converted as MkDocs
converts it. Pagefind (the binary from the `pagefind-bin` wheel) indexes the cards in its own
process while MkDocs builds; the bundle is then moved into `<site>/pagefind/`, where
`assets/biglist-search.js` loads it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from generator.errors import BuildError
from generator.rendering import Fragments, page_url
from generator.views import CommunityView

BUNDLE_DIR = "pagefind"
# Not worth finding: code snippets (the badge's HTML) and heading anchors.
EXCLUDE_SELECTORS = ("pre", ".headerlink")
TIMEOUT_SECONDS = 600


def community_cards(communities: Iterable[CommunityView], env: Environment) -> dict[str, str]:
    """Each community's search card, by the site path its result links to."""
    template = env.get_template("search_card.html.j2")
    return {
        f"{page_url(view.path)}/index.html": template.render(view=view, facts=_facts(view))
        for view in communities
    }


def _facts(view: CommunityView) -> list[str]:
    terms = [view.industry, *view.types, view.platform, view.access]
    labels = [term.label for term in terms if term]
    return [text for text in (view.community.sponsor, view.community.audience) if text] + labels


def page_cards(
    docs_dir: Path, config_file: Path, fragments: Fragments, env: Environment
) -> dict[str, str]:
    """A card for each top-level page of the docs folder that does not opt out of search
    (`search: exclude: true` in its front matter, as the home page and list pages do)."""
    from mkdocs.utils.meta import get_data

    template = env.get_template("search_page.html.j2")
    convert = _markdown_converter(config_file)
    cards = {}
    for source in sorted(docs_dir.glob("*.md")):
        markdown_text, meta = get_data(source.read_text("utf-8"))
        if not (meta.get("search") or {}).get("exclude"):
            body = Markup(fragments.fill(source.name, convert(markdown_text)))
            title = meta.get("title") or source.stem
            cards[f"{page_url(source.name)}/index.html"] = template.render(title=title, body=body)
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


class SearchIndexer:
    """Pagefind indexing the search cards in its own process while the site builds.

    Use as a context manager around the site build: entering writes the cards and starts
    Pagefind, `move_into(site_dir)` waits for it and moves the bundle into the built site, and
    leaving stops Pagefind if it still runs and removes the work folder.
    """

    def __init__(self, cards: Mapping[str, str], work_dir: Path) -> None:
        self._cards = cards
        # Beside the site, so that the finished bundle moves into it with a rename.
        work_dir.mkdir(parents=True, exist_ok=True)
        self._folder = Path(tempfile.mkdtemp(prefix=".biglist-search-", dir=work_dir))
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> SearchIndexer:
        try:
            _write_cards(self._folder / "cards", self._cards)
            self._process = subprocess.Popen(
                self._command(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
            )
        except OSError as error:
            shutil.rmtree(self._folder, ignore_errors=True)
            raise BuildError(f"the search indexer (pagefind) could not start: {error}") from error
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process:
            if self._process.poll() is None:  # the build failed before the index was needed
                self._process.kill()
            self._process.wait()
            if self._process.stdout:
                self._process.stdout.close()
        shutil.rmtree(self._folder, ignore_errors=True)

    def move_into(self, site_dir: Path) -> None:
        """Wait for the index, then move the bundle to `site_dir/pagefind/`."""
        assert self._process is not None, "move_into() is called inside the `with` block"
        try:
            output, _ = self._process.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as error:
            raise BuildError("the search indexer (pagefind) took too long") from error
        if self._process.returncode != 0:
            detail = output.decode("utf-8", "replace").strip().splitlines()[-5:]
            raise BuildError("the search indexer (pagefind) failed: " + " / ".join(detail))
        (self._folder / BUNDLE_DIR).rename(site_dir / BUNDLE_DIR)

    def _command(self) -> list[str]:
        return [
            *(str(pagefind_binary()), "--site", str(self._folder / "cards")),
            *("--output-path", str(self._folder / BUNDLE_DIR)),
            *("--exclude-selectors", ", ".join(EXCLUDE_SELECTORS)),
            *("--force-language", "en", "--silent"),
        ]


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


def _write_cards(folder: Path, cards: Mapping[str, str]) -> None:
    for path, html_text in cards.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html_text, "utf-8")
