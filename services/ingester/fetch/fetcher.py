"""Fetching one URL politely and safely, with one shared HTTP client (aiohttp).

Every connection goes through ``guard.py`` (resolved once, checked, connected there);
redirects are followed by hand, hop by hop, through the same client; the body is read
raw and decoded here (``decoding.py``), each step bounded, against the size cap; headers
are read defensively (``headers.py``). Every failure is a ``FetchError`` (``errors.py``).
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
from yarl import URL

from .addresses import networks
from .config import FetchConfig
from .decoding import STEP, CodingError, Decoder
from .errors import (
    BadResponse,
    FetchError,
    FetchTimeout,
    HttpStatus,
    RedirectLoop,
    RefusedURL,
    TooLarge,
    TransportError,
)
from .guard import AddressRefused, Guard, GuardedResolver, Lookup, NotResolved, system_lookup
from .headers import BadLocation, host_problem, http_date, location, max_age, validator
from .hosts import HostGate
from .retry_after import parse_retry_after

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
REDIRECTS = {301, 302, 303, 307, 308}
PERMANENT = {301, 308}
MAX_CONTENT_TYPE = 256


@dataclass(frozen=True, slots=True)
class FetchResult:
    status: int
    url: str
    permanent_url: str | None
    not_modified: bool
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    cache_control_max_age_s: float | None
    expires: datetime | None
    bytes_read: int
    elapsed_s: float


def _env_proxies() -> dict[str, URL]:
    """``http``/``https`` proxies from the standard environment variables."""
    found = {}
    for scheme, value in urllib.request.getproxies_environment().items():
        if scheme in ("http", "https"):
            try:
                proxy = URL(value if "://" in value else f"http://{value}")
            except ValueError:
                continue
            if proxy.raw_host:
                found[scheme] = proxy
    return found


def _text_header(value: str | None) -> str | None:
    """A header value kept as metadata: visible ASCII only, else None."""
    if (
        value is None
        or len(value) > MAX_CONTENT_TYPE
        or not (value.isascii() and value.isprintable())
    ):
        return None
    return value.strip() or None


class Fetcher:
    """One client for every fetch of a process; ``aclose()`` (or ``async with``) ends it.

    ``lookup`` replaces the system resolver (tests); everything else comes from ``config``.
    """

    def __init__(
        self, config: FetchConfig, *, lookup: Lookup = system_lookup, gate: HostGate | None = None
    ) -> None:
        self.config = config
        self.proxies = _env_proxies()
        self.guard = Guard(
            networks(config.allow_networks),
            lookup,
            proxies=[str(p.raw_host) for p in self.proxies.values()],
        )
        self.gate = gate or HostGate(
            config.limits.per_host_concurrency, config.limits.min_host_interval_s
        )
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            t = self.config.timeouts
            connector = aiohttp.TCPConnector(
                limit=500,
                resolver=GuardedResolver(self.guard),
                socket_factory=self.guard.socket_factory,
                ttl_dns_cache=10,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(
                    total=None, sock_connect=t.connect_s, sock_read=t.read_s
                ),
                auto_decompress=False,
                trust_env=False,
                cookie_jar=aiohttp.DummyCookieJar(),
                headers={
                    "User-Agent": self.config.user_agent,
                    "Accept-Encoding": "gzip, deflate, br",
                },
            )
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
    ) -> FetchResult:
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.config.timeouts.total_s):
                return await self._follow(url, etag, last_modified, accept, started)
        except TimeoutError:
            raise FetchTimeout(
                url, f"took longer than {self.config.timeouts.total_s:g} s"
            ) from None

    async def _follow(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        accept: str | None,
        started: float,
    ) -> FetchResult:
        current = _parse(url)
        seen = {current}
        permanent: str | None = None
        all_permanent = True
        headers = {"Accept": accept or FEED_ACCEPT}
        if etag := validator(etag):
            headers["If-None-Match"] = etag
        if last_modified := validator(last_modified):
            headers["If-Modified-Since"] = last_modified
        for _hop in range(self.config.limits.max_redirects + 1):
            proxy = self._proxy_for(current)
            if proxy is not None:
                await self._check_proxied(current)
            async with self.gate.slot(current):
                result = await self._request(current, headers, proxy, permanent, started)
            if isinstance(result, FetchResult):
                return result
            status, value = result
            try:
                target = location(current, value)
            except BadLocation as exc:
                raise BadResponse(str(current), f"HTTP {status} redirect: {exc}") from None
            if target in seen:
                raise RedirectLoop(url, f"redirect loop at {target}")
            seen.add(target)
            if status in PERMANENT and all_permanent:
                permanent = str(target)
            else:
                all_permanent = False
            current = target
        raise RedirectLoop(url, f"more than {self.config.limits.max_redirects} redirects")

    def _proxy_for(self, url: URL) -> URL | None:
        proxy = self.proxies.get(url.scheme)
        if proxy is None or urllib.request.proxy_bypass(str(url.raw_host)):
            return None
        return proxy

    async def _check_proxied(self, url: URL) -> None:
        """Through a proxy the proxy connects: the target's name is checked beforehand."""
        try:
            await self.guard.resolve(str(url.raw_host), url.port or 0)
        except (AddressRefused, NotResolved) as exc:
            raise RefusedURL(str(url), str(exc)) from None

    async def _request(
        self,
        url: URL,
        headers: dict[str, str],
        proxy: URL | None,
        permanent: str | None,
        started: float,
    ) -> FetchResult | tuple[int, str]:
        try:
            async with self._client().get(
                url, headers=headers, allow_redirects=False, proxy=proxy
            ) as response:
                return await self._read(url, response, permanent, started)
        except FetchError:
            raise
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, AddressRefused | NotResolved):
                raise RefusedURL(str(url), str(exc.os_error)) from None
            raise TransportError(str(url), f"cannot connect: {exc.os_error}") from None
        except TimeoutError as exc:
            raise FetchTimeout(str(url), f"{type(exc).__name__}: {exc}") from None
        except CodingError as exc:
            raise BadResponse(str(url), str(exc)) from None
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            raise TransportError(str(url), f"{type(exc).__name__}: {exc}") from None

    async def _read(
        self, url: URL, response: aiohttp.ClientResponse, permanent: str | None, started: float
    ) -> FetchResult | tuple[int, str]:
        status = response.status
        h = response.headers
        if status in REDIRECTS and "Location" in h:
            return status, h["Location"]
        if status in (429, 503):
            wait = parse_retry_after(h.get("Retry-After"), datetime.now(UTC))
            if wait is not None:
                self.gate.block(url, wait)
            raise HttpStatus(str(url), status, wait)
        if status >= 400:
            raise HttpStatus(str(url), status)
        limit = self.config.limits.max_body_bytes
        chunks: list[bytes] = []
        if status != 304:
            declared = response.content_length
            if declared is not None and declared > limit:
                raise TooLarge(str(url), f"Content-Length {declared} exceeds {limit} bytes")
            decoder = Decoder(h.get("Content-Encoding"))
            size = 0
            async for data in response.content.iter_chunked(STEP):
                for piece in decoder.feed(data):
                    size += len(piece)
                    if size > limit:
                        raise TooLarge(str(url), f"body exceeds the {limit}-byte limit")
                    chunks.append(piece)
        return FetchResult(
            status=status,
            url=str(url),
            permanent_url=permanent,
            not_modified=status == 304,
            body=b"".join(chunks),
            content_type=_text_header(h.get("Content-Type")),
            etag=validator(h.get("ETag")),
            last_modified=validator(h.get("Last-Modified")),
            cache_control_max_age_s=max_age(h.get("Cache-Control")),
            expires=http_date(h.get("Expires")),
            bytes_read=response.content.total_bytes,
            elapsed_s=time.perf_counter() - started,
        )


def _parse(url: str) -> URL:
    """The URL to fetch, or ``RefusedURL`` when it is not a valid http(s) URL."""
    try:
        parsed = URL(url)
        host, port, scheme = parsed.raw_host, parsed.port, parsed.scheme
    except (ValueError, TypeError) as exc:
        raise RefusedURL(url, f"not a valid URL: {exc}") from None
    if scheme not in ("http", "https"):
        raise RefusedURL(url, f"scheme {scheme!r} refused: only http and https")
    problem = host_problem(host)
    if problem:
        raise RefusedURL(url, problem)
    if port is None or not 0 < port < 65536:
        raise RefusedURL(url, "port out of range")
    return parsed
