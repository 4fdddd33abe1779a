"""The one small HTTP server, over real connections on 127.0.0.1: what it answers, how it
keeps and ends connections, and the example feeds of the local run served by it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable

import httpx
import pytest

from services.core.httpserver import HttpServer, Reply, Request
from services.ingester.examples import ExampleFeedServer
from tests.conftest import ROOT


async def echo(request: Request) -> Reply:
    return Reply.text(200, f"{request.method} {request.target} {request.headers.get('x-a')}")


@pytest.fixture
async def server() -> AsyncIterator[HttpServer]:
    async def drip() -> AsyncIterator[bytes]:
        for part in (b"one ", b"", b"two"):
            yield part
            await asyncio.sleep(0)

    def route(request: Request) -> Reply | Awaitable[Reply]:
        if request.path == "/chunked":
            return Reply(200, body=drip)
        if request.path == "/raw":
            return Reply(raw=b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\nshort")
        if request.path == "/fails":
            raise RuntimeError("no such thing")
        return echo(request)

    http = HttpServer(route, "127.0.0.1", 0)
    await http.start()
    yield http
    await http.stop()


async def exchange(port: int, data: bytes) -> bytes:
    """Send ``data`` on one connection, read until the server closes it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()


async def test_sync_and_async_handlers_chunked_bodies_and_head(server: HttpServer) -> None:
    async with httpx.AsyncClient(base_url=server.url()) as client:
        r = await client.get("/a?q=1", headers={"X-A": "b"})
        assert (r.status_code, r.text) == (200, "GET /a?q=1 b")
        assert r.headers["content-type"] == "text/plain; charset=utf-8"
        r = await client.get("/chunked")
        assert r.text == "one two" and r.headers["transfer-encoding"] == "chunked"
        r = await client.head("/a")
        assert r.content == b"" and r.headers["content-length"] == str(len("HEAD /a None"))
        r = await client.get("/fails")
        assert r.status_code == 500 and "no such thing" in r.text


async def test_connections_are_kept_for_the_next_request_unless_asked(
    server: HttpServer,
) -> None:
    two = b"GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nConnection: close\r\n\r\n"
    out = await exchange(server.port, two)
    assert out.count(b"HTTP/1.1 200 OK") == 2 and out.endswith(b"GET /2 None")
    first, second = out.split(b"GET /1 None", 1)
    assert b"Connection: close" not in first and b"Connection: close" in second
    old = await exchange(server.port, b"GET /old HTTP/1.0\r\n\r\n")  # 1.0: closed after one
    assert old.startswith(b"HTTP/1.1 200 OK") and old.endswith(b"GET /old None")


async def test_raw_replies_and_request_bodies(server: HttpServer) -> None:
    assert await exchange(server.port, b"GET /raw HTTP/1.1\r\n\r\n") == (
        b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\nshort"
    )
    body = b"POST /p HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /next HTTP/1.1\r\n"
    out = await exchange(server.port, body + b"Connection: close\r\n\r\n")
    assert out.count(b"200 OK") == 2 and out.endswith(b"GET /next None")
    chunked = b"POST /p HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
    assert (await exchange(server.port, chunked)).startswith(b"HTTP/1.1 413 ")


async def test_idle_connections_are_closed_and_stop_closes_the_rest() -> None:
    idle = HttpServer(echo, "127.0.0.1", 0, idle_timeout_s=0.2)
    await idle.start()
    try:
        assert await exchange(idle.port, b"GET /x HTTP/1.1\r\n") == b""  # never finished
    finally:
        await idle.stop()
    kept = HttpServer(echo, "127.0.0.1", 0)
    await kept.start()
    reader, writer = await asyncio.open_connection("127.0.0.1", kept.port)
    writer.write(b"GET /x HTTP/1.1\r\n\r\n")
    await reader.readuntil(b"GET /x None")
    await kept.stop()
    assert await asyncio.wait_for(reader.read(), 5) == b""
    writer.close()


async def test_a_taken_port_is_an_os_error() -> None:
    first = HttpServer(echo, "127.0.0.1", 0)
    await first.start()
    try:
        with pytest.raises(OSError):
            await HttpServer(echo, "127.0.0.1", first.port).start()
    finally:
        await first.stop()


async def test_the_example_feeds_are_served_with_validators() -> None:
    examples = ExampleFeedServer(ROOT / "examples" / "feeds")
    taken = HttpServer(echo, "127.0.0.1", 0)
    await taken.start()
    await examples.start(taken.port)  # taken: another free port
    try:
        feeds = examples.feeds()
        assert feeds and not examples.base_url.endswith(f":{taken.port}")
        async with httpx.AsyncClient() as client:
            first = await client.get(feeds[0].url)
            assert first.status_code == 200 and first.headers["etag"]
            name = feeds[0].url.rsplit("/", 1)[1]
            assert first.content == (ROOT / "examples" / "feeds" / name).read_bytes()
            again = await client.get(feeds[0].url, headers={"If-None-Match": first.headers["etag"]})
            assert again.status_code == 304 and again.content == b""
            since = {"If-Modified-Since": first.headers["last-modified"]}
            assert (await client.get(feeds[0].url, headers=since)).status_code == 304
            for path in ("/", "/../pyproject.toml", "/%2e%2e/pyproject.toml", "/missing.xml"):
                assert (await client.get(examples.base_url + path)).status_code == 404
    finally:
        await examples.stop()
        await taken.stop()
