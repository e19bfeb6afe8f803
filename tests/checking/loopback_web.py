"""A small simulated web on loopback for the checker's tests.

Every `Host` is a real HTTP/1.1 server (keep-alive) on its own 127.x.y.z address. Routes map a
path (with or without its query) to a `Reply` or to a function of the `Seen` request. The
server records every request with its start and end times and tracks how many requests were
in flight at once, so politeness is asserted on the server side.
"""

from __future__ import annotations

import gzip
import itertools
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_SUBNET = 64 + os.getpid() % 128  # keeps concurrent test runs on different addresses
_NEXT = itertools.count(2)


@dataclass
class Reply:
    """What a route answers. `delay` waits before the headers; `trickle` sends the body one
    byte at a time with that pause; `hang` never answers; `drop` closes without a word."""

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    trickle: float | None = None
    slow_headers: float | None = None
    hang: bool = False
    drop: bool = False

    def payload(self) -> bytes:
        return self.body.encode() if isinstance(self.body, str) else self.body


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    started: float
    ended: float | None = None
    finished_body: bool = False


Route = Reply | Callable[[Seen], Reply]


class Host:
    """One simulated site."""

    def __init__(self, web: Web, address: str) -> None:
        self.web = web
        self.address = address
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self.server = _Server((address, 0), _Handler)
        self.server.host = self
        self.port = self.server.server_address[1]
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()

    def url(self, path: str = "/", scheme: str = "http") -> str:
        return f"{scheme}://{self.address}:{self.port}{path}"

    def named_url(self, name: str, path: str = "/") -> str:
        return f"http://{name}:{self.port}{path}"

    def route(self, path: str, reply: Route) -> Host:
        self.routes[path] = reply
        return self

    def paths(self) -> list[str]:
        return [seen.path for seen in self.requests]

    def count(self, path: str) -> int:
        return self.paths().count(path)

    def _begin(self, seen: Seen) -> None:
        with self._lock:
            self.requests.append(seen)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        self.web._begin()

    def _end(self, seen: Seen) -> None:
        """Called just before the answer goes out (and again, harmlessly, when the handler
        ends): the client cannot be done with a request before then, so requests the server
        saw overlapping did overlap at the client, and gaps seen here are at most the real
        ones."""
        with self._lock:
            if seen.ended is not None:
                return
            self.in_flight -= 1
            seen.ended = time.monotonic()
        self.web._end()

    def gaps(self) -> list[float]:
        """Seconds between the end of each request and the start of the next one."""
        ordered = sorted(self.requests, key=lambda seen: seen.started)
        return [
            later.started - (earlier.ended or later.started)
            for earlier, later in itertools.pairwise(ordered)
        ]


class Web:
    """Allocates hosts and tears them all down."""

    def __init__(self) -> None:
        self.hosts: list[Host] = []
        self.closing = threading.Event()
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()

    def _begin(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _end(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def host(self) -> Host:
        number = next(_NEXT)
        address = f"127.{_SUBNET}.{number // 250}.{number % 250 + 2}"
        host = Host(self, address)
        self.hosts.append(host)
        return host

    def closed_port(self) -> str:
        """A URL on a fresh loopback address where nothing listens."""
        number = next(_NEXT)
        address = f"127.{_SUBNET}.{number // 250}.{number % 250 + 2}"
        with socket.socket() as probe:
            probe.bind((address, 0))
            port = probe.getsockname()[1]
        return f"http://{address}:{port}/"

    def close(self) -> None:
        self.closing.set()
        for host in self.hosts:
            host.server.shutdown()
            host.server.server_close()

    def total_requests(self) -> int:
        return sum(len(host.requests) for host in self.hosts)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    host: Host

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up early are part of the tests."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        host = self.server.host
        seen = Seen(self.path, dict(self.headers.items()), time.monotonic())
        host._begin(seen)
        try:
            self._answer(host, seen)
        except OSError:
            self.close_connection = True
        finally:
            host._end(seen)

    def _answer(self, host: Host, seen: Seen) -> None:
        route = host.routes.get(self.path) or host.routes.get(self.path.split("?")[0])
        reply = route(seen) if callable(route) else route or Reply(404, "<title>Not Found</title>")
        if reply.hang or reply.delay:
            host.web.closing.wait(3600 if reply.hang else reply.delay)
        if reply.hang or reply.drop:
            self.close_connection = True
            return
        body = reply.payload()
        headers = {"Content-Length": str(len(body)), **reply.headers}
        if reply.slow_headers is not None:
            self._slow_headers(reply, headers)
            return
        self.send_response(reply.status)
        for name, value in headers.items():
            self.send_header(name, value)
        host._end(seen)
        self.end_headers()
        for piece in _pieces(body, reply.trickle is not None):
            self.wfile.write(piece)
            self.wfile.flush()
            if reply.trickle:
                time.sleep(reply.trickle)
        seen.finished_body = True

    def _slow_headers(self, reply: Reply, headers: dict[str, str]) -> None:
        lines = [f"HTTP/1.1 {reply.status} OK", *(f"{k}: {v}" for k, v in headers.items())]
        for byte in ("\r\n".join(lines) + "\r\n\r\n").encode():
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(reply.slow_headers or 0)
        self.close_connection = True


def _pieces(body: bytes, trickle: bool) -> Iterator[bytes]:
    if not trickle:
        yield body
        return
    for index in range(len(body)):
        yield body[index : index + 1]


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9)


def html(title: str = "Community", head: str = "", body: str = "") -> str:
    return (
        f"<!doctype html><html><head><title>{title}</title>{head}</head><body>{body}</body></html>"
    )


def rss(*dates: str) -> str:
    items = "".join(
        f"<item><title>t{i}</title><pubDate>{d}</pubDate></item>" for i, d in enumerate(dates)
    )
    channel = f"<channel><title>f</title>{items}</channel>"
    return f"<?xml version='1.0'?><rss version='2.0'>{channel}</rss>"
