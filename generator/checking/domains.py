"""Registrable domains (the Public Suffix List), to tell a move within a site from a move to
another site: a platform migration, or a hijacked or parked domain."""

from __future__ import annotations

import functools
import ipaddress
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList


@functools.cache
def _suffixes() -> PublicSuffixList:
    return PublicSuffixList()


def registrable_domain(host: str) -> str:
    """`community.sap.com` → `sap.com`; an IP address or a bare suffix stands for itself."""
    host = host.lower().rstrip(".").strip("[]")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return _suffixes().privatesuffix(host) or host
    return host


def offsite(url: str, final_url: str) -> bool:
    before, after = urlsplit(url).hostname or "", urlsplit(final_url).hostname or ""
    return registrable_domain(before) != registrable_domain(after)
