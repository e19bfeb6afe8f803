"""Site search: a Pagefind index served behind Material's search box.

Material's own search sends the browser one index of every page and builds it there: at
10,000 communities that is megabytes and seconds before the first result. Pagefind splits its
index into chunks and a query loads only the few it needs.

The index is built beside MkDocs rather than after it. Each community gets a small "search
card" (its name, description and facts, from our own data) that Pagefind indexes while MkDocs
is still building; once the site is built, its top-level pages (about, submit, stats…) join
the same index, which is written to `<site>/pagefind/`, where `assets/biglist-search.js` loads
it. Pagefind runs as a service process (the `pagefind` package over the `pagefind-bin` binary).
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import threading
from collections.abc import Coroutine, Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment

from generator.errors import BuildError
from generator.rendering import page_url
from generator.views import CommunityView

BUNDLE_DIR = "pagefind"
CARD_TEMPLATE = "search_card.html.j2"
# Not worth finding: the badge's HTML snippet, heading anchors, the status line and buttons.
EXCLUDE_SELECTORS = ("pre", ".headerlink", ".biglist-status", ".md-button")
# The site's own pages that are searched: the top-level ones. The long list pages (facets,
# sponsors, all/) say `search: exclude` and carry no `data-pagefind-body` (overrides/main.html).
SITE_PAGES_GLOB = "*/index.html"
TIMEOUT_SECONDS = 600
_Result = TypeVar("_Result")


def search_cards(communities: list[CommunityView], env: Environment) -> dict[str, str]:
    """Each community's search card, by the site path its result links to."""
    template = env.get_template(CARD_TEMPLATE)
    return {
        f"{page_url(view.path)}/index.html": template.render(view=view, facts=_facts(view))
        for view in communities
    }


def _facts(view: CommunityView) -> list[str]:
    terms = [view.industry, *view.types, view.platform, view.access]
    labels = [term.label for term in terms if term]
    return [text for text in (view.community.sponsor, view.community.audience) if text] + labels


class SearchIndexer:
    """A Pagefind index filled on a background thread while the site builds.

    Use as a context manager: entering indexes the cards, `write_into(site_dir)` adds the
    built site's pages and writes the bundle, and leaving always stops the service.
    """

    def __init__(self, cards: Mapping[str, str]) -> None:
        self._cards = cards
        self._folder = Path(tempfile.mkdtemp(prefix="biglist-search-"))
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._service: Any = None
        self._index: Any = None
        self._started: Future[None] | None = None

    def __enter__(self) -> SearchIndexer:
        _write_cards(self._folder, self._cards)
        self._thread.start()
        self._started = self._submit(self._open())
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._thread.is_alive():
            self._wait(self._submit(self._close()))
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
        self._loop.close()
        shutil.rmtree(self._folder, ignore_errors=True)

    def write_into(self, site_dir: Path) -> None:
        """Add the built site's own pages, then write the bundle into `site_dir`."""
        assert self._started is not None, "write_into() is called inside the `with` block"
        self._wait(self._started)
        self._wait(self._submit(self._finish(site_dir)))

    async def _open(self) -> None:
        from pagefind.service import PagefindService

        self._service = await PagefindService().launch()
        self._index = await self._answer(
            self._service.create_index(
                {"exclude_selectors": list(EXCLUDE_SELECTORS), "force_language": "en"}
            )
        )
        await self._answer(self._index.add_directory(str(self._folder)))

    async def _finish(self, site_dir: Path) -> None:
        await self._answer(self._index.add_directory(str(site_dir), glob=SITE_PAGES_GLOB))
        await self._answer(self._index.write_files(str(site_dir / BUNDLE_DIR)))

    async def _answer(self, request: Coroutine[Any, Any, _Result]) -> _Result:
        """The service's answer, or an error as soon as the service has stopped: the package
        would otherwise wait for an answer that never comes."""
        asking = asyncio.ensure_future(request)
        listening = self._service._poll_task  # ends only when the service's output closes
        await asyncio.wait({asking, listening}, return_when=asyncio.FIRST_COMPLETED)
        if not asking.done():
            asking.cancel()
            raise BuildError("the search indexer (pagefind) stopped unexpectedly")
        return asking.result()

    async def _close(self) -> None:
        if self._service is not None:
            await self._service.close()

    def _submit(self, work: Coroutine[Any, Any, _Result]) -> Future[_Result]:
        return asyncio.run_coroutine_threadsafe(work, self._loop)

    @staticmethod
    def _wait(future: Future[_Result]) -> _Result:
        try:
            return future.result(timeout=TIMEOUT_SECONDS)
        except Exception as error:  # the service reports failures as bare Exceptions
            raise BuildError(f"the search indexer (pagefind) failed: {error}") from error


def _write_cards(folder: Path, cards: Mapping[str, str]) -> None:
    for path, html_text in cards.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html_text, "utf-8")
