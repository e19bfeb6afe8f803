"""Synthetic but valid Big List projects of any size, for benchmarks and scale tests.

The vocabularies are the shipped ones (data/*.yml) when present, else the test sample's; entries
are random but deterministic (seeded) and pass `biglist validate`.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml

from generator.site.docs import copy_hand_written

REPO = Path(__file__).resolve().parents[1]
VOCABULARIES = ("industries", "types", "access", "platforms", "sizes")
WORDS = [
    "customers",
    "partners",
    "developers",
    "admins",
    "analysts",
    "engineers",
    "marketers",
    "founders",
    "operators",
    "peers",
    "practitioners",
    "buyers",
    "questions",
    "answers",
    "ideas",
    "releases",
    "webinars",
    "meetups",
    "playbooks",
    "benchmarks",
    "integrations",
    "security",
    "compliance",
    "analytics",
    "cloud",
    "data",
    "pipeline",
    "support",
]


def vocabulary_source() -> Path:
    shipped = REPO / "data"
    if all((shipped / f"{name}.yml").is_file() for name in VOCABULARIES):
        return shipped
    return REPO / "tests" / "fixtures" / "sample-data"


def make_project(root: Path, count: int, seed: int = 42) -> Path:
    """Create `root` with mkdocs.yml, the hand-written docs and `count` synthetic entries."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    copy_hand_written(REPO / "directory", root / "directory")
    write_data(root / "data", count, seed)
    return root


def write_data(data: Path, count: int, seed: int = 42) -> None:
    (data / "communities").mkdir(parents=True, exist_ok=True)
    source = vocabulary_source()
    ids = {}
    for name in VOCABULARIES:
        shutil.copy(source / f"{name}.yml", data / f"{name}.yml")
        ids[name] = [term["id"] for term in yaml.safe_load((source / f"{name}.yml").read_text())]
    rng = random.Random(seed)
    for number in range(count):
        entry = synthetic_entry(number, rng, ids)
        text = yaml.safe_dump(entry, sort_keys=False, allow_unicode=True)
        (data / "communities" / f"community-{number:05d}.yml").write_text(text, "utf-8")


def synthetic_entry(
    number: int, rng: random.Random, ids: dict[str, list[str]]
) -> dict[str, object]:
    # About one entry in seven shares its sponsor with two siblings, as in the shipped data.
    sponsor = f"Vendor {number // 20:04d}" if number % 20 < 3 else f"Vendor {number:05d}-solo"
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(18, 40)))
    entry: dict[str, object] = {
        "name": f"Community {number:05d} {rng.choice(WORDS).title()}",
        "url": f"https://c{number}.community-{number % 997}.test/",
        "sponsor": sponsor,
        "description": f"Where {words}.",
        "industry": rng.choice(ids["industries"]),
        "audience": f"{rng.choice(WORDS).title()} and {rng.choice(WORDS)}",
        "types": rng.sample(ids["types"], k=rng.randint(1, 2)),
        "access": rng.choice(ids["access"]),
        "platform": rng.choice(ids["platforms"]),
        "founded": rng.randint(1995, 2025),
        "size": rng.choice(ids["sizes"]),
        "languages": ["en"],
        "featured": number % 250 == 0,
        "sources": [f"https://c{number}.community-{number % 997}.test/about"],
        "added": f"{rng.randint(2011, 2026)}-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}",
    }
    if number % 50 == 0:
        entry["big_list"] = [rng.choice([2011, 2014, 2016])]
    return entry
