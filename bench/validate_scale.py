"""Time `biglist validate` against just parsing the same files with PyYAML's C loader.

    python bench/validate_scale.py [N ...] [--repeat R] [--keep DIR]   (default: N = 10000)

For each N: write N synthetic entries (bench/synthetic.py) into a data folder (kept under
`--keep DIR` and reused when already there, since writing 10,000 files takes a while), then in
the same run time, as subprocesses of the same interpreter:

- `python -c pass`: interpreter start-up, the floor of any command;
- a bare `yaml.CSafeLoader` parse of every entry file (no lines, no checks): the baseline;
- `biglist validate`.

Each is run R times (default 3) and the best wall time is kept, so a busy moment on a shared
machine spoils one sample, not the figure. Prints the times, CPU, peak memory and the ratio of
validate to the bare parse; the load average is printed first, since the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.synthetic import write_data

BIN = Path(sys.executable).parent
BARE_PARSE = """
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).iterdir()):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
"""


def timed(command: list[str], cwd: Path, expect: int = 0) -> tuple[float, float, float]:
    """Run a command; return wall seconds, CPU seconds and peak RSS in MB."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != expect:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed:\n{error}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def best(command: list[str], cwd: Path, repeat: int) -> tuple[float, float, float]:
    return min((timed(command, cwd) for _ in range(repeat)), key=lambda sample: sample[0])


def prepared(count: int, keep: Path | None, scratch: Path) -> Path:
    """A project folder holding `count` synthetic entries under data/."""
    root = (keep or scratch) / f"validate-{count}"
    communities = root / "data" / "communities"
    if not (communities.is_dir() and sum(1 for _ in communities.iterdir()) == count):
        write_data(root / "data", count)
    return root


def measure(count: int, repeat: int, keep: Path | None) -> None:
    with tempfile.TemporaryDirectory(prefix="biglist-bench-") as folder:
        root = prepared(count, keep, Path(folder))
        communities = str(root / "data" / "communities")
        python = sys.executable
        rows = [
            ("python -c pass", best([python, "-c", "pass"], root, repeat)),
            ("bare CSafeLoader parse", best([python, "-c", BARE_PARSE, communities], root, repeat)),
            ("biglist validate", best([str(BIN / "biglist"), "validate"], root, repeat)),
        ]
    print(f"N={count} entries, best of {repeat}; load average {os.getloadavg()[0]:.2f}")
    for label, (wall, cpu, peak) in rows:
        print(f"  {label:24}{wall:8.2f} s wall {cpu:8.2f} s CPU   peak {peak:6.0f} MB")
    ratio = rows[2][1][0] / rows[1][1][0]
    print(f"  ratio validate/parse    {ratio:8.2f} wall {rows[2][1][1] / rows[1][1][1]:8.2f} CPU")


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
