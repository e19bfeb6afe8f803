"""Site search: a Pagefind index served behind Material's search box.

Material's own search sends the browser one index of every page and builds it there: at
10,000 communities that is megabytes and seconds before the first result. Pagefind splits its
index into chunks and a query loads only the few it needs.

The index is built from our sources, beside MkDocs rather than after it, so on two cores it
costs the build little time. Each community gets a small "search card" (its name, description
and facts); each of the site's top-level pages a card of its Markdown, converted as MkDocs
converts it. A forked process renders the cards and has Pagefind (the binary from the
`pagefind-bin` wheel) index them while MkDocs builds; the bundle is then moved into
`<site>/pagefind/`, where `assets/biglist-search.js` loads it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, NoReturn

from jinja2 import Environment
from markupsafe import Markup

from generator.errors import BuildError
from generator.rendering import Fragments, markup_environment, page_url
from generator.views import CommunityView

BUNDLE_DIR = "pagefind"
# Not worth finding: code snippets (the badge's HTML) and heading anchors.
EXCLUDE_SELECTORS = ("pre", ".headerlink")
TIMEOUT_SECONDS = 600


def search_cards(
    communities: Iterable[CommunityView], docs_dir: Path, config_file: Path, fragments: Fragments
) -> dict[str, str]:
    """Every search card: the communities' and the site's own top-level pages'."""
    env = markup_environment()
    return community_cards(communities, env) | page_cards(docs_dir, config_file, fragments, env)


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
    """The search index, built by a forked process while MkDocs builds the site.

    The child renders the cards from the data already in memory, writes them, runs Pagefind
    over them and removes them: on two cores none of it adds to the build's time. Use as a
    context manager around the site build: `move_into(site_dir)` waits for the index and moves
    the bundle into the built site; leaving stops the child if it still runs (the build failed)
    and removes the work folder.
    """

    def __init__(self, make_cards: Callable[[], Mapping[str, str]], work_dir: Path) -> None:
        self._make_cards = make_cards
        # Beside the site, so that the finished bundle moves into it with a rename.
        work_dir.mkdir(parents=True, exist_ok=True)
        self._folder = Path(tempfile.mkdtemp(prefix=".biglist-search-", dir=work_dir))
        self._child: int | None = None

    def __enter__(self) -> SearchIndexer:
        child = os.fork()
        if child == 0:
            _index_in_child(self._make_cards, self._folder)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.setpgid(child, child)  # the child does it too: whichever runs first
        self._child = child
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._child is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._child, signal.SIGKILL)  # the child and its Pagefind
            os.waitpid(self._child, 0)
        shutil.rmtree(self._folder, ignore_errors=True)

    def move_into(self, site_dir: Path) -> None:
        """Wait for the index, then move the bundle to `site_dir/pagefind/`."""
        assert self._child is not None, "move_into() is called inside the `with` block"
        status = _wait_for(self._child)
        self._child = None
        if status != 0:
            failure = self._folder / FAILURE_NOTE
            raise BuildError(failure.read_text("utf-8") if failure.is_file() else _STOPPED)
        (self._folder / BUNDLE_DIR).rename(site_dir / BUNDLE_DIR)


FAILURE_NOTE = "failure.txt"
_STOPPED = "the search indexer stopped unexpectedly"


def _wait_for(child: int) -> int:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while (status := os.waitpid(child, os.WNOHANG))[0] == 0:
        if time.monotonic() > deadline:
            raise BuildError("the search indexer (pagefind) took too long")
        time.sleep(0.02)
    return os.waitstatus_to_exitcode(status[1])


def _index_in_child(make_cards: Callable[[], Mapping[str, str]], folder: Path) -> NoReturn:
    """The forked child's whole life; it never returns to the caller's code."""
    code = 1
    try:
        os.setpgid(0, 0)
        _write_cards(folder / "cards", make_cards())
        _run_pagefind(folder)
        code = 0
        shutil.rmtree(folder / "cards", ignore_errors=True)
    except BuildError as error:
        (folder / FAILURE_NOTE).write_text(str(error), "utf-8")
    except BaseException as error:  # anything at all: the child must reach os._exit
        (folder / FAILURE_NOTE).write_text(f"the search indexer failed: {error}", "utf-8")
    finally:
        os._exit(code)  # not sys.exit: the parent's cleanup and buffers are not the child's


def _run_pagefind(folder: Path) -> None:
    command = [
        *(str(pagefind_binary()), "--site", str(folder / "cards")),
        *("--output-path", str(folder / BUNDLE_DIR)),
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


def _write_cards(folder: Path, cards: Mapping[str, str]) -> None:
    for path, html_text in cards.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html_text, "utf-8")
