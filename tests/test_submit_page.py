"""The site's submit page in a real browser: checks in the page, the prefilled GitHub issue,
the YAML for a pull request, and the round trip form → issue body → `biglist import`."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from generator.catalog.validation import load_catalog, load_vocabularies
from generator.errors import Problem
from generator.submitting import import_submissions
from generator.submitting.forms import NO_RESPONSE, FormField, form_fields

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
REPO_URL = "https://github.com/biglist-b2b/biglist"
LOOPBACK = re.compile(r"^https?://127\.0\.0\.1[:/]")


@dataclass
class Visit:
    """What left the page (answered by a stub, never sent) and the script errors it raised."""

    left: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def visit() -> Visit:
    return Visit()


@pytest.fixture
def page(browser: Any, shipped_site: Path, serve_site: Any, visit: Visit) -> Iterator[Any]:
    """The submit page of the site built from the shipped data."""
    context = browser.new_context()

    def offline(route: Any) -> None:
        visit.left.append(route.request.url)
        route.fulfill(status=200, content_type="text/plain", body="stub")

    context.route(lambda url: not LOOPBACK.match(url), offline)
    tab = context.new_page()
    tab.on("pageerror", lambda error: visit.errors.append(str(error)))
    tab.goto(serve_site(shipped_site) + "submit/")
    tab.wait_for_function("document.getElementById('biglist-submit') !== null")
    yield tab
    context.close()
    assert visit.errors == []


def visible_errors(page: Any) -> list[str]:
    return [error.inner_text() for error in page.locator(".biglist-submit__error:visible").all()]


def github_requests(visit: Visit) -> list[str]:
    return [url for url in visit.left if url.startswith(REPO_URL)]


def fields() -> list[FormField]:
    problems: list[Problem] = []
    return form_fields(load_vocabularies(REPO / "data", problems))


def test_name_and_url_are_required_and_nothing_leaves_the_page(page: Any, visit: Visit) -> None:
    page.click("button[type=submit]")
    assert visible_errors(page) == ["Name is required.", "URL is required."]
    assert page.locator("#submit-name").get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "submit-name"
    assert github_requests(visit) == []


@pytest.mark.parametrize(
    ("selector", "value", "message"),
    [
        ("#submit-url", "javascript:alert(1)", "URL must start with http:// or https://."),
        ("#submit-url", "https://user:pw@x.example/", "URL must not contain a user name or"),
        ("#submit-name", "<img src=x onerror=alert(1)>", "Name must be plain text"),
        ("#submit-name", "N" * 101, "Name is too long: at most 100 characters (now 101)."),
        ("#submit-founded", "1850", "Year founded must be a year from 1970 to"),
        ("#submit-languages", "en, English", "Languages 'English' is not in the expected form"),
        ("#submit-sources", "https://ok.example\nftp://no.example", "Sources must start with"),
    ],
)
def test_hostile_or_wrong_answers_are_refused_in_the_page(
    page: Any, visit: Visit, selector: str, value: str, message: str
) -> None:
    page.fill("#submit-name", "Fine Name")
    page.fill("#submit-url", "https://fine.example/")
    page.fill(selector, value)
    page.click("button[type=submit]")
    errors = visible_errors(page)
    assert len(errors) == 1 and errors[0].startswith(message), errors
    assert github_requests(visit) == []


def test_a_community_already_listed_is_spotted(page: Any) -> None:
    page.wait_for_function("performance.getEntriesByType('resource').some("
                           "e => e.name.endsWith('api/communities.json'))")  # fmt: skip
    page.fill("#submit-name", "Another Sophos forum")
    page.fill("#submit-url", "http://www.community.sophos.com/")
    page.click("[data-action=yaml]")
    assert visible_errors(page) == ["URL is already listed: Sophos Community."]


def fill_complete(page: Any) -> None:
    page.fill("#submit-name", 'Northwind "Partner" Network: EMEA')
    page.fill("#submit-url", "partners.northwind.example/emea")
    page.fill("#submit-sponsor", "Northwind Traders")
    page.fill("#submit-description", "Resellers swap tips: #1 is *patience*.")
    page.select_option("#submit-industry", label="Data, analytics and AI")
    page.check("input[name=types][data-id=partner]")
    page.check("input[name=types][data-id=developer]")
    page.select_option("#submit-access", label="Hybrid")
    page.fill("#submit-founded", "2014")
    page.select_option("#submit-size", label="1,000 to 9,999 members")
    page.fill("#submit-languages", "en, pt-BR")
    page.fill("#submit-regions", "Europe, Middle East")
    page.check("input[name=big_list][data-id='2016']")
    page.fill("#submit-sources", "https://northwind.example/a\nhttps://northwind.example/b")


def issue_body(params: dict[str, str]) -> str:
    """The issue body GitHub renders from the prefilled form, field by field."""
    sections = []
    for question in fields():
        value = params.get(question.id, "")
        if question.widget == "checkboxes":
            ticked = [part.strip() for part in value.split(",")]
            value = "\n".join(
                f"- [{'X' if option.label in ticked else ' '}] {option.label}"
                for option in question.options
            )
        sections.append(f"### {question.label}\n\n{value or NO_RESPONSE}\n")
    return "\n".join(sections)


def test_the_prefilled_issue_imports_to_the_same_entry(page: Any, tmp_path: Path) -> None:
    fill_complete(page)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(re.escape(REPO_URL)))
    query = parse_qs(urlsplit(page.url).query)
    params = {key: values[0] for key, values in query.items()}
    assert page.url.startswith(f"{REPO_URL}/issues/new?template=add-community.yml&name=")
    assert params["template"] == "add-community.yml"
    assert params["title"] == 'Add community: Northwind "Partner" Network: EMEA'
    assert params["url"] == "https://partners.northwind.example/emea"
    assert params["types"] == "Developer, Partner"  # dropdown labels, as the issue form shows
    assert params["industry"] == "Data, analytics and AI"
    assert set(params) <= {"template", "title", *(question.id for question in fields())}

    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    submission = tmp_path / "issue.md"
    submission.write_text(issue_body(params), "utf-8")
    report = import_submissions(submission, data)
    assert report.problems == []
    entry = load_catalog(data).by_slug()["northwind-partner-network-emea"].community
    assert entry.name == 'Northwind "Partner" Network: EMEA'
    assert entry.url == "https://partners.northwind.example/emea"
    assert (entry.industry, entry.access, entry.size) == ("data-analytics", "hybrid", "1k-10k")
    assert entry.types == ["developer", "partner"]
    assert (entry.founded, entry.big_list) == (2014, [2016])
    assert entry.languages == ["en", "pt-BR"] and entry.regions == ["Europe", "Middle East"]
    assert entry.sources == ["https://northwind.example/a", "https://northwind.example/b"]


def test_the_yaml_for_a_pull_request_is_a_valid_entry(page: Any, tmp_path: Path) -> None:
    fill_complete(page)
    page.click("[data-action=yaml]")
    shown = page.locator("[data-role=yaml]").inner_text()
    note = page.locator("#biglist-submit-result p").first.inner_text()
    assert "data/communities/northwind-partner-network-emea.yml" in note
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    (data / "communities" / "northwind-partner-network-emea.yml").write_text(shown, "utf-8")
    entry = load_catalog(data).by_slug()["northwind-partner-network-emea"].community
    assert entry.description == "Resellers swap tips: #1 is *patience*."
    assert entry.types == ["developer", "partner"]  # in the vocabulary's order
    assert entry.added == dt.date.today()
    create = page.locator("[data-role=create-file]").get_attribute("href")
    query = parse_qs(urlsplit(create).query)
    assert query["filename"] == ["northwind-partner-network-emea.yml"]
    assert query["value"] == [shown]


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Café Società: Forum & Friends", "cafe-societa-forum-friends"),
        ("Das große Händler-Forum", "das-groe-handler-forum"),
        ("日本のユーザー会", "nihon-users-example-forum"),
        (
            "The Extraordinarily Long Name of a Community That Goes On and On Forever",
            "the-extraordinarily-long-name-of-a-community-that-goes-on",
        ),
    ],
)
def test_the_page_names_the_file_as_import_would(
    page: Any, tmp_path: Path, name: str, slug: str
) -> None:
    page.fill("#submit-name", name)
    page.fill("#submit-url", "https://nihon-users.example/forum")
    page.click("[data-action=yaml]")
    note = page.locator("#biglist-submit-result p").first.inner_text()
    assert f"data/communities/{slug}.yml" in note
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    submission = tmp_path / "new.csv"
    submission.write_text(f'Name,URL\n"{name}",https://nihon-users.example/forum\n', "utf-8")
    report = import_submissions(submission, data, dry_run=True)
    assert [item.path.endswith(f"/{slug}.yml") for item in report.imported] == [True]
