"""requests sessions wired to the guarded connections, and bounded body reading."""

from __future__ import annotations

from http.cookiejar import DefaultCookiePolicy
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

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


def read_capped(response: requests.Response, limit: int) -> tuple[bytes, bool]:
    """Read at most `limit` bytes of body, counting both wire and decoded bytes.

    Returns the body and whether it was cut short. A gzip bomb stops at `limit` decoded bytes;
    a huge compressed body stops at `limit` bytes read from the socket.
    """
    raw = response.raw
    chunks: list[bytes] = []
    size = 0
    for chunk in raw.stream(CHUNK, decode_content=True):
        room = limit - size
        chunks.append(chunk[:room])
        size += len(chunk)
        if size > limit or raw.tell() > limit:
            return b"".join(chunks), True
    return b"".join(chunks), False
