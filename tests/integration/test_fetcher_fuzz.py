"""Generated responses thrown at the fetcher through a real server on 127.0.0.1.

Hypothesis writes the whole response: status line, header names and values (any text,
raw bytes, the headers the fetcher reads with hostile values), and a body (random bytes,
or text under a stack of real or fake codings, a small bomb, truncated). Whatever comes
back, the fetcher returns a result or raises a ``FetchError``, within its time limit and a
bounded amount of memory. 100 examples in CI, 2,000 in the full run.
"""

from __future__ import annotations

import asyncio
import gc
import gzip
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator

import brotli
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.core.httpserver import HttpServer, Reply
from services.ingester.fetch import FetchError
from services.ingester.fetch.guard import AddressRefused

from .fetching import fetcher

CAP = 256 * 1024
TOTAL_S = 2.0

READ = ["ETag", "Last-Modified", "Retry-After", "Location", "Content-Encoding",
        "Content-Type", "Cache-Control", "Expires", "Content-Length", "Transfer-Encoding"]  # fmt: skip
NASTY_VALUES = [
    "\u00b2", "\u0663", "caf\u00e9", "\x00", "\x7f", "  ", "", "-1", "99999999999999999999",
    "gzip, gzip, gzip", "br, deflate", "zstd", "identity", "x-gzip", "chunked", "chunked, gzip",
    "text/html; charset=punycode", "text/html; charset=utf-7", "text/xml; charset=rot13",
    "http://" + "\u00e9" * 64 + ".example/", "http://127.0.0.1:99999/", "http://[::1",
    "http://10.0.0.1/", "http://169.254.169.254/latest", "//fuzz.test/x", "/again", "?q",
    "http://xn--strae-oqa.fuzz.test/", "javascript:alert(1)", "max-age=" + "9" * 40,
    "Tue, 32 Oct 2024 25:61:00 GMT", "Thu, 01 Jan 1970 00:00:00 GMT", "W/\"\u00e9\"",
]  # fmt: skip


def _code(coding: str, data: bytes) -> bytes:
    if coding in ("gzip", "x-gzip"):
        return gzip.compress(data, mtime=0)  # the same bytes on every replay
    if coding == "deflate":
        return zlib.compress(data)
    if coding == "br":
        return bytes(brotli.compress(data))
    return data


@st.composite
def bodies(draw: st.DrawFn) -> tuple[list[str], bytes]:
    """(codings declared, body): coded text, random bytes, a bomb, maybe cut short."""
    kind = draw(st.sampled_from(["plain", "coded", "bomb", "random"]))
    if kind == "random":
        return draw(st.lists(st.sampled_from(["gzip", "br", "deflate", "zstd"]), max_size=3)), draw(
            st.binary(max_size=2000)
        )
    codings = draw(
        st.lists(st.sampled_from(["gzip", "deflate", "br", "identity", "x-gzip"]), max_size=3)
    )
    data = (
        b"\0" * draw(st.integers(CAP, 8 * CAP))
        if kind == "bomb"
        else draw(st.text(max_size=3000)).encode("utf-8", "surrogatepass")
    )
    for coding in codings:
        data = _code(coding, data)
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return codings, data


def _value() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.sampled_from(NASTY_VALUES).map(lambda v: v.encode("utf-8", "surrogatepass")),
        st.text(max_size=80).map(lambda v: v.encode("utf-8", "surrogatepass")),
        st.binary(max_size=80),
    )


@st.composite
def responses(draw: st.DrawFn) -> bytes:
    status = draw(st.one_of(
        st.sampled_from([200, 203, 204, 206, 301, 302, 303, 304, 307, 308, 404, 429, 500, 503]),
        st.integers(100, 999),
    ))  # fmt: skip
    reason = draw(st.sampled_from([b"OK", b"", b"\xe9t\xe9", b"X" * 100]))
    codings, body = draw(bodies())
    headers: list[tuple[bytes, bytes]] = []
    if codings and draw(st.booleans()):
        headers.append((b"Content-Encoding", ", ".join(reversed(codings)).encode()))
    for _ in range(draw(st.integers(0, 6))):
        name = draw(
            st.one_of(st.sampled_from(READ).map(str.encode), st.binary(min_size=1, max_size=20))
        )
        headers.append((name, draw(_value())))
    framing = draw(st.sampled_from(["length", "close", "chunked", "wrong-length"]))
    if framing == "length":
        headers.append((b"Content-Length", str(len(body)).encode()))
    elif framing == "wrong-length":
        headers.append((b"Content-Length", str(len(body) + draw(st.integers(-50, 50))).encode()))
    elif framing == "chunked":
        headers.append((b"Transfer-Encoding", b"chunked"))
        body = (b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)) if body else b"0\r\n\r\n"
    head = b"HTTP/1.1 %d %s\r\n" % (status, reason)
    head += b"".join(b"%s: %s\r\n" % (n, v) for n, v in headers)
    return head + b"Connection: close\r\n\r\n" + body


class RawServer:
    """Answers every request with the bytes it is given, then closes."""

    def __init__(self) -> None:
        self.response = b""
        self.http = HttpServer(lambda _request: Reply(raw=self.response), "127.0.0.1", 0)

    @property
    def port(self) -> int:
        return self.http.port


@pytest.fixture(scope="module")
async def raw() -> AsyncIterator[RawServer]:
    server = RawServer()
    await server.http.start()
    yield server
    await server.http.stop()


async def only_here(host: str, port: int) -> list[str]:
    return ["127.0.0.1"]  # every name of a generated Location is this machine


async def _throw(raw: RawServer, response: bytes) -> None:
    raw.response = response
    f = fetcher(lookup=only_here, max_body_bytes=CAP, total_s=TOTAL_S)
    check = f.guard.socket_factory

    def loopback_only(info):  # type: ignore[no-untyped-def]
        if info[4][0] != "127.0.0.1":  # a generated URL must never leave this machine
            raise AddressRefused(str(info[4][0]), str(info[4][0]), "not this test's server")
        return check(info)

    f.guard.socket_factory = loopback_only  # type: ignore[method-assign]
    gc.collect()  # what earlier examples left is not this one's
    base = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    began = time.monotonic()
    try:
        result = await f.fetch(f"http://127.0.0.1:{raw.port}/fuzz")
        assert len(result.body) <= CAP
    except FetchError:
        pass
    finally:
        await f.aclose()
    assert time.monotonic() - began < TOTAL_S + 1.0
    grew = tracemalloc.get_traced_memory()[1] - base
    PEAKS.append(grew)
    assert grew < 4 * CAP + 2 * 1024 * 1024, grew


def _run(raw: RawServer, response: bytes) -> None:
    asyncio.run_coroutine_threadsafe(_throw(raw, response), LOOP[0]).result(30)


LOOP: list[asyncio.AbstractEventLoop] = []
PEAKS: list[int] = []


async def _fuzz(raw: RawServer, examples: int) -> None:
    LOOP[:] = [asyncio.get_running_loop()]

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(responses())
    def check(response: bytes) -> None:
        _run(raw, response)

    tracemalloc.start()
    try:
        await asyncio.to_thread(check)
    finally:
        tracemalloc.stop()
    print(f"{len(PEAKS)} responses, largest growth of traced memory {max(PEAKS) / 1024:.0f} KiB")


async def test_generated_responses_give_a_result_or_a_fetch_error(raw: RawServer) -> None:
    await _fuzz(raw, 100)


@pytest.mark.full
async def test_generated_responses_full(raw: RawServer) -> None:
    await _fuzz(raw, 2000)
