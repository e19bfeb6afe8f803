"""Safe YAML loading: values, lines, and every way a file can be wrong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.catalog.loading import MAX_FILE_BYTES, Document, load_yaml_bytes, load_yaml_file


def load(raw: bytes) -> Document:
    return load_yaml_bytes(raw, Document("entry.yml"))


def messages(doc: Document) -> list[str]:
    return [str(problem) for problem in doc.problems]


def test_values_and_lines_are_kept() -> None:
    doc = load(
        b"name: Acme\nsources:\n  - https://a.test/\n  - https://b.test/\nadded: 2024-01-02\n"
    )
    assert doc.value == {
        "name": "Acme",
        "sources": ["https://a.test/", "https://b.test/"],
        "added": dt.date(2024, 1, 2),
    }
    assert doc.line_of(("sources", 1)) == 4
    assert doc.line_of(("added",)) == 5
    assert doc.line_of(("missing",)) == 1


def test_nested_location_falls_back_to_its_parent() -> None:
    doc = load(b"name: x\ntypes: [a, b]\n")
    assert doc.line_of(("types", 7)) == 2


def test_duplicate_key_is_reported_at_second_occurrence() -> None:
    doc = load(b"name: a\nurl: b\n\nname: c\n")
    assert messages(doc) == ["entry.yml:4: name: duplicate key"]


def test_byte_order_mark_is_accepted() -> None:
    assert load(b"\xef\xbb\xbfname: x\n").value == {"name": "x"}


def test_bytes_that_are_not_utf8_name_the_line_of_the_first_bad_byte() -> None:
    doc = load(b"name: ok\nsponsor: caf\xe9\n")
    assert messages(doc) == ["entry.yml:2: -: file is not valid UTF-8 (byte 0xe9 at column 13)"]


def test_syntax_error_names_line_and_column() -> None:
    doc = load(b"name: ok\ntypes: [a\nurl: x\n")
    assert len(doc.problems) == 1
    assert doc.problems[0].line == 3
    assert "column" in doc.problems[0].message


@pytest.mark.parametrize(
    "raw",
    [
        b"a: !!python/object/apply:os.system ['echo hi']\n",
        b"a: !!python/object:os.system {}\n",
        b"a: !custom value\n",
    ],
)
def test_tags_are_never_executed(raw: bytes) -> None:
    doc = load(raw)
    assert doc.value is None
    assert "not allowed" in doc.problems[0].message or "unsupported" in doc.problems[0].message


def test_alias_bomb_is_refused_quickly() -> None:
    levels = [b'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 12):
        refs = ",".join([f"*a{level - 1}"] * 9).encode()
        levels.append(f"a{level}: &a{level} [".encode() + refs + b"]")
    doc = load(b"\n".join(levels) + b"\n")
    assert doc.value is None
    assert "aliases are not allowed" in doc.problems[0].message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"name: &n Acme\nsponsor: *n\n", "entry.yml:2: sponsor: "),
        (b"&k name: Acme\nsponsor: *k\n", "entry.yml:2: sponsor: "),
        (b"name: &n Acme\n*n : x\n", "entry.yml:1: -: "),
        (b"types:\n  - &t a\n  - *t\n", "entry.yml:2: types.1: "),
    ],
)
def test_every_alias_is_refused_also_of_a_key(raw: bytes, expected: str) -> None:
    doc = load(raw)
    assert doc.value is None
    assert messages(doc) == [expected + "YAML anchors and aliases are not allowed in entries"]


def test_star_in_text_is_not_an_alias() -> None:
    doc = load(b'name: "5* support"\ndescription: rated 5* by peers\n')
    assert doc.value == {"name": "5* support", "description": "rated 5* by peers"}
    assert not doc.problems


def test_deep_nesting_is_refused() -> None:
    doc = load(b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n")
    assert doc.value is None and doc.problems


def test_oversized_file_is_refused_without_parsing() -> None:
    doc = load(b"name: " + b"x" * MAX_FILE_BYTES)
    assert doc.problems[0].message.startswith("file is too large")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "file is empty"),
        (b"# only a comment\n", "file is empty"),
        (b"[a]: b\n", "every key must be plain text"),
    ],
)
def test_whole_file_problems_are_on_line_1(raw: bytes, message: str) -> None:
    assert messages(load(raw)) == [f"entry.yml:1: -: {message}"]


def test_control_character_is_located() -> None:
    assert messages(load(b"name: ok\nsponsor: a\x07b\n")) == [
        "entry.yml:2: -: character U+0007 at column 11 is not allowed in YAML"
    ]


def test_second_document_is_refused() -> None:
    doc = load(b"name: a\n---\nname: b\n")
    assert doc.problems[0].line == 2
    assert "second YAML document" in doc.problems[0].message


def test_yaml_11_yes_no_words_stay_text() -> None:
    assert load(b"languages: [no, on]\nfeatured: true\n").value == {
        "languages": ["no", "on"],
        "featured": True,
    }


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (b"a: 2008", 2008),
        (b"a: '2008'", "2008"),
        (b"a: 2008.5", 2008.5),
        (b"a: 2024-02-29", dt.date(2024, 2, 29)),
        (b"a: ~", None),
        (b"a:", None),
        (b"a: False", False),
        (b"a: 0x1F", "0x1F"),
        (b"a: 1_000", "1_000"),
        (b"a: >\n  folded\n  text\n", "folded text\n"),
    ],
)
def test_plain_scalars_follow_a_small_core_schema(raw: bytes, value: object) -> None:
    assert load(raw).value == {"a": value}


def test_impossible_date_is_refused_on_its_line() -> None:
    assert messages(load(b"name: x\nadded: 2024-02-30\n")) == [
        "entry.yml:2: added: 2024-02-30 is not a valid date"
    ]


def test_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    doc = load_yaml_file(tmp_path / "absent.yml")
    assert doc.problems[0].message.startswith("cannot read file")
