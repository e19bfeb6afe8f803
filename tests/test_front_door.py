"""What the data folder lets in: folded duplicates, publishable characters, only regular
files (bounded), and messages that echo contributed text without letting it act."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tracemalloc
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_validation import TODAY, problems, write

from generator.catalog.loading import MAX_FILE_BYTES, UnreadableFile, read_regular_file
from generator.catalog.models import one_line_text
from generator.catalog.text import name_key, unsafe_character, xml_can_carry
from generator.catalog.validation import load_catalog
from generator.cli import cli

ENTRY = "name: {name}\nurl: {url}\nsources: [https://src.test/]\nadded: 2026-01-01\n"


def entry(data: Path, slug: str, name: str, url: str) -> None:
    write(data, slug, ENTRY.format(name=name, url=url))


# --- duplicates after folding --------------------------------------------------------------


@pytest.mark.parametrize(
    "twin",
    ['"twin community."', '"TWIN   Community!"', '"Ｔｗｉｎ Community"', '"Twin Community ..."'],
)
def test_names_are_compared_after_folding(sample_data: Path, twin: str) -> None:
    entry(sample_data, "twin-a", "Twin Community", "https://a.twin.test/")
    entry(sample_data, "twin-b", twin, "https://b.twin.test/")
    found = problems(sample_data)
    assert any("twin-b.yml:1: name: same name as" in line for line in found), found


def test_a_zero_width_space_cannot_make_a_second_name(sample_data: Path) -> None:
    entry(sample_data, "twin-a", "Twin Community", "https://a.twin.test/")
    entry(sample_data, "twin-b", '"Twin\\u200b Community"', "https://b.twin.test/")
    found = problems(sample_data)
    assert any("twin-b.yml:1: name: invisible formatting character U+200B" in x for x in found)
    assert name_key("Twin\u200b Community") == name_key("Twin Community")


@pytest.mark.parametrize(
    "twin",
    [
        "https://www.twin.test/forum/?utm_source=newsletter&utm_medium=email",
        "http://TWIN.test:80/forum#latest",
        "https://twin.test:443/forum/?gclid=abc",
        "https://twin.test/forum?fbclid=x&mc_cid=y",
    ],
)
def test_urls_are_compared_after_normalising(sample_data: Path, twin: str) -> None:
    entry(sample_data, "twin-a", "Twin A", "https://twin.test/forum")
    entry(sample_data, "twin-b", "Twin B", twin)
    found = problems(sample_data)
    assert any("twin-b.yml:2: url: same url as" in line for line in found), found


def test_a_meaningful_query_keeps_urls_apart(sample_data: Path) -> None:
    entry(sample_data, "twin-a", "Twin A", "https://twin.test/forum?id=1")
    entry(sample_data, "twin-b", "Twin B", "https://twin.test/forum?id=2&utm_source=x")
    load_catalog(sample_data, today=TODAY)


# --- characters ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("escaped", "what"),
    [
        ("\\uFFFE", "noncharacter U+FFFE"),
        ("\\uFFFF", "noncharacter U+FFFF"),
        ("\\uFDD0", "noncharacter U+FDD0"),
        ("\\U0001FFFE", "noncharacter U+1FFFE"),
        ("\\u2028", "line separator U+2028"),
        ("\\u2029", "paragraph separator U+2029"),
        ("\\u200B", "invisible formatting character U+200B"),
        ("\\u200D", "invisible formatting character U+200D"),
        ("\\u202E", "invisible formatting character U+202E"),
        ("\\u2066", "invisible formatting character U+2066"),
        ("\\uFEFF", "invisible formatting character U+FEFF"),
        ("\\e[31m", "control character U+001B"),
        ("\\x85", "control character U+0085"),
        ("\\x07", "control character U+0007"),
    ],
)
@pytest.mark.parametrize("field", ["name", "sponsor", "audience", "description"])
def test_unpublishable_characters_are_refused(
    sample_data: Path, escaped: str, what: str, field: str
) -> None:
    text = ENTRY.format(name="Odd Hub", url="https://odd.test/")
    text += f'{field}: "Odd{escaped} Hub"\n' if field != "name" else ""
    if field == "name":
        text = text.replace("name: Odd Hub", f'name: "Odd{escaped} Hub"')
    write(sample_data, "odd", text)
    found = problems(sample_data)
    assert any(f": {field}: {what}" in line and "at column 4" in line for line in found), found


def test_a_lone_surrogate_is_refused() -> None:
    with pytest.raises(ValueError, match="lone surrogate"):
        one_line_text("a\ud800b")


def test_every_code_point_we_accept_is_one_xml_can_carry() -> None:
    accepted = [
        point
        for point in range(0x110000)
        if unsafe_character(chr(point)) is None and not xml_can_carry(chr(point))
    ]
    assert accepted == []


@pytest.mark.parametrize("url", ["https://odd.test/\\uffff", "https://odd.test/a\\u200bb"])
def test_urls_refuse_what_xml_cannot_carry(sample_data: Path, url: str) -> None:
    entry(sample_data, "odd", "Odd Hub", f'"{url}"')
    assert any(":2: url: URL must not contain" in line for line in problems(sample_data))


ODD_BUT_FINE = [
    "Ωmega ✓ Hub",
    "𝔘nicode & <3 ]]> Hub",
    "Private \ue000 use",
    "Emoji 👩🏽 Hub",
    "Tab-free 'quotes' \"here\"",
    "Ｆｕｌｌ width",
    "عربي Hub",
    "זה Hub",
]


def test_feed_and_badges_stay_well_formed_for_any_valid_entry(
    sample_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.site.building import render_site

    for number, name in enumerate(ODD_BUT_FINE):
        quoted = name.replace("\\", "\\\\").replace('"', '\\"')
        text = ENTRY.format(name=f'"{quoted}"', url=f"https://odd{number}.test/?a=1&b=<2>")
        text += f'sponsor: "{quoted}"\ndescription: "{quoted} & more"\n'
        write(sample_data, f"odd-{number}", text.replace("2026-01-01", "2026-11-24"))
    monkeypatch.chdir(tmp_path)
    files = render_site(load_catalog(sample_data, today=TODAY))
    xml_files = [path for path in files if path.endswith((".xml", ".svg"))]
    assert "feed.xml" in xml_files
    assert sum(path.startswith("badges/odd-") for path in xml_files) == len(ODD_BUT_FINE)
    for path in xml_files:
        content = files[path]
        ElementTree.fromstring(content if isinstance(content, bytes) else content.encode())


# --- special files -------------------------------------------------------------------------


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real command in its own process, so a read that blocks fails the test, not hangs."""
    return subprocess.run(
        [sys.executable, "-c", "from generator.cli import main; main()", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_a_fifo_in_the_data_folder_is_refused_without_blocking(sample_data: Path) -> None:
    os.mkfifo(sample_data / "communities" / "pipe.yml")
    result = run_cli("validate", "--data", str(sample_data), cwd=sample_data.parent)
    assert result.returncode == 1
    assert "pipe.yml:1: -: a named pipe (FIFO), not a regular file" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_link_to_a_device_is_refused_without_reading_it(sample_data: Path) -> None:
    link = sample_data / "communities" / "zero.yml"
    link.symlink_to("/dev/zero")
    found = problems(sample_data)
    assert any("zero.yml:1: -: symbolic link leads outside the data folder" in x for x in found)
    with pytest.raises(UnreadableFile, match="a character device, not a regular file"):
        read_regular_file(link, MAX_FILE_BYTES)  # even where links may lead anywhere


def test_a_link_leading_outside_the_data_folder_is_refused(
    sample_data: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.yml"
    outside.write_text(ENTRY.format(name="Outside", url="https://outside.test/"), "utf-8")
    (sample_data / "communities" / "outside.yml").symlink_to(outside)
    found = problems(sample_data)
    assert any("outside.yml:1: -: symbolic link leads outside the data folder" in x for x in found)


def test_a_link_inside_the_data_folder_is_read(sample_data: Path) -> None:
    kept = sample_data / "kept"
    kept.mkdir()
    (kept / "inside.yml").write_text(ENTRY.format(name="Inside", url="https://in.test/"), "utf-8")
    (sample_data / "communities" / "inside.yml").symlink_to(kept / "inside.yml")
    assert "inside" in load_catalog(sample_data, today=TODAY).by_slug()


def test_the_size_limit_holds_while_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yml"
    with huge.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: no disk used
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableFile, match="too large"):
            read_regular_file(huge, MAX_FILE_BYTES)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * MAX_FILE_BYTES


def test_importing_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "answers.csv")
    result = run_cli("import", "answers.csv", "--data", str(Path("data").resolve()), cwd=tmp_path)
    assert result.returncode == 1
    assert "answers.csv:1: -: a named pipe (FIFO), not a regular file" in result.stdout


# --- what messages echo --------------------------------------------------------------------

FORGED = "\n::error file=README.md,line=1::x"
PROBLEM_LINE = re.compile(r"^[^\x00-\x1f\x7f:][^\x00-\x1f\x7f]*:\d+: [^\x00-\x1f\x7f]+$")


def test_echoed_keys_values_and_names_cannot_split_a_line_or_forge_a_command(
    sample_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = ENTRY.format(name="Echo Hub", url="https://echo.test/")
    text += '"a\\n::error file=README.md,line=1::x": 1\n'
    text += '"\\e[31mred\\e[0m": 2\n'
    text += 'industry: "\\e]0;title\\a\\n::warning::y"\n'
    write(sample_data, "echo", text)
    (sample_data / "communities" / f"bad{FORGED}.yml").write_text("name: x\n", "utf-8")
    (sample_data / "communities" / "\x1b[2J.yml").write_text("name: x\n", "utf-8")
    (sample_data / "communities" / "::error file=README.md::x.yml").write_text("x: 1\n", "utf-8")
    monkeypatch.chdir(sample_data / "communities")
    result = CliRunner().invoke(cli, ["validate", "--data", ".."])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert all(PROBLEM_LINE.match(line) for line in lines[:-1]), lines
    assert not any(line.startswith("::") for line in lines)
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert any("a\\n::error file=README.md,line=1::x: unknown field" in x for x in lines)
    assert any("\\x1b[31mred\\x1b[0m: unknown field" in x for x in lines)
    assert any(x.startswith("bad\\n::error file=README.md") for x in lines), lines
    assert any(x.startswith("./::error file=README.md::x.yml:1:") for x in lines), lines
