"""Hostile contributed text is refused or rendered inert, exactly as typed, wherever it lands."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import cli

HOSTILE_NAME = "Evil {{ 7*7 }} | # --- *b* [x](javascript:alert(1)) &amp; `c` \"q\" 'a' {% raw %}"
HOSTILE_SPONSOR = "---\ntitle: pwned"
HOSTILE_DESCRIPTION = (
    "Line one | cell | breaker\n# not a heading &lt;script&gt; a < b > c ${x} @mention "
    "![img](https://x.test/i.png) https://autolink.test _under_ ~~strike~~ \\ backslash"
)


class TextOf(HTMLParser):
    """Collects the text of the first element with a given tag, and every script source."""

    def __init__(self, tag: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tag, self.depth, self.parts, self.done = tag, 0, [], False
        self.scripts: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes.extend(attrs)
        if tag == "script":
            self.scripts.append(dict(attrs).get("src") or "inline")
        if tag == self.tag and not self.done:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == self.tag and self.depth:
            self.depth, self.done = 0, True

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)

    @classmethod
    def of(cls, html: str, tag: str) -> TextOf:
        parser = cls(tag)
        parser.feed(html)
        return parser


def write_hostile(project: Path) -> None:
    entry = {
        "name": HOSTILE_NAME,
        "url": "https://evil.test/?a=1&b=<2>",
        "sponsor": "Acme",
        "description": HOSTILE_DESCRIPTION.replace("\n", " "),
        "audience": "People who type | and ] and ) in fields",
        "sources": ['https://evil.test/"onmouseover="alert(1)'],
        "added": "2026-01-01",
    }
    text = yaml.safe_dump(entry, allow_unicode=True, sort_keys=False)
    (project / "data" / "communities" / "evil.yml").write_text(text, "utf-8")


@pytest.fixture
def hostile_site(project: Path) -> Path:
    write_hostile(project)
    result = CliRunner().invoke(cli, ["build", "--strict"])
    assert result.exit_code == 0, result.output
    return project / "site"


def test_text_is_shown_exactly_as_typed(hostile_site: Path) -> None:
    html = (hostile_site / "communities" / "evil" / "index.html").read_text("utf-8")
    heading = "".join(TextOf.of(html, "h1").parts).strip().removesuffix("¶").strip()
    assert heading == HOSTILE_NAME
    paragraph = HOSTILE_DESCRIPTION.replace("\n", " ")
    assert paragraph in "".join(TextOf.of(html, "article").parts)


def test_title_is_escaped_in_the_head(hostile_site: Path) -> None:
    html = (hostile_site / "communities" / "evil" / "index.html").read_text("utf-8")
    title = "".join(TextOf.of(html, "title").parts)
    assert title.startswith(HOSTILE_NAME)


def test_no_script_or_link_comes_from_data(hostile_site: Path) -> None:
    html = (hostile_site / "communities" / "evil" / "index.html").read_text("utf-8")
    parsed = TextOf.of(html, "body")
    assert not [name for name, _ in parsed.attributes if name.startswith("on")]
    links = [value or "" for name, value in parsed.attributes if name in ("href", "src")]
    assert not [link for link in links if link.strip().lower().startswith("javascript")]
    assert "<script>alert" not in html
    assert 'src="https://x.test/i.png"' not in html
    assert 'href="https://autolink.test' not in html
    scripts = parsed.scripts
    assert all(src == "inline" or not src.startswith("http") for src in scripts)


def test_table_rows_are_not_broken(hostile_site: Path) -> None:
    html = (hostile_site / "sponsors" / "acme" / "index.html").read_text("utf-8")
    header = html.split("<thead>")[1].split("</thead>")[0]
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 3
    assert all(row.count("<td") == header.count("<th") for row in rows)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "<script>alert(1)</script>", "HTML tags are not allowed"),
        ("description", "Hi <img src=x onerror=alert(1)>", "HTML tags are not allowed"),
        ("url", "javascript:alert(1)", "URL must start with http:// or https://"),
        ("url", "data:text/html,<b>x</b>", "URL must start with http:// or https://"),
        ("url", "https://evil.test/ x", "must not contain spaces"),
        ("sources", ["JAVASCRIPT:alert(1)"], "URL must start with http:// or https://"),
        ("name", "x" * 5000, "must be at most 100 characters"),
        ("sponsor", "Acme\nInc", "must be a single line"),
    ],
)
def test_hostile_values_are_refused(project: Path, field: str, value: object, message: str) -> None:
    entry = {"name": "Fine", "url": "https://fine.test/", "sources": ["https://s.test/"]}
    entry[field] = value
    entry["added"] = "2026-01-01"
    text = yaml.safe_dump(entry, allow_unicode=True)
    (project / "data" / "communities" / "fine.yml").write_text(text, "utf-8")
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
