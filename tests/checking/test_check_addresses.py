"""Private targets are refused however their address is spelled, and also through a proxy."""

from __future__ import annotations

import pytest
from checker_support import make_fetcher, quick
from loopback_web import Reply, Web, html

from generator.checking.links import visit
from generator.checking.network import is_public

PRIVATE = [
    "127.0.0.1",
    "10.1.2.3",
    "169.254.169.254",
    "::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::127.0.0.1",  # IPv4-compatible
    "::7f00:1",
    "64:ff9b::7f00:1",  # NAT64 of loopback
    "64:ff9b::a9fe:a9fe",  # NAT64 of the link-local metadata address
    "2002:7f00:1::1",  # 6to4 of loopback
    "2002:a00:1::",  # 6to4 of 10.0.0.1
    "2130706433",  # decimal 127.0.0.1
    "0x7f000001",  # hex
    "0177.0.0.1",  # octal
    "127.1",  # short form
    "0x7f.1",
    "fe80::1%eth0",
    "fc00::1",
    "0.0.0.0",
    "224.0.0.1",
]


@pytest.mark.parametrize("address", PRIVATE)
def test_private_addresses_in_every_spelling_are_not_public(address: str) -> None:
    assert not is_public(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"])
def test_public_addresses_are_public(address: str) -> None:
    assert is_public(address)


@pytest.mark.parametrize(
    "host",
    ["[::127.0.0.1]", "[64:ff9b::7f00:1]", "[64:ff9b::a9fe:a9fe]", "[2002:7f00:1::]",
     "2130706433", "0x7f000001", "0177.0.0.1", "127.1"],
)  # fmt: skip
def test_such_urls_are_refused_without_a_request(web: Web, host: str) -> None:
    site = web.host().route("/", Reply(200, html()))
    result = visit(make_fetcher(quick(allow_private=False)), f"http://{host}:{site.port}/")
    assert result.outcome == "refused"
    assert web.total_requests() == 0


def test_a_private_target_is_refused_before_reaching_a_proxy(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = web.host().route("http://public.test/", Reply(200, html("Through the proxy")))
    monkeypatch.setenv("http_proxy", proxy.url())
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    options = quick(
        allow_private=False,
        resolve={"inside.test": ("10.0.0.7",), "public.test": ("93.184.216.34",)},
    )
    for url in ("http://inside.test/", "http://2130706433/", "http://[::127.0.0.1]/"):
        assert visit(make_fetcher(options), url).outcome == "refused", url
    assert proxy.requests == []
    # A public target still goes through the proxy the user set.
    result = visit(make_fetcher(options), "http://public.test/")
    assert (result.outcome, result.page.title) == ("ok", "Through the proxy")
    assert proxy.paths() == ["http://public.test/"]
