"""The fetcher against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gzip
import itertools
import time
from collections.abc import AsyncIterator
from email.utils import formatdate

import brotli
import pytest
from yarl import URL

from services.core.testing import Reply, Request, WebServer
from services.ingester.fetch import (
    FetchTimeout,
    HttpStatus,
    RedirectLoop,
    RefusedURL,
    TooLarge,
)

from .fetching import fetcher


async def test_200_then_304_with_validators(web: WebServer) -> None:
    def feed(request: Request) -> Reply:
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304, {"ETag": '"v1"'})
        return Reply(200, {"ETag": '"v1"', "Last-Modified": "Tue, 22 Oct 2024 10:00:00 GMT",
                           "Content-Type": "application/rss+xml", "Cache-Control": "max-age=600"},
                     b"<rss/>")  # fmt: skip

    url = web.route("/f/etag", feed)
    f = fetcher()
    first = await f.fetch(url)
    assert first.status == 200 and first.body == b"<rss/>" and not first.not_modified
    assert first.etag == '"v1"' and first.cache_control_max_age_s == 600
    second = await f.fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.body == b""
    request = web.hits("/f/etag")[-1]
    assert request.headers["if-modified-since"] == "Tue, 22 Oct 2024 10:00:00 GMT"
    assert request.headers["user-agent"] == "newswire-test/1 (+https://example.org/contact)"


async def test_304_by_last_modified(web: WebServer) -> None:
    stamp = "Tue, 22 Oct 2024 10:00:00 GMT"

    def feed(request: Request) -> Reply:
        if request.headers.get("if-modified-since") == stamp:
            return Reply(304)
        return Reply(200, {"Last-Modified": stamp}, b"<rss/>")

    url = web.route("/f/lm", feed)
    assert (await fetcher().fetch(url, last_modified=stamp)).not_modified


@pytest.mark.parametrize("status", [429, 503])
async def test_retry_after_seconds_embargoes_the_host(web: WebServer, status: int) -> None:
    url = web.route(f"/f/busy{status}", Reply(status, {"Retry-After": "120"}))
    f = fetcher()
    with pytest.raises(HttpStatus) as err:
        await f.fetch(url)
    assert err.value.status == status and err.value.retry_after_s == 120
    assert err.value.outcome == ("4xx" if status == 429 else "5xx")
    assert 110 < f.gate.embargo_remaining(URL(url)) <= 120


async def test_retry_after_http_date(web: WebServer) -> None:
    later = formatdate(time.time() + 90, usegmt=True)
    url = web.route("/f/busy-date", Reply(429, {"Retry-After": later}))
    with pytest.raises(HttpStatus) as err:
        await fetcher().fetch(url)
    assert err.value.retry_after_s is not None and 80 < err.value.retry_after_s <= 90


async def test_404_and_500(web: WebServer) -> None:
    with pytest.raises(HttpStatus) as err:
        await fetcher().fetch(web.url("/f/missing"))
    assert err.value.status == 404 and err.value.outcome == "4xx"
    url = web.route("/f/broken", Reply(500))
    with pytest.raises(HttpStatus) as err:
        await fetcher().fetch(url)
    assert err.value.outcome == "5xx"


@pytest.mark.parametrize(
    ("status", "permanent"), [(301, True), (308, True), (302, False), (307, False)]
)
async def test_redirects_update_the_url_only_when_permanent(
    web: WebServer, status: int, permanent: bool
) -> None:
    target = web.route(f"/f/new{status}", Reply(200, body=b"moved"))
    url = web.route(f"/f/old{status}", Reply(status, {"Location": f"/f/new{status}"}))
    result = await fetcher().fetch(url)
    assert result.body == b"moved" and result.url == target
    assert result.permanent_url == (target if permanent else None)


async def test_only_the_permanent_part_of_a_chain_counts(web: WebServer) -> None:
    web.route("/f/chain3", Reply(200, body=b"end"))
    moved = web.route("/f/chain2", Reply(302, {"Location": "/f/chain3"}))
    url = web.route("/f/chain1", Reply(301, {"Location": "/f/chain2"}))
    result = await fetcher().fetch(url)
    assert result.body == b"end" and result.permanent_url == moved  # 301 then 302
    web.route("/f/temp2", Reply(301, {"Location": "/f/chain3"}))
    url = web.route("/f/temp1", Reply(302, {"Location": "/f/temp2"}))
    assert (await fetcher().fetch(url)).permanent_url is None  # 302 then 301


async def test_redirect_loops_and_too_many_redirects(web: WebServer) -> None:
    web.route("/f/loop-b", Reply(302, {"Location": "/f/loop-a"}))
    url = web.route("/f/loop-a", Reply(302, {"Location": "/f/loop-b"}))
    with pytest.raises(RedirectLoop):
        await fetcher().fetch(url)
    for i in range(8):
        web.route(f"/f/hop{i}", Reply(302, {"Location": f"/f/hop{i + 1}"}))
    with pytest.raises(RedirectLoop, match="more than 5 redirects"):
        await fetcher().fetch(web.url("/f/hop0"))


async def test_private_addresses_are_refused_directly_and_after_a_redirect(
    web: WebServer,
) -> None:
    with pytest.raises(RefusedURL, match="loopback"):
        await fetcher(allow=()).fetch(web.url("/f/anything"))
    before = len(web.requests)
    url = web.route("/f/to-private", Reply(302, {"Location": "http://10.0.0.1/internal"}))
    with pytest.raises(RefusedURL, match=r"10\.0\.0\.1, a private address"):
        await fetcher().fetch(url)
    assert len(web.requests) == before + 1  # the redirect was never followed
    for bad in (
        "ftp://127.0.0.1/x",
        "file:///etc/passwd",
        "http://[::1]/",
        "http://169.254.169.254/",
    ):
        with pytest.raises(RefusedURL):
            await fetcher().fetch(bad)


async def test_size_cap_by_content_length_and_while_streaming(web: WebServer) -> None:
    url = web.route("/f/big", Reply(200, body=b"x" * 5000))
    with pytest.raises(TooLarge, match="Content-Length 5000"):
        await fetcher(max_body_bytes=4096).fetch(url)

    async def endless() -> AsyncIterator[bytes]:
        for _ in range(10_000):
            yield b"y" * 1024

    url = web.route("/f/chunked", Reply(200, body=endless))
    with pytest.raises(TooLarge, match="4096-byte limit"):
        await fetcher(max_body_bytes=4096).fetch(url)


async def test_gzip_bomb_stops_at_the_cap(web: WebServer) -> None:
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100_000
    url = web.route("/f/bomb", Reply(200, {"Content-Encoding": "gzip"}, bomb))
    with pytest.raises(TooLarge):
        await fetcher(max_body_bytes=1024 * 1024).fetch(url)


async def test_gzip_and_brotli_bodies_are_decoded(web: WebServer) -> None:
    text = "<rss>café</rss>".encode()
    url = web.route("/f/gz", Reply(200, {"Content-Encoding": "gzip"}, gzip.compress(text)))
    assert (await fetcher().fetch(url)).body == text
    url = web.route("/f/br", Reply(200, {"Content-Encoding": "br"}, brotli.compress(text)))
    assert (await fetcher().fetch(url)).body == text
    latin = "<rss>caf\xe9</rss>".encode("latin-1")
    url = web.route("/f/latin", Reply(200, {"Content-Type": "text/xml; charset=ISO-8859-1"}, latin))
    result = await fetcher().fetch(url)
    assert result.body == latin and result.content_type == "text/xml; charset=ISO-8859-1"


async def test_a_dripping_server_hits_the_total_timeout(web: WebServer) -> None:
    async def drip() -> AsyncIterator[bytes]:
        for _ in range(100):
            yield b"."
            await asyncio.sleep(0.5)

    url = web.route("/f/drip", Reply(200, body=drip))
    began = time.monotonic()
    with pytest.raises(FetchTimeout, match="longer than 2 s"):
        await fetcher(total_s=2).fetch(url)
    assert time.monotonic() - began < 5


async def test_requests_to_one_host_are_spaced(web: WebServer) -> None:
    url = web.route("/f/spaced", Reply(200, body=b"ok"))
    f = fetcher(min_host_interval_s=0.3)
    await asyncio.gather(f.fetch(url), f.fetch(url), f.fetch(url))
    starts = [r.received_at for r in web.hits("/f/spaced")[-3:]]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    # Spaced by the client, stamped by the server: allow a few tens of ms of scheduling.
    assert all(g >= 0.25 for g in gaps), gaps
