"""URL rules: what is accepted, how it is normalised, and that the shortcut for URLs already in
normal form agrees with the long way on every kind of URL."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from generator.catalog.urls import check_url, normalised_url, split_url_key, url_key

# Shapes near the shortcut's edges: each either takes it or must fall through to the long way.
TRICKY = [
    "https://example.test/",
    "http://example.test",
    "https://a.b.c.test/path/?q=1&r=2#frag",
    "https://example.test?q",
    "https://example.test#frag",
    "https://example.test/?",
    "https://example.test/#",
    "https://example.test/x?#f",
    "https://example.test/x?y?z#a#b",
    "https://example.test//double//slashes",
    "https://example.test/ü/%20",
    "https://a_b.test/",
    "https://xn--bcher-kva.test/",
    "https://bücher.test/",
    "https://Example.TEST/Path",
    "HTTPS://example.test/",
    "https://example.test./",
    "https://example.test:443/",
    "https://example.test:8443/",
    "https://example.test:/",
    "https://example.test:99999/",
    "https://user@example.test/",
    "https://user:pass@example.test/",
    "https://-bad.test/",
    "https://bad-.test/",
    "https://a..b.test/",
    f"https://{'a' * 63}.test/",
    f"https://{'a' * 64}.test/",
    "https://127.0.0.1/",
    "https://999.1.1.1/",
    "https://[::1]:8080/",
    "https://[1::2::3]/",
    "https://ex%41mple.test/",
    "https://exa mple.test/",
    "https://example.test/a\tb",
    "https://example.test/\u2028",
    "ftp://example.test/",
    "javascript:alert(1)",
    "https:///path-only",
    "//example.test/",
]


def outcome(check: Callable[[str], str], url: str) -> tuple[str, str]:
    try:
        return "ok", check(url)
    except ValueError as error:
        return "refused", str(error)


@pytest.mark.parametrize("url", TRICKY)
def test_shortcut_agrees_with_the_long_way(url: str) -> None:
    assert outcome(check_url, url) == outcome(normalised_url, url)


@pytest.mark.parametrize("url", TRICKY)
def test_key_shortcut_agrees_with_the_long_way(url: str) -> None:
    assert outcome(url_key, url) == outcome(split_url_key, url)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Example.TEST:443/Path/", "https://example.test/Path/"),
        ("https://example.test./", "https://example.test/"),
        ("https://example.test/?", "https://example.test/"),
        ("https://example.test:8443/x?q#f", "https://example.test:8443/x?q#f"),
        ("https://bücher.test/", "https://bücher.test/"),
    ],
)
def test_urls_are_normalised(url: str, expected: str) -> None:
    assert check_url(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://user:pass@example.test/", "URL must not contain a user name or password"),
        ("https://-bad.test/", "'-bad.test' is not a valid host name"),
        (f"https://{'a' * 64}.test/", "is not a valid host name"),
        ("https://exa mple.test/", "URL must not contain spaces or control characters"),
        ("javascript:alert(1)", "URL must start with http:// or https://"),
    ],
)
def test_bad_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("?", r"\?")):
        check_url(url)


def test_one_address_written_two_ways_has_one_key() -> None:
    assert url_key("https://www.Example.test:443/forum/") == url_key("http://example.test/forum")
