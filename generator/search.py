"""Site search: a Pagefind index of the built site, served behind Material's search box.

Material's own search sends the browser one index of every page and builds it there: at
10,000 communities that is megabytes and seconds before the first result. Pagefind splits its
index into chunks and a query loads only the few it needs. The binary comes from the
`pagefind-bin` wheel; it indexes what `overrides/main.html` marks (`data-pagefind-body`) and
writes the bundle to `<site>/pagefind/`, where `assets/biglist-search.js` loads it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from generator.errors import BuildError

BUNDLE_DIR = "pagefind"
# Not worth finding: the badge's HTML snippet, heading anchors, the status line and buttons
# ("Visit the community" on every page would make that word match everything).
EXCLUDE_SELECTORS = ("pre", ".headerlink", ".biglist-status", ".md-button")
# Community pages and top-level pages. The long list pages (facets, sponsors, all/) are not
# indexed anyway (overrides/main.html); not even reading them saves a quarter of the time.
PAGES_GLOB = "{communities/*/index.html,*/index.html}"
TIMEOUT_SECONDS = 600


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


def index_site(site_dir: Path) -> None:
    """Write the search bundle into `site_dir`; raises BuildError if Pagefind fails."""
    command = [
        str(pagefind_binary()),
        "--site",
        str(site_dir),
        "--output-subdir",
        BUNDLE_DIR,
        "--glob",
        PAGES_GLOB,
        "--exclude-selectors",
        ", ".join(EXCLUDE_SELECTORS),
        "--silent",
    ]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BuildError(f"the search indexer (pagefind) could not run: {error}") from error
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise BuildError("the search indexer (pagefind) failed: " + " / ".join(detail))
