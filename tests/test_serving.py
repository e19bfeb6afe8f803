"""`biglist serve`'s regeneration: the preview's docs folder gets the pages, the exports and a
search index, and a later build cleans them out of the docs folder again."""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path

import pytest

from generator.site.docs import MANIFEST
from generator.site.serving import _regenerate_quietly, regenerate
from tests.support import build_project, make_project


@pytest.fixture
def previewed(tmp_path: Path) -> Path:
    root = make_project(tmp_path)
    with contextlib.chdir(root):
        regenerate(Path("data"), Path("directory"), Path("mkdocs.yml"))
    return root


def test_the_preview_has_pages_exports_and_search(previewed: Path) -> None:
    docs = previewed / "directory"
    assert (docs / "communities" / "acme-community.md").is_file()
    assert (docs / "feed.xml").is_file()
    entry = json.loads((docs / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert sum(language["page_count"] for language in entry["languages"].values()) > 3
    manifest = json.loads((docs / MANIFEST).read_text("utf-8"))
    assert "pagefind/pagefind-entry.json" in json.dumps(manifest)


def test_a_build_after_a_preview_cleans_the_docs_folder(previewed: Path) -> None:
    site = build_project(previewed)
    assert (site / "pagefind" / "pagefind-entry.json").is_file()
    assert (site / "feed.xml").is_file()
    docs = previewed / "directory"
    assert not (docs / "pagefind").exists()
    assert not (docs / "feed.xml").exists()


def test_bad_data_while_previewing_is_reported_and_keeps_the_pages(
    previewed: Path, caplog: pytest.LogCaptureFixture
) -> None:
    entry = previewed / "data" / "communities" / "acme-community.yml"
    entry.write_text(entry.read_text("utf-8") + "founded: soon\n", "utf-8")
    with contextlib.chdir(previewed), caplog.at_level(logging.WARNING, "mkdocs.biglist"):
        _regenerate_quietly(Path("data"), Path("directory"), Path("mkdocs.yml"))
    assert any(
        "acme-community.yml" in message and "founded" in message for message in caplog.messages
    )
    assert (previewed / "directory" / "communities" / "acme-community.md").is_file()
