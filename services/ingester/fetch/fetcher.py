"""Fetching one URL politely and safely, with one shared ``httpx.AsyncClient``."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from .addresses import check_url, networks
from .config import FetchConfig
from .errors import (
    FetchError,
    FetchTimeout,
    HttpStatus,
    RedirectLoop,
    TooLarge,
    TransportError,
)
from .hosts import HostGate
from .retry_after import parse_retry_after

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
REDIRECTS = {301, 302, 303, 307, 308}
PERMANENT = {301, 308}
_MAX_AGE = re.compile(r"max-age\s*=\s*(\d+)", re.I)


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


def make_client(config: FetchConfig) -> httpx.AsyncClient:
    t = config.timeouts
    return httpx.AsyncClient(
        follow_redirects=False,
        trust_env=True,
        timeout=httpx.Timeout(t.read_s, connect=t.connect_s),
        limits=httpx.Limits(max_connections=500, max_keepalive_connections=100),
        headers={"User-Agent": config.user_agent, "Accept-Encoding": "gzip, deflate, br"},
    )


def _expires(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


class Fetcher:
    def __init__(
        self, client: httpx.AsyncClient, config: FetchConfig, gate: HostGate | None = None
    ) -> None:
        self.client = client
        self.config = config
        self.allow = networks(config.allow_networks)
        self.gate = gate or HostGate(
            config.limits.per_host_concurrency, config.limits.min_host_interval_s
        )

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
        current = httpx.URL(url)
        seen = {str(current)}
        permanent: str | None = None
        all_permanent = True
        for _hop in range(self.config.limits.max_redirects + 1):
            await check_url(current, self.allow)
            headers = {"Accept": accept or FEED_ACCEPT}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            async with self.gate.slot(current):
                result = await self._request(current, headers, permanent, started)
            if isinstance(result, FetchResult):
                return result
            status, location = result
            target = current.join(location)
            if str(target) in seen:
                raise RedirectLoop(url, f"redirect loop at {target}")
            seen.add(str(target))
            if status in PERMANENT and all_permanent:
                permanent = str(target)
            else:
                all_permanent = False
            current = target
        raise RedirectLoop(url, f"more than {self.config.limits.max_redirects} redirects")

    async def _request(
        self, url: httpx.URL, headers: dict[str, str], permanent: str | None, started: float
    ) -> FetchResult | tuple[int, str]:
        limit = self.config.limits.max_body_bytes
        try:
            async with self.client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status in REDIRECTS and response.headers.get("location"):
                    return status, response.headers["location"]
                if status in (429, 503):
                    wait = parse_retry_after(response.headers.get("retry-after"), datetime.now(UTC))
                    if wait is not None:
                        self.gate.block(url, wait)
                    raise HttpStatus(str(url), status, wait)
                if status >= 400:
                    raise HttpStatus(str(url), status)
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > limit:
                    raise TooLarge(str(url), f"Content-Length {declared} exceeds {limit} bytes")
                body = bytearray()
                if status != 304:
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) > limit:
                            raise TooLarge(str(url), f"body exceeds the {limit}-byte limit")
                cache = _MAX_AGE.search(response.headers.get("cache-control", ""))
                return FetchResult(
                    status=status,
                    url=str(url),
                    permanent_url=permanent,
                    not_modified=status == 304,
                    body=bytes(body),
                    content_type=response.headers.get("content-type"),
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                    cache_control_max_age_s=float(cache.group(1)) if cache else None,
                    expires=_expires(response.headers.get("expires")),
                    bytes_read=response.num_bytes_downloaded,
                    elapsed_s=time.perf_counter() - started,
                )
        except FetchError:
            raise
        except httpx.TimeoutException as exc:
            raise FetchTimeout(str(url), f"{type(exc).__name__}") from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise TransportError(str(url), f"{type(exc).__name__}: {exc}") from None
