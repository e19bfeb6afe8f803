"""The entry schema, declared once: every field of a community, with what it means.

The JSON Schema, the contributor guide's field table and the submission form all derive from
`Community`; tests keep them in step.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from generator.catalog.slugs import SLUG_PATTERN
from generator.catalog.text import unsafe_character
from generator.catalog.urls import check_url

LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
BIG_LIST_EDITIONS = (2011, 2014, 2016)
FIRST_FOUNDED_YEAR = 1970

_TAG = re.compile(r"<[A-Za-z!?/]")


# --- vocabularies --------------------------------------------------------------------------


class Term(BaseModel):
    """One value of a controlled vocabulary (an industry, a type, a platform, ...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=SLUG_PATTERN, description="Stable identifier used in entries.")
    label: str = Field(min_length=1, max_length=80, description="Name shown to readers.")
    description: str = Field(
        min_length=1, max_length=400, description="What the value covers, for contributors."
    )
    aliases: list[str] = Field(
        default_factory=list,
        description="Other spellings accepted by `biglist import` and mapped onto this id.",
    )


class PlatformTerm(Term):
    """A community platform; `activity_api` tells the checker which public API it speaks."""

    activity_api: Literal["discourse", "khoros", "vanilla"] | None = Field(
        default=None, description="Public API the checker can ask for the latest activity."
    )


VOCABULARY_FIELDS: dict[str, str] = {
    "industry": "industries",
    "types": "types",
    "access": "access",
    "platform": "platforms",
    "size": "sizes",
}


@dataclass(frozen=True)
class Vocabularies:
    """Every controlled vocabulary, keyed by vocabulary name (the file stem under data/)."""

    terms: dict[str, dict[str, Term]]

    def get(self, name: str) -> dict[str, Term]:
        return self.terms.get(name, {})

    def label(self, name: str, term_id: str) -> str:
        term = self.get(name).get(term_id)
        return term.label if term else term_id

    def require(self, vocabulary: str, value: str) -> str:
        allowed = self.get(vocabulary)
        if value in allowed:
            return value
        raise ValueError(unknown_value_message(value, sorted(allowed)))


def unknown_value_message(value: str, allowed: list[str]) -> str:
    guess = get_close_matches(value.lower(), allowed, n=1, cutoff=0.6)
    hint = f"; did you mean {guess[0]!r}?" if guess else ""
    return f"unknown value {value!r}{hint} (allowed: {', '.join(allowed)})"


@dataclass(frozen=True)
class ValidationContext:
    """What validating an entry needs besides the entry: the vocabularies and today's date."""

    vocabularies: Vocabularies
    today: dt.date


def _context(info: ValidationInfo) -> ValidationContext | None:
    context = info.context
    return context if isinstance(context, ValidationContext) else None


# --- plain text and URLs -------------------------------------------------------------------


def _plain_text(value: str, *, one_line: bool) -> str:
    # Checked before trimming: a control character at either end is refused, not dropped.
    _refuse_unsafe_characters(value.replace("\n", " "))
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    if _TAG.search(value):
        raise ValueError("HTML tags are not allowed; write plain text")
    if one_line and "\n" in value:
        raise ValueError("must be a single line")
    if re.search(r"\n\s*\n", value):
        raise ValueError("must be a single paragraph")
    return " ".join(value.split("\n")) if not one_line else value


def _refuse_unsafe_characters(value: str) -> None:
    problem = unsafe_character(value)
    if problem:
        raise ValueError(problem)


def one_line_text(value: str) -> str:
    return _plain_text(value, one_line=True)


def paragraph_text(value: str) -> str:
    return _plain_text(value, one_line=False)


# Length limits sit before the validators so pydantic reports them in plain words.
Name = Annotated[str, Field(max_length=100), AfterValidator(one_line_text)]
OneLine = Annotated[str, Field(max_length=150), AfterValidator(one_line_text)]
Paragraph = Annotated[str, Field(max_length=400), AfterValidator(paragraph_text)]
Url = Annotated[str, Field(max_length=2000), AfterValidator(check_url)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=100)]
Language = Annotated[str, Field(pattern=LANGUAGE_PATTERN)]
Region = Annotated[str, Field(max_length=60), AfterValidator(one_line_text)]
Edition = Literal[2011, 2014, 2016]


def _unique(values: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{value!r} is listed twice")
        seen.add(value)
    return values


# --- the entry -----------------------------------------------------------------------------


class Community(BaseModel):
    """One B2B online community: the contents of `data/communities/<slug>.yml`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    name: Name = Field(
        description="The community's own name, as its members know it.",
        examples=["SAP Community"],
    )
    url: Url = Field(
        description="Address of the community's front door (http or https); no credentials.",
        examples=["https://community.sap.com/"],
    )
    sponsor: OneLine | None = Field(
        default=None,
        description="Company or organisation that runs or funds the community.",
        examples=["SAP"],
    )
    description: Paragraph | None = Field(
        default=None,
        description="One plain-text paragraph, in our own words: who meets there and why.",
    )
    industry: str | None = Field(
        default=None,
        description="Industry the community serves; an id from data/industries.yml.",
        examples=["enterprise-software"],
    )
    audience: OneLine | None = Field(
        default=None,
        description="Who the members are, in a few words.",
        examples=["SAP customers, partners and developers"],
    )
    types: list[str] = Field(
        default_factory=list,
        description="What kind of community it is (one or more ids from data/types.yml).",
        examples=[["support", "developer"]],
    )
    access: str | None = Field(
        default=None,
        description="Who can read and join; an id from data/access.yml.",
        examples=["public"],
    )
    platform: str | None = Field(
        default=None,
        description="Software the community runs on; an id from data/platforms.yml.",
        examples=["khoros"],
    )
    founded: int | None = Field(
        default=None,
        description=f"Year the community opened ({FIRST_FOUNDED_YEAR} to this year).",
        examples=[2008],
    )
    size: str | None = Field(
        default=None,
        description="Membership band, from a sourced figure; an id from data/sizes.yml.",
        examples=["100k-1m"],
    )
    languages: list[Language] = Field(
        default_factory=list,
        description="Languages members post in, as BCP 47 codes such as `en` or `pt-BR`.",
        examples=[["en", "de"]],
    )
    regions: list[Region] = Field(
        default_factory=list,
        description="Regions the community focuses on, if it is not global.",
        examples=[["Europe"]],
    )
    big_list: list[Edition] = Field(
        default_factory=list,
        description="Editions of the original Big List (2011, 2014, 2016) it appeared in.",
        examples=[[2016]],
    )
    featured: bool = Field(
        default=False,
        description="Shown first on the Big List, as the original list featured a few.",
    )
    related: list[Slug] = Field(
        default_factory=list,
        description="Slugs of sibling communities run by the same sponsor.",
        examples=[["sap-developer-center"]],
    )
    feeds: list[Url] = Field(
        default_factory=list,
        description="RSS or Atom feeds the checker should read first for the latest activity.",
    )
    sources: list[Url] = Field(
        min_length=1,
        description="One or more public pages where the facts in this entry can be verified.",
    )
    added: dt.date = Field(
        description="Date the entry was added to the list (YYYY-MM-DD, not in the future).",
        examples=["2026-11-25"],
    )

    @field_validator("types", "languages", "regions", "big_list", "related", "feeds", "sources")
    @classmethod
    def _no_repeats(cls, values: list[Any]) -> list[Any]:
        return _unique(values)

    @field_validator("types")
    @classmethod
    def _at_least_one_type(cls, values: list[str]) -> list[str]:
        if not values:
            raise ValueError("list at least one type, or leave the field out")
        return values

    @field_validator("industry", "access", "platform", "size")
    @classmethod
    def _known_term(cls, value: str | None, info: ValidationInfo) -> str | None:
        context = _context(info)
        if value is None or context is None or info.field_name is None:
            return value
        return context.vocabularies.require(VOCABULARY_FIELDS[info.field_name], value)

    @field_validator("types", mode="after")
    @classmethod
    def _known_types(cls, values: list[str], info: ValidationInfo) -> list[str]:
        context = _context(info)
        if context is not None:
            for value in values:
                context.vocabularies.require("types", value)
        return values

    @field_validator("founded")
    @classmethod
    def _sane_year(cls, year: int | None, info: ValidationInfo) -> int | None:
        context = _context(info)
        this_year = context.today.year if context else dt.date.today().year
        if year is not None and not FIRST_FOUNDED_YEAR <= year <= this_year:
            raise ValueError(f"must be a year from {FIRST_FOUNDED_YEAR} to {this_year}")
        return year

    @field_validator("added")
    @classmethod
    def _not_in_future(cls, added: dt.date, info: ValidationInfo) -> dt.date:
        context = _context(info)
        today = context.today if context else dt.date.today()
        if added > today:
            raise ValueError(f"{added.isoformat()} is in the future")
        return added


@dataclass(frozen=True)
class Entry:
    """A validated community with where it came from."""

    slug: str
    path: str
    community: Community


def field_descriptions() -> dict[str, str]:
    """Every entry field with its description, in declaration order."""
    return {name: info.description or "" for name, info in Community.model_fields.items()}


def required_fields() -> list[str]:
    return [name for name, info in Community.model_fields.items() if info.is_required()]
