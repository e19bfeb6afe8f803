"""Pydantic's errors in our own words: what was wrong, and what is allowed instead.

A contributor never sees a library's phrasing ("Input should be ...", "String should match
pattern ..."): every error type the entry and vocabulary models can raise has a line here,
and a test walks them all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from generator.catalog.models import LANGUAGE_PATTERN
from generator.catalog.slugs import SLUG_PATTERN

Detail = Mapping[str, Any]
_DATE = "must be a date written YYYY-MM-DD, such as 2026-11-25"
_WHOLE_NUMBER = "must be a whole number, such as 2008"
_TRUE_OR_FALSE = "must be true or false"
_TEXT = "must be text"
_MAPPING = "must be a mapping of field: value"

_PATTERNS = {
    LANGUAGE_PATTERN: "must be a language code such as `en` or `pt-BR`",
    SLUG_PATTERN: (
        "must be a slug: lower-case letters and digits joined by hyphens, such as `sap-community`"
    ),
}


def _ctx(detail: Detail, key: str) -> Any:
    return (detail.get("ctx") or {}).get(key)


def _too_long(detail: Detail) -> str:
    limit = _ctx(detail, "max_length")
    value = detail.get("input")
    has = f" (this one has {len(value)})" if isinstance(value, str) else ""
    return f"must be at most {limit} characters{has}"


def _too_short(detail: Detail) -> str:
    return "must not be empty" if _ctx(detail, "min_length") == 1 else _short_text(detail)


def _short_text(detail: Detail) -> str:
    return f"must be at least {_ctx(detail, 'min_length')} characters"


def _pattern(detail: Detail) -> str:
    return _PATTERNS.get(str(_ctx(detail, "pattern")), "is not written in the expected form")


def _list_too_short(detail: Detail) -> str:
    count = _ctx(detail, "min_length")
    return f"must list at least {count} item{'s' * (count != 1)}"


def _list_too_long(detail: Detail) -> str:
    return f"must list at most {_ctx(detail, 'max_length')} items"


def _one_of(detail: Detail) -> str:
    return f"must be one of {_ctx(detail, 'expected')}"


def _own_words(detail: Detail) -> str:
    # Our validators raise ValueError with a message already meant for contributors.
    error = _ctx(detail, "error")
    return str(error) if error is not None else str(detail.get("msg", ""))


def _fixed(message: str) -> Callable[[Detail], str]:
    return lambda detail: message


PLAIN_WORDS: dict[str, Callable[[Detail], str]] = {
    "missing": _fixed("required field is missing"),
    "extra_forbidden": _fixed("unknown field"),
    "value_error": _own_words,
    "assertion_error": _own_words,
    "string_type": _fixed(_TEXT),
    "string_unicode": _fixed(_TEXT),
    "string_sub_type": _fixed(_TEXT),
    "string_too_short": _too_short,
    "string_too_long": _too_long,
    "string_pattern_mismatch": _pattern,
    "int_type": _fixed(_WHOLE_NUMBER),
    "int_parsing": _fixed(_WHOLE_NUMBER),
    "int_from_float": _fixed(_WHOLE_NUMBER),
    "int_parsing_size": _fixed("is too large a number"),
    "finite_number": _fixed(_WHOLE_NUMBER),
    "float_type": _fixed("must be a number"),
    "float_parsing": _fixed("must be a number"),
    "bool_type": _fixed(_TRUE_OR_FALSE),
    "bool_parsing": _fixed(_TRUE_OR_FALSE),
    "date_type": _fixed(_DATE),
    "date_parsing": _fixed(_DATE),
    "date_future": _fixed(f"{_DATE}, not in the future"),
    "date_from_datetime_parsing": _fixed(_DATE),
    "date_from_datetime_inexact": _fixed(f"{_DATE}, without a time"),
    "list_type": _fixed("must be a list: one `- item` per line"),
    "too_short": _list_too_short,
    "too_long": _list_too_long,
    "literal_error": _one_of,
    "model_type": _fixed(_MAPPING),
    "model_attributes_type": _fixed(_MAPPING),
    "dict_type": _fixed(_MAPPING),
}
FALLBACK = "is not a valid value here"


def plain_message(detail: Detail) -> str:
    """The message for one of pydantic's error details, in our words."""
    words = PLAIN_WORDS.get(str(detail.get("type")))
    return words(detail) if words else FALLBACK
