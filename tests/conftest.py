"""Shared fixtures: sample data, throwaway project folders, built sites, a loopback server
for built sites and a headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import functools
import json
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from support import (
    ACTIVITIES,
    HOSTILE_DESCRIPTION,
    HOSTILE_NAME,
    HOSTILE_SPONSOR,
    SAMPLE_DATA,
    SHIPPED_DATA,
    SYNTHETIC_COUNT,
    SYNTHETIC_ROWS_PER_PAGE,
    Opener,
    build_project,
    make_project,
)

from bench.chromium import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project copy with the sample data, as the current directory."""
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def sample_data(tmp_path: Path) -> Path:
    """A writable copy of the sample data root."""
    return Path(shutil.copytree(SAMPLE_DATA, tmp_path / "data"))


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample data built once per session into a site folder."""
    return build_project(make_project(tmp_path_factory.mktemp("sample-site") / "project"))


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped data built once per session, strictly, as `make site` does."""
    root = make_project(tmp_path_factory.mktemp("shipped-site") / "project", SHIPPED_DATA)
    return build_project(root)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def serve_site() -> Iterator[Any]:
    """Serve a built site folder on loopback; returns a function folder -> base URL."""
    servers: list[ThreadingHTTPServer] = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
        )
        yield instance
        instance.close()


# --- a bigger synthetic site for the browser tests of the live list and the search ----------


@pytest.fixture(scope="session")
def synthetic_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """240 synthetic communities (bench/synthetic.py), some with checker activity, and one
    with hostile-looking text, built strictly with small plain-list pages."""
    from bench.synthetic import write_data
    from generator.site import listing

    folder = tmp_path_factory.mktemp("synthetic-site")
    write_data(folder / "data", SYNTHETIC_COUNT)
    _add_hostile_entry(folder / "data" / "communities")
    root = make_project(folder / "project", folder / "data")
    (root / "state.json").write_text(_synthetic_state(root / "data"), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(listing, "ROWS_PER_PAGE", SYNTHETIC_ROWS_PER_PAGE)
        return build_project(root, "--state", "state.json")


def _add_hostile_entry(communities: Path) -> None:
    entry = {
        "name": HOSTILE_NAME,
        "url": "https://tom-and-jerry.test/",
        "sponsor": HOSTILE_SPONSOR,
        "description": HOSTILE_DESCRIPTION,
        "industry": "cybersecurity",
        "types": ["support"],
        "featured": True,
        "sources": ["https://tom-and-jerry.test/about"],
        "added": "2026-01-02",
    }
    (communities / "tom-and-jerry.yml").write_text(json.dumps(entry), encoding="utf-8")


# Link standings, in turn, of the communities with a record (outcome, link status).
STANDINGS = (
    ("ok", "ok"),
    ("ok", "ok"),
    ("moved", "moved"),
    ("gated", "gated"),
    ("blocked", "blocked"),
    ("timeout", "failing"),
    ("not_found", "dead"),
)


def _synthetic_state(data: Path) -> str:
    """Activity for three communities in four: active, slowing, dormant, then unknown; their
    links mostly work, the others in every other standing in turn (STANDINGS); one in eight
    also has a count of posts."""
    communities = {}
    for number, path in enumerate(sorted((data / "communities").glob("community-*.yml"))):
        if number % 4 == 3:
            continue
        url = yaml.safe_load(path.read_text("utf-8"))["url"]
        activity = ACTIVITIES[number % 4]
        outcome, link_status = STANDINGS[number // 4 % len(STANDINGS)]
        communities[path.stem] = {
            "url": url,
            "outcome": outcome,
            "link_status": link_status,
            "final_url": url + "new/" if link_status == "moved" else url,
            "failing_runs": 3 if link_status == "dead" else 0,
            "last_activity": f"2026-{1 + number % 10:02d}-{1 + number % 27:02d}",
            "activity_source": "feed",
            "activity": activity,
        }
        if number % 8 == 1:  # a platform that counts its posts
            communities[path.stem]["posts_30_days"] = 1000 + 13 * number
    state = {"version": 1, "checked_at": "2026-11-25T03:00:00Z", "communities": communities}
    return json.dumps(state)


# --- pages of the synthetic site, watched --------------------------------------------------

DESKTOP = {"width": 1280, "height": 900}


class Watch:
    """Console errors, uncaught exceptions and requests that leave the site's host."""

    def __init__(self, page: Any, base: str) -> None:
        self.base = base
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.requested: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", lambda request: self._request(request.url))

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _request(self, url: str) -> None:
        self.requested.append(url)
        if not url.startswith((self.base, "data:", "blob:", "about:")):
            self.foreign.append(url)


@pytest.fixture(scope="session")
def synthetic_base(synthetic_site: Path, serve_site: Any) -> str:
    return str(serve_site(synthetic_site))


@pytest.fixture
def open_page(browser: Any, synthetic_base: str) -> Iterator[Opener]:
    """Open a page of the synthetic site in a fresh browser context (empty cache); after the
    test, assert that no page logged an error or asked any host but the site's own. The page's
    `requested` lists every URL it has asked for, from the first."""
    base = synthetic_base
    contexts, watches = [], []

    def open_(
        path: str = "",
        *,
        viewport: dict[str, int] = DESKTOP,
        javascript: bool = True,
        init_script: str | None = None,
        color_scheme: str = "light",
    ) -> Any:
        context = browser.new_context(
            viewport=viewport, java_script_enabled=javascript, color_scheme=color_scheme
        )
        if init_script:
            context.add_init_script(init_script)
        # Were anything to leave the host, it is recorded (Watch) and refused here.
        context.route(re.compile(r"^(?!" + re.escape(base) + ")https?://"), lambda r: r.abort())
        page = context.new_page()
        contexts.append(context)
        watches.append(Watch(page, base))
        page.requested = watches[-1].requested
        page.goto(base + path)
        if javascript and page.locator("#biglist-app").count():
            page.wait_for_selector("#biglist-app[data-state=ready]")
        return page

    yield open_
    for context in contexts:
        context.close()
    for watch in watches:
        assert not watch.errors, watch.errors
        assert not watch.foreign, watch.foreign
