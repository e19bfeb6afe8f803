"""`biglist serve`: the preview's docs folder follows the data, an edit rewrites the edited
entry's page first and then only the other files whose text changed, bad data is reported and
keeps the pages, a later build cleans the docs folder; and, served and open in a browser, an
edited entry shows up by itself while a bad edit leaves the page as it was."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.errors import DataError
from generator.site.docs import MANIFEST
from generator.site.serving import LivePreview, Preview
from tests.support import build_project, make_project

ENTRY = Path("data") / "communities" / "acme-community.yml"


def never() -> bool:
    return False


def describe(root: Path, words: str) -> None:
    entry = root / ENTRY
    text = re.sub(
        r"^description: .*$", f"description: {words}", entry.read_text("utf-8"), flags=re.M
    )
    entry.write_text(text, "utf-8")


@pytest.fixture
def previewed(tmp_path: Path) -> Iterator[tuple[Path, Preview]]:
    root = make_project(tmp_path)
    with contextlib.chdir(root):
        preview = Preview(Path("data"), Path("directory"), Path("mkdocs.yml"))
        preview.write_all()
        yield root, preview


def test_the_preview_has_pages_and_exports(previewed: tuple[Path, Preview]) -> None:
    root, _ = previewed
    docs = root / "directory"
    assert (docs / "communities" / "acme-community.md").is_file()
    assert (docs / "feed.xml").is_file()
    manifest = json.loads((docs / MANIFEST).read_text("utf-8"))
    assert "communities/acme-community.md" in manifest


def test_an_edit_rewrites_its_page_first_then_only_what_changed(
    previewed: tuple[Path, Preview],
) -> None:
    root, preview = previewed
    docs = root / "directory"
    untouched = docs / "communities" / "secops-peers.md"
    before = untouched.stat().st_mtime_ns
    describe(root, "Members trade zygodactyl notes.")
    assert preview.update_communities() == {"communities/acme-community.md"}
    assert "zygodactyl" in (docs / "communities" / "acme-community.md").read_text("utf-8")
    rest = preview.update_the_rest(never)
    assert rest is not None
    assert "api/communities.json" in rest
    assert not any(path.startswith("communities/") for path in rest)
    assert untouched.stat().st_mtime_ns == before
    assert preview.update_communities() == set()


def test_a_renamed_entry_updates_the_pages_that_link_to_it(
    previewed: tuple[Path, Preview],
) -> None:
    root, preview = previewed
    entry = root / ENTRY
    entry.write_text(entry.read_text("utf-8").replace("name: Acme Community", "name: Acme Hub"))
    written = preview.update_communities()
    # Its sibling lists it by name.
    assert {"communities/acme-community.md", "communities/acme-developers.md"} <= written


def test_a_removed_entry_goes_from_the_docs_folder(previewed: tuple[Path, Preview]) -> None:
    root, preview = previewed
    (root / "data" / "communities" / "secops-peers.yml").unlink()
    preview.update_communities()
    rest = preview.update_the_rest(never)
    assert rest is not None and "communities/secops-peers.md" in rest
    assert not (root / "directory" / "communities" / "secops-peers.md").exists()


def test_a_newer_change_interrupts_the_rest(previewed: tuple[Path, Preview]) -> None:
    root, preview = previewed
    describe(root, "Interrupted.")
    preview.update_communities()
    assert preview.update_the_rest(lambda: True) is None
    rest = preview.update_the_rest(never)
    assert rest is not None and "api/communities.json" in rest


def test_bad_data_is_refused_and_keeps_the_pages(previewed: tuple[Path, Preview]) -> None:
    root, preview = previewed
    page = root / "directory" / "communities" / "acme-community.md"
    kept = page.read_text("utf-8")
    entry = root / ENTRY
    entry.write_text(entry.read_text("utf-8") + "founded: soon\n", "utf-8")
    with pytest.raises(DataError) as raised:
        preview.update_communities()
    assert any("acme-community.yml" in str(problem) for problem in raised.value.problems)
    assert page.read_text("utf-8") == kept


def test_a_build_after_a_preview_cleans_the_docs_folder(
    previewed: tuple[Path, Preview],
) -> None:
    root, _ = previewed
    site = build_project(root)
    assert (site / "feed.xml").is_file()
    assert not (root / "directory" / "feed.xml").exists()


# --- served, in a browser ------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, LivePreview]]:
    root = make_project(tmp_path)
    address = f"127.0.0.1:{free_port()}"
    with contextlib.chdir(root):
        live = LivePreview(
            Path("data"), Path("directory"), Path("mkdocs.yml"), tmp_path / "site", address
        )
        thread = threading.Thread(target=live.run, daemon=True)
        thread.start()
        url = f"http://{address}/"
        _wait_until_served(url + "communities/acme-community/")
        try:
            yield root, url, live
        finally:
            live.stop()
            thread.join(30)


def _wait_until_served(url: str) -> None:
    end = time.monotonic() + 120
    while time.monotonic() < end:
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=5) as response:
            if response.status == 200:
                return
        time.sleep(0.2)
    raise AssertionError(f"{url} was not served")


class Messages(logging.Handler):
    """The preview's log messages, caught at its own logger (the CLI's set-up of MkDocs'
    loggers, run by other tests, may stop them from reaching the root logger)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture
def preview_log() -> Iterator[list[str]]:
    handler = Messages()
    logger = logging.getLogger("mkdocs.biglist")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


@pytest.mark.browser
@pytest.mark.slow
def test_an_edit_shows_up_in_the_browser_and_a_bad_one_keeps_the_page(
    served: tuple[Path, str, LivePreview], browser: Any, preview_log: list[str]
) -> None:
    root, url, _ = served
    page = browser.new_page()
    page.goto(url + "communities/acme-community/")
    describe(root, "Members trade zygodactyl notes.")
    # The preview reloads the page by itself (MkDocs' live reload script).
    page.wait_for_function("() => document.body.innerText.includes('zygodactyl')", timeout=60_000)
    assert "zygodactyl" in page.inner_text("article")
    entry = root / ENTRY
    entry.write_text(entry.read_text("utf-8") + "founded: soon\n", "utf-8")
    end = time.monotonic() + 60
    while not any("founded" in message for message in preview_log):
        assert time.monotonic() < end, preview_log
        time.sleep(0.1)
    assert any("acme-community.yml" in message for message in preview_log)
    page.reload()
    assert "zygodactyl" in page.inner_text("article")
    page.close()


@pytest.mark.slow
def test_reading_files_is_no_change(served: tuple[Path, str, LivePreview]) -> None:
    root, _, live = served
    time.sleep(1)
    builds = live.builds
    for path in [root / "mkdocs.yml", root / ENTRY, *(root / "directory").glob("*.md")]:
        path.read_bytes()
    time.sleep(1.5)
    assert live.builds == builds


def test_the_entry_cache_reads_only_files_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.catalog import validation

    root = make_project(tmp_path)
    cache = validation.EntryCache()
    first = validation.load_catalog(root / "data", cache=cache).by_slug()
    checked: list[str] = []
    real = validation.check_entry_files

    def counting(paths: Any, *args: Any) -> Any:
        checked.extend(path.name for path in paths)
        return real(paths, *args)

    monkeypatch.setattr(validation, "check_entry_files", counting)
    describe(root, "Changed.")
    second = validation.load_catalog(root / "data", cache=cache).by_slug()
    assert checked == ["acme-community.yml"]
    assert second["secops-peers"] is first["secops-peers"]
    assert second["acme-community"].community.description == "Changed."
    vocabulary = root / "data" / "types.yml"
    vocabulary.write_text(vocabulary.read_text("utf-8") + "\n", "utf-8")
    validation.load_catalog(root / "data", cache=cache)
    assert len(checked) == 1  # same vocabularies, same context: nothing to read again
    text = vocabulary.read_text("utf-8").replace("label: Customer support", "label: Support")
    vocabulary.write_text(text, "utf-8")
    validation.load_catalog(root / "data", cache=cache)
    assert len(checked) == 1 + 3  # other vocabularies: every entry is checked again
