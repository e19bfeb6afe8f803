"""requests sessions wired to the guarded connections, and bounded body reading."""

from __future__ import annotations

from http.cookiejar import DefaultCookiePolicy
from typing import Any, Protocol

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from generator.checking.decoding import decoded
from generator.checking.network import Network, connection_classes

CHUNK = 64 * 1024
# A lane talks to one host at a time plus the odd redirect or probe elsewhere.
POOLS_PER_SESSION = 8


class GuardedAdapter(HTTPAdapter):
    """An adapter whose direct connections resolve and vet through the run's `Network`."""

    def __init__(self, network: Network) -> None:
        self._network = network
        super().__init__(pool_connections=POOLS_PER_SESSION, pool_maxsize=1, max_retries=0)

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        http_conn, https_conn = connection_classes(self._network)

        class GuardedHTTPPool(HTTPConnectionPool):
            ConnectionCls = http_conn

        class GuardedHTTPSPool(HTTPSConnectionPool):
            ConnectionCls = https_conn

        self.poolmanager.pool_classes_by_scheme = {
            "http": GuardedHTTPPool,
            "https": GuardedHTTPSPool,
        }


def new_session(network: Network) -> requests.Session:
    """A session that keeps no cookies and reads nothing from the environment (.netrc).

    Requests are prepared without it (headers and cookies are the fetcher's), so nothing
    leaks from one site to the next.
    """
    session = requests.Session()
    session.trust_env = False
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    adapter = GuardedAdapter(network)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class Reading(Protocol):
    """Where a body's decoded pieces go, and how much of it may be read at most."""

    @property
    def ceiling(self) -> int:
        """Most bytes read from the socket, and most bytes decoded."""
        ...

    def add(self, piece: bytes) -> bool:
        """Take a piece; False when no more is wanted."""
        ...

    def result(self) -> tuple[bytes, bool]:
        """The body to use, and whether it was cut short."""
        ...


class Capped:
    """The first `limit` bytes of a body (the usual reading)."""

    def __init__(self, limit: int) -> None:
        self.ceiling = limit
        self._chunks: list[bytes] = []
        self._size = 0

    def add(self, piece: bytes) -> bool:
        self._chunks.append(piece[: self.ceiling - self._size])
        self._size += len(piece)
        return self._size <= self.ceiling

    def result(self) -> tuple[bytes, bool]:
        return b"".join(self._chunks), self._size > self.ceiling


def read_body(response: requests.Response, reading: Reading) -> tuple[bytes, bool]:
    """Read a body into `reading`, decoded as a browser would (decoding.py) whatever its
    `Content-Encoding` claims, counting both wire and decoded bytes: a gzip bomb stops at the
    ceiling of decoded bytes, a huge compressed body at the ceiling of bytes from the socket.
    """
    raw = response.raw
    wire = raw.stream(CHUNK, decode_content=False)
    encoding = response.headers.get("Content-Encoding", "")
    for piece in decoded(wire, encoding, reading.ceiling):
        if not reading.add(piece) or raw.tell() > reading.ceiling:
            return reading.result()[0], True
    return reading.result()
