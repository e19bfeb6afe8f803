"""Time `biglist build` against a bare `mkdocs build` of the same generated pages.

    python bench/build_scale.py [N ...]        (default: 10000)

For each N: generate N synthetic entries in a temporary project, time `biglist validate`,
`biglist build --strict` (validate + render + mkdocs) and then, in the same run, a bare
`mkdocs build --strict` of the very pages our build generated. Prints times, the ratio and each
command's peak memory (max RSS of that process).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synthetic import make_project

BIN = Path(sys.executable).parent


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Run a command; return (wall seconds, peak RSS in MB) of that process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed:\n{error}")
    return elapsed, usage.ru_maxrss / 1024


def measure(count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="biglist-bench-") as folder:
        root = make_project(Path(folder) / "project", count)
        validate_s, validate_mb = timed([str(BIN / "biglist"), "validate"], root)
        ours_s, ours_mb = timed([str(BIN / "biglist"), "build", "--strict"], root)
        bare_s, bare_mb = timed(
            [str(BIN / "mkdocs"), "build", "--strict", "-q", "-d", "site-bare"], root
        )
        pages = sum(1 for _ in (root / "directory").rglob("*.md"))
    print(f"N={count} entries, {pages} Markdown pages")
    print(f"  biglist validate        {validate_s:7.2f} s   peak {validate_mb:6.0f} MB")
    print(f"  biglist build --strict  {ours_s:7.2f} s   peak {ours_mb:6.0f} MB")
    print(f"  bare mkdocs build       {bare_s:7.2f} s   peak {bare_mb:6.0f} MB")
    print(f"  ratio biglist/mkdocs    {ours_s / bare_s:7.2f}")


def main() -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    for count in [int(arg) for arg in sys.argv[1:]] or [10_000]:
        measure(count)


if __name__ == "__main__":
    main()
