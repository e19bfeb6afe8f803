"""Auditors nobody here wrote, run on what we publish: the W3C Nu HTML Checker over every page
of a built site, and axe-core in Debian's Chromium on every kind of page, at desktop and phone
widths, in light and dark mode."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from support import REPO, Opener

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"

# Errors in Material's own templates, not in markup we write or override; each is matched by
# its message and the element it names, so the same message on any other element still fails.
MATERIAL_ERRORS = (
    # base.html: the drawer and search toggles are checkboxes with autocomplete="off" (kept by
    # Material against Firefox restoring their state on reload).
    (
        "Attribute “autocomplete” is only allowed when the input type is",
        'class="md-toggle"',
    ),
    # partials/toc.html: a page outside the nav has a table of contents whose title labels the
    # `__toc` toggle, which only nav-item.html draws, for pages in the nav.
    (
        "The value of the “for” attribute of the “label” element must be the ID of a "
        "non-hidden form control.",
        'for="__toc"',
    ),
)


def nu_messages(site: Path) -> list[dict[str, Any]]:
    """Every message of one Nu checker run (one JVM) over all of the site's pages."""
    java = shutil.which("java")
    if java is None or not VNU.exists():
        pytest.skip("needs Java (default-jre-headless) and npm vnu-jar (make node_modules)")
    pages = sorted(str(path) for path in site.rglob("*.html"))
    result = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--exit-zero-always", *pages],
        capture_output=True,
        text=True,
        check=True,
    )
    return list(json.loads(result.stderr)["messages"])


def is_material(message: dict[str, Any]) -> bool:
    text, extract = message.get("message", ""), message.get("extract", "")
    return any(text.startswith(kind) and marker in extract for kind, marker in MATERIAL_ERRORS)


def is_error(message: dict[str, Any]) -> bool:
    return message["type"] in ("error", "non-document-error")


def located(message: dict[str, Any]) -> str:
    return f"{message.get('url')}:{message.get('lastLine')}: {message['message']}"


def test_nu_checker_finds_no_error_in_our_markup(synthetic_site: Path) -> None:
    messages = nu_messages(synthetic_site)
    pages = len(list(synthetic_site.rglob("*.html")))
    checked = {message.get("url") for message in messages}
    assert pages > 250 and len(checked) > 1  # every page went through, Material's errors too
    errors = [located(m) for m in messages if is_error(m) and not is_material(m)]
    assert errors == [], "\n".join(errors[:40])


# --- axe-core ------------------------------------------------------------------------------

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PAGE_KINDS = {
    "home": "",
    "plain list page": "all/2/",
    "community": "communities/tom-and-jerry/",
    "facet": "industries/cybersecurity/",
    "browse": "browse/",
    "sponsor": "sponsors/",
    "stats": "stats/",
    "changes": "changes/",
    "submit": "submit/",
    "about": "about/",
    "health": "health/",
    "api": "api/",
}


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} {node['failureSummary']}"
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]


def open_everything(page: Any) -> None:
    """Unfold the list's facets, so their contents are audited too."""
    page.eval_on_selector_all("details", "all => all.forEach(d => { d.open = true; })")


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "390px"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_any_kind_of_page(
    open_page: Opener, synthetic_site: Path, viewport: dict[str, int], scheme: str
) -> None:
    if not AXE.exists():
        pytest.skip("needs npm axe-core (make node_modules)")
    sponsor = min(path.name for path in (synthetic_site / "sponsors").iterdir() if path.is_dir())
    found = {}
    for kind, path in PAGE_KINDS.items():
        path = path.replace("sponsors/", f"sponsors/{sponsor}/")
        page = open_page(path, viewport=viewport, color_scheme=scheme)
        open_everything(page)
        found[kind] = serious_violations(page)
        page.context.close()
    assert found == {kind: [] for kind in PAGE_KINDS}


@pytest.mark.browser
@pytest.mark.slow
def test_on_a_phone_no_page_and_no_table_is_wider_than_the_screen(open_page: Opener) -> None:
    wide = {}
    for path in ("", "stats/", "changes/", "api/", "health/", "communities/tom-and-jerry/"):
        page = open_page(path, viewport=PHONE)
        widths = page.evaluate(
            "[document.documentElement.scrollWidth,"
            " ...[...document.querySelectorAll('article table')].map(t => t.scrollWidth)]"
        )
        if max(widths) > PHONE["width"]:
            wide[path] = widths
        page.context.close()
    assert wide == {}


def test_every_image_has_its_size_so_nothing_jumps_when_it_loads(synthetic_site: Path) -> None:
    unsized = [
        f"{page.relative_to(synthetic_site)}: {tag}"
        for page in synthetic_site.rglob("*.html")
        for tag in re.findall(r"<img\b[^>]*>", page.read_text("utf-8"))
        if not (re.search(r"\swidth=", tag) and re.search(r"\sheight=", tag))
    ]
    assert unsized == []


def test_the_sitemap_every_page_fetches_is_a_small_index_of_the_full_one(
    synthetic_site: Path,
) -> None:
    """Material's script fetches /sitemap.xml for any <link rel=alternate> (the Atom feed's)
    and parses its <url> entries: that must not grow with the list."""
    index = (synthetic_site / "sitemap.xml").read_text("utf-8")
    assert "<url>" not in index and index.count("<sitemap>") == 1
    assert re.search(r"<loc>https?://[^<]+/sitemap-pages\.xml</loc>", index)
    pages = (synthetic_site / "sitemap-pages.xml").read_text("utf-8")
    assert pages.count("<url>") == len(list(synthetic_site.rglob("index.html")))
