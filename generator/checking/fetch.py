"""One polite, bounded GET: vetted target, host turn, deadline, capped body, retries.

Redirects are not followed here: callers follow them hop by hop so that every hop is vetted,
counted and classified.
"""

from __future__ import annotations

import http.client
import os
import random
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from requests.cookies import RequestsCookieJar
from requests.structures import CaseInsensitiveDict
from requests.utils import get_environ_proxies

from generator.checking.hosts import HostGate
from generator.checking.network import DnsFailure, Network, RefusedAddress, Watch
from generator.checking.options import CheckOptions
from generator.checking.transport import Capped, Reading, new_session, read_body
from generator.outcomes import FailureKind

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 507, 508, 520, 521, 522, 523, 524})
_PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY")


@dataclass(frozen=True)
class Fetched:
    """A response with its (possibly cut) body; the connection is already closed."""

    url: str
    status: int
    headers: CaseInsensitiveDict[str]
    body: bytes
    truncated: bool

    def header(self, name: str) -> str:
        return self.headers.get(name) or ""


class FetchFailure(Exception):
    """No usable response: the outcome kind and a short reason for people."""

    def __init__(self, kind: FailureKind, detail: str, retryable: bool = False) -> None:
        super().__init__(detail)
        self.kind: FailureKind = kind
        self.detail = detail
        self.retryable = retryable


def any_status(status: int) -> bool:
    return True


class Fetcher:
    """GETs through the run's network, host gate and limits; thread-safe."""

    def __init__(
        self,
        options: CheckOptions,
        network: Network,
        gate: HostGate,
        rng: random.Random | None = None,
    ) -> None:
        self.options = options
        self.network = network
        self.gate = gate
        self._rng = rng or random.Random()
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        self._use_proxies = any(os.environ.get(name) for name in _PROXY_VARIABLES)
        self._headers = {"User-Agent": options.user_agent, "Accept-Encoding": "gzip, deflate, br"}

    def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        jar: RequestsCookieJar | None = None,
        wants_body: Callable[[int], bool] = any_status,
        reading: Callable[[int], Reading] = Capped,
    ) -> Fetched:
        """GET one URL, retrying timeouts, resets, 5xx and 429 with backoff. The body goes to
        `reading(max_body)` (by default: its first max_body bytes are kept)."""
        host = urlsplit(url).hostname or ""
        for attempt in range(self.options.retries + 1):
            wait = self._try_once(url, host, attempt, headers, jar, wants_body, reading)
            if isinstance(wait, Fetched):
                return wait
            self.gate.hold_off(host, wait)
        raise AssertionError("unreachable: the last attempt always returns or raises")

    def _try_once(
        self,
        url: str,
        host: str,
        attempt: int,
        headers: Mapping[str, str] | None,
        jar: RequestsCookieJar | None,
        wants_body: Callable[[int], bool],
        reading: Callable[[int], Reading],
    ) -> Fetched | float:
        """A response to return, or the seconds to wait before the next attempt."""
        last = attempt >= self.options.retries
        if self.gate.given_up(host):
            raise FetchFailure("timeout", _given_up_text(host))
        try:
            fetched = self._attempt(url, host, headers, jar, wants_body, reading)
        except FetchFailure as failure:
            if not failure.retryable or last or self.gate.given_up(host):
                raise
            return self._backoff(attempt)
        wait = self._retry_wait(fetched, attempt)
        return fetched if wait is None or last else wait

    def _backoff(self, attempt: int) -> float:
        jitter = self._rng.uniform(0.5, 1.5)
        return min(self.options.backoff * 2.0**attempt * jitter, self.options.max_retry_after)

    def _retry_wait(self, fetched: Fetched, attempt: int) -> float | None:
        if fetched.status not in RETRY_STATUSES:
            return None
        asked = retry_after(fetched.header("Retry-After"))
        if asked is None:
            return self._backoff(attempt)
        return asked if asked <= self.options.max_retry_after else None

    def _attempt(
        self,
        url: str,
        host: str,
        headers: Mapping[str, str] | None,
        jar: RequestsCookieJar | None,
        wants_body: Callable[[int], bool],
        reading: Callable[[int], Reading],
    ) -> Fetched:
        proxies = self._proxies(url)
        self._vet(host, proxied=bool(proxies))
        prepared = _prepare(url, {**self._headers, **(headers or {})}, jar)
        with self.gate.turn(host) as granted:
            if not granted:  # given up, perhaps while this request waited for its turn
                raise FetchFailure("timeout", _given_up_text(host))
            watch = self.network.watchdog.arm(self.options.timeout)
            try:
                fetched = self._exchange(prepared, proxies, jar, wants_body, reading, watch)
            except FetchFailure:
                raise
            except (
                requests.RequestException,
                urllib3.exceptions.HTTPError,
                OSError,
                http.client.HTTPException,
                DnsFailure,
                RefusedAddress,
            ) as error:
                failure = classify_error(error, watch)
                self._record(host, failure)
                raise failure from None
            finally:
                self.network.watchdog.disarm(watch)
        self.gate.record_answer(host)
        return fetched

    def _vet(self, host: str, *, proxied: bool) -> None:
        try:
            if proxied:
                self.network.vet_for_proxy(host)
            else:
                self.network.vet(host)
        except RefusedAddress as error:
            raise FetchFailure("refused", str(error)) from None
        except DnsFailure as error:
            raise FetchFailure("dns_error", str(error)) from None

    def _record(self, host: str, failure: FetchFailure) -> None:
        if failure.kind == "timeout":
            self.gate.record_timeout(host)

    def _exchange(
        self,
        prepared: requests.PreparedRequest,
        proxies: dict[str, str],
        jar: RequestsCookieJar | None,
        wants_body: Callable[[int], bool],
        reading: Callable[[int], Reading],
        watch: Watch,
    ) -> Fetched:
        timeout = (self.options.connect_limit, self.options.timeout)
        # Straight to the adapter: Session.send adds hooks and redirect handling we don't use.
        adapter = self.session().get_adapter(prepared.url or "")
        response = adapter.send(prepared, stream=True, timeout=timeout, proxies=proxies)
        try:
            if jar is not None:
                jar.update(response.cookies)
            body, truncated = b"", False
            if wants_body(response.status_code):
                body, truncated = read_body(response, reading(self.options.max_body))
        finally:
            response.close()
        if watch.expired:
            raise FetchFailure("timeout", _deadline_text(self.options.timeout), retryable=True)
        url = prepared.url or ""
        return Fetched(url, response.status_code, response.headers, body, truncated)

    def _proxies(self, url: str) -> dict[str, str]:
        if not self._use_proxies:
            return {}
        scheme = urlsplit(url).scheme
        proxies = get_environ_proxies(url)
        return {scheme: proxies[scheme]} if scheme in proxies else {}

    # --- sessions: one per thread, its connections closed after each entry ------------------

    def session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = new_session(self.network)
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def close_connections(self) -> None:
        """Close this thread's connections (an entry is done); the session stays for reuse."""
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is not None:
            session.close()

    def close(self) -> None:
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()


def _prepare(
    url: str, headers: Mapping[str, str] | None, jar: RequestsCookieJar | None
) -> requests.PreparedRequest:
    try:
        return requests.Request("GET", url, headers=dict(headers or {}), cookies=jar).prepare()
    except (requests.RequestException, ValueError) as error:
        raise FetchFailure("connection_error", f"unusable URL {url!r} ({error})") from None


def retry_after(value: str) -> float | None:
    """Seconds asked for by a Retry-After header (delta-seconds or an HTTP date), or None."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


# --- what went wrong -----------------------------------------------------------------------


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error and everything it wraps (`reason`, exception args, cause and context)."""
    pending, seen = [error], set()
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        wrapped = [getattr(current, "reason", None), current.__cause__, current.__context__]
        wrapped += list(current.args)
        pending += [item for item in wrapped if isinstance(item, BaseException)]


_KINDS: tuple[tuple[tuple[type[BaseException], ...], FailureKind, bool], ...] = (
    ((RefusedAddress,), "refused", False),
    ((DnsFailure, socket.gaierror, urllib3.exceptions.NameResolutionError), "dns_error", False),
    ((ssl.SSLError, ssl.CertificateError, requests.exceptions.SSLError), "tls_error", False),
    ((ConnectionRefusedError,), "connection_error", False),
    # urllib3 derives NewConnectionError from its connect-timeout error; it is not a timeout.
    ((urllib3.exceptions.NewConnectionError,), "connection_error", False),
    (
        (TimeoutError, urllib3.exceptions.TimeoutError, requests.exceptions.Timeout),
        "timeout",
        True,
    ),
    (
        (requests.exceptions.InvalidURL, urllib3.exceptions.LocationParseError),
        "connection_error",
        False,
    ),
)


def classify_error(error: BaseException, watch: Watch | None = None) -> FetchFailure:
    """Turn whatever requests/urllib3/the OS raised into an outcome kind."""
    if watch is not None and watch.expired:
        return FetchFailure("timeout", _deadline_text(None), retryable=True)
    causes = list(_causes(error))
    for types, kind, retryable in _KINDS:
        match = next((cause for cause in causes if isinstance(cause, types)), None)
        if match is not None:
            return FetchFailure(kind, _describe(kind, match), retryable)
    # Resets, dropped connections, broken chunking: worth another try.
    return FetchFailure("connection_error", _describe("connection_error", causes[-1]), True)


def _describe(kind: FailureKind, cause: BaseException) -> str:
    if kind == "connection_error" and isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    if kind == "timeout":
        return "no answer in time"
    text = str(cause).strip() or type(cause).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def _given_up_text(host: str) -> str:
    return f"{host} kept timing out; skipped for this run"


def _deadline_text(seconds: float | None) -> str:
    return f"not done within {seconds:g} s" if seconds else "not done within the deadline"
