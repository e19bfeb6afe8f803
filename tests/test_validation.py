"""Validation of entries and vocabularies: every problem, located, in one run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.catalog.validation import load_catalog
from generator.errors import DataError

TODAY = dt.date(2026, 11, 25)
MINIMAL = "name: {name}\nurl: {url}\nsources: [https://src.test/]\nadded: 2026-01-01\n"


def write(data: Path, slug: str, text: str) -> Path:
    path = data / "communities" / f"{slug}.yml"
    path.write_text(text, "utf-8")
    return path


def problems(data: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_catalog(data, today=TODAY)
    return [str(problem) for problem in caught.value.problems]


def at(data: Path, slug: str) -> str:
    """The display path of an entry, relative to the current directory as users see it."""
    path = data / "communities" / f"{slug}.yml"
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def test_sample_data_is_valid(sample_data: Path) -> None:
    catalog = load_catalog(sample_data, today=TODAY)
    assert [entry.slug for entry in catalog.entries] == [
        "acme-community",
        "acme-developers",
        "secops-peers",
    ]


def test_every_problem_is_reported_with_its_line(sample_data: Path) -> None:
    write(
        sample_data,
        "broken",
        "name: Broken <b>bold</b>\n"
        "url: javascript:alert(1)\n"
        "industry: enterprise-sofware\n"
        "types: [support, nonsense]\n"
        "founded: 1890\n"
        "colour: blue\n"
        "sources: []\n"
        "added: 2099-01-01\n",
    )
    path = at(sample_data, "broken")
    found = problems(sample_data)
    assert f"{path}:1: name: HTML tags are not allowed; write plain text" in found
    assert f"{path}:2: url: URL must start with http:// or https://" in found
    assert any(
        line.startswith(f"{path}:3: industry: unknown value 'enterprise-sofware'; did you mean")
        for line in found
    )
    assert any(line.startswith(f"{path}:4: types: unknown value 'nonsense'") for line in found)
    assert f"{path}:5: founded: must be a year from 1970 to 2026" in found
    assert any(line.startswith(f"{path}:6: colour: unknown field") for line in found)
    assert any(line.startswith(f"{path}:7: sources:") for line in found)
    assert f"{path}:8: added: 2099-01-01 is in the future" in found


def test_missing_required_fields_are_on_line_1(sample_data: Path) -> None:
    write(sample_data, "bare", "name: Bare\n")
    path = at(sample_data, "bare")
    assert problems(sample_data) == [
        f"{path}:1: added: required field is missing",
        f"{path}:1: sources: required field is missing",
        f"{path}:1: url: required field is missing",
    ]


@pytest.mark.parametrize("file_name", ["Bad_Name.yml", "trailing-.yml", "entry.yaml", "notes.txt"])
def test_bad_file_names_are_refused(sample_data: Path, file_name: str) -> None:
    (sample_data / "communities" / file_name).write_text(
        MINIMAL.format(name="Odd", url="https://odd.test/"), "utf-8"
    )
    (only,) = problems(sample_data)
    assert only.split(":")[1:3] == ["1", " -"]


def test_url_collision_is_reported_on_the_later_file(sample_data: Path) -> None:
    write(sample_data, "zz-copy", MINIMAL.format(name="Copy", url="HTTP://WWW.Secops.test:80"))
    assert problems(sample_data) == [
        f"{at(sample_data, 'zz-copy')}:2: url: same url as "
        f"{at(sample_data, 'secops-peers')} (https://secops.test/)"
    ]


def test_name_collision_is_case_insensitive(sample_data: Path) -> None:
    write(sample_data, "zz-name", MINIMAL.format(name="secops PEERS", url="https://other.test/"))
    (only,) = problems(sample_data)
    assert only.startswith(f"{at(sample_data, 'zz-name')}:1: name: same name as ")


def test_related_must_exist_and_not_be_itself(sample_data: Path) -> None:
    write(
        sample_data,
        "lonely",
        MINIMAL.format(name="Lonely", url="https://lonely.test/")
        + "related:\n  - lonely\n  - nowhere\n",
    )
    path = at(sample_data, "lonely")
    assert problems(sample_data) == [
        f"{path}:6: related.0: an entry cannot be related to itself",
        f"{path}:7: related.1: no entry named 'nowhere' (data/communities/nowhere.yml)",
    ]


def test_vocabulary_problems_are_reported(sample_data: Path) -> None:
    (sample_data / "access.yml").write_text("- id: Public\n  label: Public\n", "utf-8")
    found = problems(sample_data)
    assert any(line.startswith(f"{sample_data / 'access.yml'}:1: 0.id:") for line in found)
    assert any(":1: 0.description: required field is missing" in line for line in found)


def test_missing_vocabulary_file_is_reported(sample_data: Path) -> None:
    (sample_data / "sizes.yml").unlink()
    assert f"{sample_data / 'sizes.yml'}:1: -: vocabulary file not found" in problems(sample_data)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("description: |\n  One.\n\n  Two.\n", "must be a single paragraph"),
        (
            'sponsor: "a\\u202eb"\n',
            "invisible formatting character U+202E (right-to-left override) at column 2",
        ),
        ('sponsor: "a\\tb"\n', "control character U+0009 at column 2"),
        ("audience: " + "x" * 151 + "\n", "must be at most 150 characters (this one has 151)"),
        ("languages: [english]\n", "must be a language code such as `en` or `pt-BR`"),
        ("big_list: [2012]\n", "must be one of 2011, 2014 or 2016"),
        ("types: []\n", "list at least one type, or leave the field out"),
        ("types: [support, support]\n", "'support' is listed twice"),
        ("feeds: ['ftp://x.test/feed']\n", "URL must start with http:// or https://"),
        ("sources: ['https://user:pw@x.test/']\n", "must not contain a user name or password"),
        ("name: '   '\n", "must not be blank"),
    ],
)
def test_field_rules(sample_data: Path, line: str, message: str) -> None:
    key = line.split(":")[0]
    base = {
        "name": "name: Rules\n",
        "url": "url: https://rules.test/\n",
        "sources": "sources: [https://src.test/]\n",
        "added": "added: 2026-01-01\n",
    }
    base[key] = line
    write(sample_data, "rules", "".join(base.values()))
    found = problems(sample_data)
    assert any(message in problem for problem in found), found
