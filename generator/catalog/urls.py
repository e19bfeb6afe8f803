"""URL rules shared by entries, imports and the checker: what we accept and when two are one."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit, urlunsplit

from generator.catalog.text import unsafe_character

DEFAULT_PORTS = {"http": 80, "https": 443}
_LABEL = r"(?!-)[a-z0-9_-]{1,63}(?<!-)"
# A host name ends in a top-level domain: letters, or an internationalised `xn--` label.
_TLD = r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})"
_HOST_NAME = re.compile(rf"^(?:{_LABEL}\.)+{_TLD}$")
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")
_PATH = r"[^?#\s\x00-\x1f\x7f]*"
_QUERY = r"[^#\s\x00-\x1f\x7f]+"
_FRAGMENT = r"[^\s\x00-\x1f\x7f]+"
# A URL already in normal form: lower-case scheme and host name, no port, no credentials, and
# a query or fragment only when not empty (splitting drops an empty one). The long way would
# return such a URL unchanged, so it is accepted as it is, without the cost of splitting.
_NORMAL_URL = re.compile(
    rf"https?://(?P<host>(?:{_LABEL}\.)+{_TLD})(?P<path>/{_PATH})?"
    rf"(?:\?(?P<query>{_QUERY}))?(?:#{_FRAGMENT})?"
)


def check_url(value: str) -> str:
    """Accept an http(s) URL with a host and no credentials; return it normalised.

    Normalising lower-cases the scheme and host and drops a default port; the path, query and
    trailing slash stay as written because the site they point at may care.
    """
    if not value.isascii():
        _refuse_unsafe(value)
    if _NORMAL_URL.fullmatch(value):
        return value
    return normalised_url(value)


def _refuse_unsafe(value: str) -> None:
    problem = unsafe_character(value, allow_spaces=False)
    if problem:
        raise ValueError(f"URL must not contain spaces or invisible characters: {problem}")


def normalised_url(value: str) -> str:
    """`check_url` the long way: split, check each part, and put the URL back together."""
    if not value.isascii():
        _refuse_unsafe(value)
    if _SPACE_OR_CONTROL.search(value):
        raise ValueError("URL must not contain spaces or control characters")
    parts = _split(value)
    if parts.scheme.lower() not in DEFAULT_PORTS:
        raise ValueError("URL must start with http:// or https://")
    if parts.username is not None or parts.password is not None:
        raise ValueError("URL must not contain a user name or password")
    host = _checked_host(parts)
    return urlunsplit(
        (parts.scheme.lower(), _netloc(host, _port(parts)), parts.path, parts.query, parts.fragment)
    )


def _split(value: str) -> SplitResult:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError as error:
        raise ValueError(f"not a valid URL ({error})") from None
    return parts


def _port(parts: SplitResult) -> int | None:
    port = parts.port
    return None if port == DEFAULT_PORTS.get(parts.scheme.lower()) else port


def _netloc(host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{port}" if port is not None else shown


def _checked_host(parts: SplitResult) -> str:
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ValueError("URL must name a host")
    if _is_ip(host):
        return host
    if not _HOST_NAME.match(_ascii_host(host).lower()):
        raise ValueError(f"{host!r} is not a valid host name (such as community.example.com)")
    return host.lower()


def _ascii_host(host: str) -> str:
    # An ASCII name passes through IDNA unchanged (its only checks, label lengths, are the
    # label pattern's too), and skipping the codec saves its cost and its import.
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"{host!r} is not a valid host name") from None


def _is_ip(host: str) -> bool:
    # An address ends in a digit (IPv4) or holds a colon (IPv6): a name is not tried at all,
    # since a failed parse raises and costs more than the rest of the check.
    if not (host[-1].isdigit() or ":" in host):
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


# Parameters that say where a visitor came from, not where to go: two URLs that differ only
# by them are one address.
_TRACKING = re.compile(
    r"(?:utm_[a-z0-9_]*|gclid|gclsrc|dclid|gbraid|wbraid|fbclid|msclkid|yclid|twclid|ttclid"
    r"|igshid|li_fat_id|mc_cid|mc_eid|mkt_tok|_ga|_gl|_hsenc|_hsmi|__hstc|__hssc|__hsfp"
    r"|hsctatracking|oly_anon_id|oly_enc_id|vero_id|wickedid|ref_src)(?:=|&|$)",
    re.IGNORECASE,
)


def url_key(url: str) -> str:
    """What makes two community URLs the same address.

    Ignores the scheme, host case, a leading `www.`, a default port, a trailing slash, the
    fragment and tracking parameters (`utm_*`, `gclid`, `fbclid`, ...):
    `https://www.Example.com:443/forum/?utm_source=x#top` and `http://example.com/forum` are one.
    """
    normal = _NORMAL_URL.fullmatch(url)
    if normal is None:
        return split_url_key(url)
    host, path, query = normal.group("host", "path", "query")
    return f"{host.removeprefix('www.')}{(path or '').rstrip('/')}{_kept_query(query)}"


def split_url_key(url: str) -> str:
    """`url_key` the long way, for a URL in any form."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".").removeprefix("www.")
    port = _port(parts)
    path = parts.path.rstrip("/")
    return f"{_netloc(host, port)}{path}{_kept_query(parts.query)}"


def _kept_query(query: str | None) -> str:
    if not query:
        return ""
    kept = [item for item in query.split("&") if item and not _TRACKING.match(item)]
    return f"?{'&'.join(kept)}" if kept else ""
