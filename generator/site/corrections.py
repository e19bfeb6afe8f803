"""Where a reader suggests a correction to an entry: its file in the project's repository, and
a new issue with the entry already named.

The repository comes from the build settings (`repo_url` and `edit_uri` in mkdocs.yml, whose
`edit_uri` points at the data folder, so an entry's file is `<edit_uri>communities/<slug>.yml`).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit


@dataclass(frozen=True)
class Repository:
    """The project's repository: its web address, and the path under it to edit data files."""

    url: str
    edit_uri: str = ""

    def edit_url(self, data_path: str) -> str | None:
        """The page that edits `data_path` (relative to the data folder), as MkDocs forms its
        edit links: an absolute `edit_uri` as it is, a relative one under the repository."""
        if not self.edit_uri:
            return None
        if urlsplit(self.edit_uri).scheme:
            base = self.edit_uri
        else:
            base = f"{self.url.rstrip('/')}/{self.edit_uri.lstrip('/')}"
        return base.rstrip("/") + "/" + quote(data_path)

    def new_issue_url(self, title: str, body: str) -> str | None:
        """A prefilled new issue; only GitHub takes its title and body from the address."""
        parts = urlsplit(self.url)
        if parts.hostname not in ("github.com", "www.github.com") or parts.path.count("/") < 2:
            return None
        query = urlencode({"title": title, "body": body}, quote_via=quote)
        return f"{self.url.rstrip('/')}/issues/new?{query}"


DEFAULT_REPOSITORY = Repository("https://github.com/biglist-b2b/biglist", "edit/main/data/")


@dataclass(frozen=True)
class CorrectionLinks:
    """A community page's "suggest a correction" links (either may be missing)."""

    edit_url: str | None
    issue_url: str | None

    def __bool__(self) -> bool:
        return bool(self.edit_url or self.issue_url)


def correction_links(
    repository: Repository | None, slug: str, name: str, page_url: str
) -> CorrectionLinks:
    if repository is None:
        return CorrectionLinks(None, None)
    body = (
        f"Page: {page_url}\n"
        f"Entry file: communities/{slug}.yml\n\n"
        "What is wrong, what should it say, and where can we check it (a link)?\n"
    )
    return CorrectionLinks(
        repository.edit_url(f"communities/{slug}.yml"),
        repository.new_issue_url(f"Correction: {name}", body),
    )


def repository_from_settings(settings: object) -> Repository | None:
    """The repository named by MkDocs settings (a parsed mkdocs.yml); None without `repo_url`."""
    if not isinstance(settings, dict):
        return None
    url, edit_uri = settings.get("repo_url"), settings.get("edit_uri")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return None
    return Repository(url, edit_uri if isinstance(edit_uri, str) else "")
