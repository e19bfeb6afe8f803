"""Time `biglist validate` against just parsing the same files with PyYAML's C loader.

    python bench/validate_scale.py [N ...] [--repeat R] [--keep DIR]   (default: N = 10000)

For each N: write N synthetic entries (bench/synthetic.py) into a data folder (kept under
`--keep DIR` and reused when already there, since writing 10,000 files takes a while), then in
the same run time, as subprocesses of the same interpreter:

- `python -c pass`: interpreter start-up, the floor of any command;
- a bare `yaml.CSafeLoader` parse of every entry file (no lines, no checks): the baseline;
- `biglist validate` as it runs (worker processes when cores are idle), and pinned to one
  core (so always in one process).

Each is run R times (default 3) and the best wall time is kept, so a busy moment on a shared
machine spoils one sample, not the figure. Prints the times, CPU, peak memory and the ratio of
validate to the bare parse; the load average is printed first, since the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.measure import timed
from bench.synthetic import write_data

BIN = Path(sys.executable).parent
BARE_PARSE = """
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).iterdir()):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
"""


def best(
    command: list[str], cwd: Path, repeat: int, one_core: bool = False
) -> tuple[float, float, float]:
    samples = [timed(command, cwd, one_core) for _ in range(repeat)]
    return min(samples, key=lambda sample: sample[0])


def prepared(count: int, keep: Path | None, scratch: Path) -> Path:
    """A project folder holding `count` synthetic entries under data/."""
    root = (keep or scratch) / f"validate-{count}"
    communities = root / "data" / "communities"
    if not (communities.is_dir() and sum(1 for _ in communities.iterdir()) == count):
        write_data(root / "data", count)
    return root


def measure(count: int, repeat: int, keep: Path | None) -> None:
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="biglist-bench-") as folder:
        root = prepared(count, keep, Path(folder))
        communities = str(root / "data" / "communities")
        python = sys.executable
        validate = [str(BIN / "biglist"), "validate"]
        rows = [
            ("python -c pass", best([python, "-c", "pass"], root, repeat)),
            ("bare CSafeLoader parse", best([python, "-c", BARE_PARSE, communities], root, repeat)),
            ("biglist validate", best(validate, root, repeat)),
            ("biglist validate, 1 core", best(validate, root, repeat, one_core=True)),
        ]
    load = f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after"
    print(f"N={count} entries, best of {repeat}; load average {load} ({os.cpu_count()} CPUs)")
    for label, (wall, cpu, peak) in rows:
        print(f"  {label:24}{wall:8.2f} s wall {cpu:8.2f} s CPU   peak {peak:6.0f} MB")
    parse = rows[1][1]
    for label, (wall, cpu, _) in rows[2:]:
        print(f"  {label + ' / parse':32}{wall / parse[0]:6.2f} wall {cpu / parse[1]:8.2f} CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, default=[10_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="Keep (and reuse) generated data here.")
    args = parser.parse_args()
    for count in args.counts:
        measure(count, max(args.repeat, 1), args.keep)


if __name__ == "__main__":
    main()
