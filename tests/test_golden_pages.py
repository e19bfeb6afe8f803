"""Golden files: the generated Markdown of the sample data, page for page.

A change in a template or a view model shows up here as a readable diff. After an intended
change, refresh the files with `BIGLIST_UPDATE_GOLDEN=1 pytest tests/test_golden_pages.py`.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from generator.catalog.validation import load_catalog
from generator.site.building import render_site

GOLDEN = Path(__file__).parent / "golden"
SAMPLE_DATA = Path(__file__).parent / "fixtures" / "sample-data"
PAGES = [
    "communities/acme-community.md",
    "communities/secops-peers.md",
    "industries/enterprise-software.md",
    "sponsors/acme.md",
    "browse.md",
]
CLOCK = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def rendered() -> dict[str, str | bytes]:
    catalog = load_catalog(SAMPLE_DATA, today=CLOCK.date())
    return render_site(catalog, generated_at=CLOCK)


@pytest.mark.parametrize("page", PAGES)
def test_page_matches_its_golden_file(rendered: dict[str, str | bytes], page: str) -> None:
    golden = GOLDEN / page
    actual = str(rendered[page])
    if os.environ.get("BIGLIST_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, "utf-8")
    assert actual == golden.read_text("utf-8")
