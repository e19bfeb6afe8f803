"""Where a request may go and how long it may take, enforced below requests.

* `Resolver` turns host names into addresses once per run (system resolver, or a fixed map
  that tests and `--resolve` inject) so the address we vet is the address we connect to.
* `Network.vet` refuses private, loopback, link-local and reserved targets before any byte is
  sent, unless private targets are allowed.
* `Watchdog` enforces a total deadline per request by shutting the socket down when it
  passes: socket timeouts alone never stop a server that trickles one byte at a time.
* `connection_classes` are urllib3 connections that resolve through the `Network` and report
  their sockets to the watchdog.
"""

from __future__ import annotations

import contextlib
import heapq
import ipaddress
import itertools
import re
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.util.connection import create_connection

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_thread = threading.local()


class DnsFailure(Exception):
    """A host name did not resolve to any address."""


class RefusedAddress(Exception):
    """The target is private, loopback, link-local or reserved, and those are not allowed."""


class Resolver:
    """Host name → addresses, cached for the run; `overrides` win over the system resolver."""

    def __init__(self, overrides: Mapping[str, Sequence[str]] | None = None) -> None:
        self._overrides = {host.lower(): tuple(addrs) for host, addrs in (overrides or {}).items()}
        self._cache: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def resolve(self, host: str) -> tuple[str, ...]:
        host = host.lower().rstrip(".").strip("[]")
        literal = _ip(host)
        if literal is not None:
            return (str(literal),)
        with self._lock:
            cached = self._cache.get(host)
        if cached is None:
            cached = self._overrides.get(host) or _system_lookup(host)
            with self._lock:
                self._cache[host] = cached
        if not cached:
            raise DnsFailure(f"{host} does not resolve")
        return cached


def _system_lookup(host: str) -> tuple[str, ...]:
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return ()
    return tuple(dict.fromkeys(str(info[4][0]) for info in infos))


_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$", re.IGNORECASE)
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _ip(text: str) -> IPAddress | None:
    """The address a host names, in any spelling a resolver accepts: IPv6 (with a zone),
    dotted IPv4, and the old numeric IPv4 forms (`2130706433`, `0x7f000001`, `0177.1`)."""
    text = text.split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if not _NUMERIC_HOST.match(text):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(text))
    except OSError:
        return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries: IPv4-mapped, IPv4-compatible (`::a.b.c.d`),
    NAT64 (64:ff9b::/96), 6to4 (2002::/16) and Teredo."""
    found = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    if int(ip) >> 32 == 0:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip in NAT64:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [address for address in found if address is not None]


def is_public(address: str) -> bool:
    """True for a globally routable unicast address, and one that does not lead to a
    private one however it is spelled (an IPv6 form that carries a private IPv4 address)."""
    ip = _ip(address)
    if ip is None:
        return False
    carried = _embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else []
    return _global(ip) and all(_global(inner) for inner in carried)


def _global(ip: IPAddress) -> bool:
    return ip.is_global and not ip.is_multicast


@dataclass
class Network:
    """The run's resolver and address policy, shared by every connection."""

    resolver: Resolver
    allow_private: bool
    watchdog: Watchdog = field(default_factory=lambda: Watchdog())
    may_contact: Callable[[str], bool] = is_public
    """Which addresses count as public (tests mark a loopback address as public)."""

    def vet(self, host: str) -> tuple[str, ...]:
        """Resolve `host` and refuse it unless every address may be contacted."""
        addresses = self.resolver.resolve(host)
        if not self.allow_private:
            for address in addresses:
                if not self.may_contact(address):
                    raise RefusedAddress(f"{host} is a private or reserved address ({address})")
        return addresses

    def vet_for_proxy(self, host: str) -> None:
        """Refuse a host before it is handed to a proxy, which would resolve and reach it
        unchecked: resolved here, and refused when private. A name only the proxy can resolve
        (no DNS on this side) is left to it."""
        try:
            self.vet(host)
        except DnsFailure:
            if _ip(host.strip("[]")) is not None:
                raise


# --- deadlines -----------------------------------------------------------------------------


@dataclass(eq=False)
class Watch:
    """One request's deadline and the connections it used."""

    deadline: float
    active: bool = True
    expired: bool = False
    connections: list[Any] = field(default_factory=list)


class Watchdog:
    """One thread that shuts down the sockets of requests whose deadline has passed."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Watch]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._closed = False

    def arm(self, seconds: float) -> Watch:
        watch = Watch(time.monotonic() + seconds)
        _thread.watch = watch
        with self._cond:
            # Deadlines mostly arrive in order; wake the thread only for a new earliest one.
            earliest = not self._heap or watch.deadline < self._heap[0][0]
            heapq.heappush(self._heap, (watch.deadline, next(self._order), watch))
            self._start()
            if earliest:
                self._cond.notify()
        return watch

    def disarm(self, watch: Watch) -> None:
        with self._cond:
            watch.active = False
        _thread.watch = None

    def attach(self, connection: Any) -> None:
        """Called by a connection about to be used by the current thread's request."""
        watch: Watch | None = getattr(_thread, "watch", None)
        if watch is None:
            return
        with self._cond:
            watch.connections.append(connection)
            if watch.expired:
                _shut(connection)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="deadlines", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                self._expire_due()
                timeout = self._heap[0][0] - time.monotonic() if self._heap else None
                self._cond.wait(timeout)

    def _expire_due(self) -> None:
        now = time.monotonic()
        while self._heap and self._heap[0][0] <= now:
            watch = heapq.heappop(self._heap)[2]
            if watch.active:
                watch.expired = True
                for connection in watch.connections:
                    _shut(connection)


def _shut(connection: Any) -> None:
    for sock in (getattr(connection, "sock", None), getattr(connection, "_raw_sock", None)):
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


# --- connections ---------------------------------------------------------------------------


class _GuardedMixin:
    """Resolve through the run's Network (vetting again) and let the watchdog see the socket."""

    network: Network
    _dns_host: str
    port: int
    timeout: Any
    source_address: Any
    socket_options: Any
    _raw_sock: socket.socket | None = None

    def _new_conn(self) -> socket.socket:
        self.network.watchdog.attach(self)
        last_error: OSError | None = None
        for address in self.network.vet(self._dns_host):
            try:
                sock = create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except OSError as error:
                last_error = error
                continue
            self._raw_sock = sock
            return sock
        raise last_error or OSError(f"no address to connect to for {self._dns_host}")

    def request(self, *args: Any, **kwargs: Any) -> None:
        self.network.watchdog.attach(self)
        super().request(*args, **kwargs)  # type: ignore[misc]


def connection_classes(network: Network) -> tuple[type[HTTPConnection], type[HTTPSConnection]]:
    """urllib3 connection classes bound to `network`."""

    class GuardedHTTPConnection(_GuardedMixin, HTTPConnection):
        pass

    class GuardedHTTPSConnection(_GuardedMixin, HTTPSConnection):
        pass

    GuardedHTTPConnection.network = network
    GuardedHTTPSConnection.network = network
    return GuardedHTTPConnection, GuardedHTTPSConnection
