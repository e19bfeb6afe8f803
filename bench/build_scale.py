"""Time `biglist build` against a bare `mkdocs build` of the same generated pages.

    python bench/build_scale.py [N ...]        (default: 10000)

For each N: generate N synthetic entries in a temporary project, time `biglist validate`,
`biglist build --strict` (validate + render + mkdocs, with the exports and search index made
beside it) and then, in the same run, a bare `mkdocs build --strict` of the very docs folder our
build generated. The bare build is plain MkDocs: it renders every page's theme in full and runs
Python-Markdown on every page, where ours reuses the theme parts alike on thousands of pages and
skips Markdown for pages that are one HTML block (generator/site/mkdocs_plugins.py), so ours can be
the faster. Prints times, the ratio and each command's peak memory (max RSS of the process and
of its largest child).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.measure import timed
from bench.synthetic import make_project

BIN = Path(sys.executable).parent


def measure(count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="biglist-bench-") as folder:
        root = make_project(Path(folder) / "project", count)
        validate = timed([str(BIN / "biglist"), "validate"], root)
        ours = timed([str(BIN / "biglist"), "build", "--strict"], root)
        bare = timed([str(BIN / "mkdocs"), "build", "--strict", "-q", "-d", "site-bare"], root)
        pages = sum(1 for _ in (root / "directory").rglob("*.md"))
    print(f"N={count} entries, {pages} Markdown pages")
    for label, (wall, cpu, peak) in (
        ("biglist validate", validate),
        ("biglist build --strict", ours),
        ("bare mkdocs build", bare),
    ):
        print(f"  {label:24}{wall:8.2f} s wall {cpu:8.2f} s CPU   peak {peak:6.0f} MB")
    print(f"  ratio biglist/mkdocs    {ours[0] / bare[0]:8.2f} wall {ours[1] / bare[1]:8.2f} CPU")


def main() -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    for count in [int(arg) for arg in sys.argv[1:]] or [10_000]:
        measure(count)


if __name__ == "__main__":
    main()
