"""Every error the models can raise is said in our words; nothing of pydantic leaks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from generator.catalog.loading import Document
from generator.catalog.messages import FALLBACK, PLAIN_WORDS, plain_message
from generator.catalog.models import Community, PlatformTerm, Term, ValidationContext, Vocabularies
from generator.catalog.validation import pydantic_problems

# Phrases of pydantic's own messages: none may reach a contributor.
LEAKS = (
    "Input should",
    "String should",
    "should match pattern",
    "should have at",
    "Value error",
    "Field required",
    "Extra inputs",
    "unable to parse",
    "Assertion failed",
    "pydantic",
    "errors.pydantic.dev",
)
VALID = {
    "name": "Acme Hub",
    "url": "https://hub.acme.test/",
    "sources": ["https://hub.acme.test/about"],
    "added": dt.date(2026, 1, 1),
}
TERM = {"id": "support", "label": "Support", "description": "Help forums."}
# A value of every shape YAML (or a form) can hand over.
WRONG = [
    None, True, False, 0, -1, 2008, 10**40, 1.5, 2008.0, 2008.5, float("nan"), "", " ", "x",
    "2008", "yes", "x" * 5000, "en_US", "Sap Community", "2026-13-45", "2026-11-25",
    "2026-11-25T10:00:00", "not-a-date", [], [None], ["x"], ["x", "x"], ["x"] * 200, [1, 2],
    [2012], [2016], [[1]], [{}], ["x" * 5000], ["EN"], ["sap-community"], ["Not A Slug"],
    {}, {"a": 1}, dt.date(2026, 1, 1), dt.date(2999, 1, 1), dt.datetime(2026, 1, 1, 12, 30),
    dt.datetime(2026, 1, 1), b"x", ("x",),
]  # fmt: skip
CONTEXT = ValidationContext(
    Vocabularies({"types": {"support": Term(**TERM)}, "industries": {}}), dt.date(2026, 11, 25)
)


def _errors(model: type[BaseModel], value: Any) -> list[dict[str, Any]]:
    try:
        model.model_validate(value, context=CONTEXT)
    except ValidationError as error:
        return list(error.errors(include_url=False))
    return []


def every_error() -> list[dict[str, Any]]:
    """Each field of each model given each wrong value, plus wrong wholes and extra keys."""
    found: list[dict[str, Any]] = []
    for model, valid in ((Community, VALID), (Term, TERM), (PlatformTerm, TERM)):
        for field in model.model_fields:
            for value in WRONG:
                found += _errors(model, {**valid, field: value})
        found += _errors(model, {"unknown": 1})
        for whole in ([], "x", 1, None):
            found += _errors(model, whole)
    try:
        TypeAdapter(list[Term]).validate_python({"a": 1})
    except ValidationError as error:
        found += error.errors(include_url=False)
    return found


ERRORS = every_error()


def test_the_walk_reaches_the_kinds_of_error_we_know_of() -> None:
    kinds = {error["type"] for error in ERRORS}
    expected = {
        "missing", "extra_forbidden", "value_error", "string_type", "string_too_long",
        "string_too_short", "string_pattern_mismatch", "int_type", "int_parsing",
        "int_from_float", "bool_type", "bool_parsing", "date_type", "date_from_datetime_parsing",
        "date_from_datetime_inexact", "list_type", "too_short", "literal_error", "model_type",
    }  # fmt: skip
    assert expected <= kinds, expected - kinds


@pytest.mark.parametrize("kind", sorted({error["type"] for error in ERRORS}))
def test_every_error_type_has_plain_words(kind: str) -> None:
    assert kind in PLAIN_WORDS
    for error in (e for e in ERRORS if e["type"] == kind):
        message = plain_message(error)
        assert message and message != FALLBACK
        assert not any(leak in message for leak in LEAKS), (kind, message)


def test_messages_name_what_is_allowed() -> None:
    shown = {
        field: [str(p) for p in problems_for({**VALID, field: value})]
        for field, value in [
            ("description", "x" * 401),
            ("founded", "soon"),
            ("languages", ["English"]),
            ("related", ["Not A Slug"]),
            ("big_list", [2012]),
            ("added", "25/11/2026"),
        ]
    }
    assert "must be at most 400 characters (this one has 401)" in shown["description"][0]
    assert "must be a whole number" in shown["founded"][0]
    assert "a language code such as `en` or `pt-BR`" in shown["languages"][0]
    assert "`sap-community`" in shown["related"][0]
    assert "must be one of 2011, 2014 or 2016" in shown["big_list"][0]
    assert "YYYY-MM-DD" in shown["added"][0]


def problems_for(value: dict[str, Any]) -> list[Any]:
    try:
        Community.model_validate(value, context=CONTEXT)
    except ValidationError as error:
        return pydantic_problems(error, Document("x.yml"))
    return []
