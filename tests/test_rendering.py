"""Rendering helpers: Markdown escaping, links between pages, front matter, JSON in HTML."""

from __future__ import annotations

import json

import markdown
import pytest
import yaml
from markupsafe import Markup

from generator.site.rendering import (
    escape_markdown,
    front_matter_string,
    json_value,
    markdown_environment,
    relative_path,
)

RENDER = markdown.Markdown(extensions=["tables", "attr_list", "md_in_html", "toc"])


def shown_text(markdown_source: str) -> str:
    """What a reader sees: the Markdown rendered, tags stripped, entities decoded."""
    import html
    import re

    rendered = RENDER.reset().convert(markdown_source)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip()


@pytest.mark.parametrize(
    "text",
    [
        "*bold* _it_ `code` [link](javascript:alert(1)) ![img](x.png)",
        "# heading",
        "- list item",
        "+ list item",
        "> quote",
        "2016. an ordered list?",
        "=== setext",
        "a | b | c",
        "<b>tag</b> &amp; &lt;",
        "{: .attr-list }",
        "back\\slash \\*",
        "{{ jinja }} {% block %}",
        "<https://autolink.test>",
    ],
)
def test_escaped_text_reads_exactly_as_typed(text: str) -> None:
    assert shown_text(escape_markdown(text)) == text


def test_markup_passes_through() -> None:
    assert escape_markdown(Markup("<b>x</b>")) == "<b>x</b>"


def test_escaped_text_stays_on_one_line() -> None:
    assert "\n" not in escape_markdown("one\ntwo")


@pytest.mark.parametrize(
    ("target", "start", "expected"),
    [
        ("communities/x.md", "", "communities/x.md"),
        ("communities/x.md", "industries", "../communities/x.md"),
        ("communities/y.md", "communities", "y.md"),
        ("index.md", "a/b", "../../index.md"),
    ],
)
def test_relative_path(target: str, start: str, expected: str) -> None:
    assert relative_path(target, start) == expected


def test_front_matter_string_is_yaml_and_html_safe() -> None:
    value = 'Evil" </title><script>x</script>\n---\nkey: 1'
    loaded = yaml.safe_load(f"title: {front_matter_string(value)}")
    assert loaded == {
        "title": "Evil&quot; &lt;/title&gt;&lt;script&gt;x&lt;/script&gt;\n---\nkey: 1"
    }


def test_json_value_cannot_close_a_script() -> None:
    text = str(json_value({"name": "</script><script>alert(1)</script>"}))
    assert "</script>" not in text
    assert json.loads(text) == {"name": "</script><script>alert(1)</script>"}


def test_templates_escape_by_default_and_fail_on_undefined() -> None:
    env = markdown_environment()
    template = env.from_string("{{ value }} [{{ value }}]({{ target | link }})")
    rendered = template.render(value="*x*", target="a/b.md", page_path="a/c.md")
    assert rendered == "&#42;x&#42; [&#42;x&#42;](b.md)"
    with pytest.raises(Exception, match="undefined"):
        env.from_string("{{ missing }}").render(page_path="index.md")
