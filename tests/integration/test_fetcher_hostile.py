"""Hostile responses from a real server: bombs, bad headers, a punycode page.

Each is refused or bounded, and always as a ``FetchError`` that a poll counts and backs
off from.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import json
import sys
import textwrap
import time
import zlib
from collections.abc import Callable

import brotli
import pytest

from services.core.testing import Reply, WebServer
from services.ingester.feedlist import FeedSpec
from services.ingester.fetch import BadResponse, HttpStatus
from services.ingester.poller import initial_state, poll_feed

from .fetching import NOW, POLICY, fetcher, rss

MiB = 1024 * 1024
CAP = 4 * MiB
EXPANDED = 256 * MiB


def _compress(kind: str, data: bytes) -> bytes:
    if kind == "gzip":
        c = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    elif kind == "deflate":
        c = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS)
    elif kind == "raw-deflate":
        c = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    else:
        return bytes(brotli.compress(data, quality=5))
    return c.compress(data) + c.flush()


@functools.cache
def bombs() -> dict[str, tuple[str, bytes]]:
    """name -> (Content-Encoding, body): each expands to 256 MiB of zeros."""
    zeros = b"\0" * EXPANDED
    gz, br = _compress("gzip", zeros), _compress("br", zeros)
    return {
        "gzip": ("gzip", gz),
        "deflate (zlib)": ("deflate", _compress("deflate", zeros)),
        "deflate (raw)": ("deflate", _compress("raw-deflate", zeros)),
        "br": ("br", br),
        "gzip, gzip": ("gzip, gzip", gzip.compress(gz, 9)),
        "br, gzip": ("br, gzip", gzip.compress(br, 9)),
        "gzip, br": ("gzip, br", _compress("br", gz)),
    }


PEAK_SCRIPT = textwrap.dedent(
    """
    import asyncio, json, sys
    from services.ingester.fetch import FetchConfig, Fetcher, Limits, TooLarge

    def status_mb(field):  # this process's own (ru_maxrss would carry the parent's over exec)
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith(field + ":"))
        return int(line.split()[1]) / 1024

    def peak_mb():
        return status_mb("VmHWM")

    def now_mb():
        return status_mb("VmRSS")

    async def main(urls, cap):
        config = FetchConfig(limits=Limits(max_body_bytes=cap, min_host_interval_s=0),
                             allow_networks=("127.0.0.1/32",))
        async with Fetcher(config) as fetcher:
            await fetcher.fetch(urls.pop("warm-up"))
            before, out = now_mb(), {}
            for name, url in urls.items():
                try:
                    await fetcher.fetch(url)
                    out[name] = "fetched"
                except TooLarge as exc:
                    out[name] = "too_large: " + str(exc)
                out[name + " peak"] = peak_mb() - before
        print(json.dumps({"outcomes": out, "growth_mb": peak_mb() - before}))

    asyncio.run(main(json.loads(sys.argv[1]), int(sys.argv[2])))
    """
)


async def test_compression_bombs_stop_at_the_cap_within_bounded_memory(web: WebServer) -> None:
    urls = {
        "warm-up": web.route(
            "/h/warm", Reply(200, {"Content-Encoding": "gzip"}, gzip.compress(rss("w")))
        )
    }
    for n, (name, (coding, body)) in enumerate(bombs().items()):
        assert len(body) < 300_000
        urls[name] = web.route(f"/h/bomb{n}", Reply(200, {"Content-Encoding": coding}, body))
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        PEAK_SCRIPT,
        json.dumps(urls),
        str(CAP),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await asyncio.wait_for(child.communicate(), 120)
    assert child.returncode == 0
    report = json.loads(out)
    print(report)
    for name in bombs():
        assert report["outcomes"][name].startswith("too_large"), (name, report)
    # The whole run, seven bombs of 256 MiB each: the peak grew by less than the cap + 64 MB.
    assert report["growth_mb"] < CAP / MiB + 64, report


async def test_bad_validators_are_dropped_and_a_stored_one_does_not_stick(
    web: WebServer,
) -> None:
    def feed(_request: object) -> Reply:
        return Reply(200, {"ETag": '"caf\u00e9"', "Last-Modified": "Tue, 22 Oct 2024 10:00:00 GMT\u00b2",
                           "Content-Type": "application/rss+xml; charset=\u00e9"}, rss("v"))  # fmt: skip

    spec = FeedSpec(url=web.route("/h/validators", feed))
    first = await poll_feed(spec, initial_state(spec), fetcher(), POLICY, NOW)
    assert first.outcome == "200" and first.state.etag is None and first.state.last_modified is None
    assert first.items[0].http is not None and first.items[0].http.content_type is None
    # A state written before validators were checked: the next poll still goes out.
    stale = first.state.model_copy(update={"etag": '"caf\u00e9"', "last_modified": "x\ny"})
    second = await poll_feed(spec, stale, fetcher(), POLICY, NOW)
    assert second.outcome == "200" and second.state.error_count == 0
    sent = web.hits("/h/validators")[-1].headers
    assert "if-none-match" not in sent and "if-modified-since" not in sent


@pytest.mark.parametrize(
    "value", ["\u00b2", "\u0663", "1e9", "-1", "Tue, 32 Oct 2024 25:61:00 GMT"]
)
async def test_retry_after_that_is_neither_form_is_ignored(web: WebServer, value: str) -> None:
    url = web.route(f"/h/retry{value.encode().hex()}", Reply(429, {"Retry-After": value}))
    with pytest.raises(HttpStatus) as err:
        await fetcher().fetch(url)
    assert err.value.status == 429 and err.value.retry_after_s is None


LOCATIONS = {
    "bad IDNA": "http://" + "\u00e9" * 64 + ".example/feed",
    "port over 65535": "http://127.0.0.1:99999/feed",
    "unclosed IPv6": "http://[::1/feed",
    "not http": "gopher://127.0.0.1/feed",
    "empty label": "http://a..example/feed",
    "control character": "http://exa\x01mple.org/",
}


@pytest.mark.parametrize("case", sorted(LOCATIONS))
async def test_a_bad_location_is_a_counted_failure(web: WebServer, case: str) -> None:
    spec = FeedSpec(
        url=web.route(
            f"/h/location-{sorted(LOCATIONS).index(case)}",
            Reply(301, {"Location": LOCATIONS[case]}),
        )
    )
    out = await poll_feed(spec, initial_state(spec), fetcher(), POLICY, NOW)
    assert out.outcome == "bad_response", out.state.last_error
    assert out.state.error_count == 1 and out.state.health == "backing_off"
    assert "Location" in (out.state.last_error or "")


@pytest.mark.parametrize(
    ("coding", "body", "why"),
    [
        ("zstd", b"(\xb5/\xfd", "unknown content coding 'zstd'"),
        ("gzip, compress", b"x", "unknown content coding 'compress'"),
        ("gzip", b"\x1f\x8b\x08\x00garbage-garbage-garbage", "gzip data is corrupt"),
        ("br", b"\xff" * 32, "br data is corrupt"),
        (", ".join(["gzip"] * 9), b"x", "9 content codings stacked"),
    ],
)
async def test_unknown_and_corrupt_codings_are_a_clear_error(
    web: WebServer, coding: str, body: bytes, why: str
) -> None:
    url = web.route(
        f"/h/coding-{coding.replace(', ', '-')}-{len(body)}",
        Reply(200, {"Content-Encoding": coding}, body),
    )
    with pytest.raises(BadResponse, match=why):
        await fetcher().fetch(url)


async def stall_while(work: Callable[[], object]) -> tuple[float, float]:
    """Run ``work`` (a coroutine function) with a 10 ms ticker on the loop; the longest gap
    between ticks in CPU time of the loop's thread (what code on the loop held it for),
    and in wall time (which a loaded machine stretches too)."""
    done = asyncio.Event()
    worst_cpu = worst_wall = 0.0

    async def ticker() -> None:
        nonlocal worst_cpu, worst_wall
        cpu, wall = time.thread_time(), time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.01)
            now_cpu, now_wall = time.thread_time(), time.perf_counter()
            worst_cpu = max(worst_cpu, now_cpu - cpu)
            worst_wall = max(worst_wall, now_wall - wall - 0.01)
            cpu, wall = now_cpu, now_wall

    ticking = asyncio.create_task(ticker())
    try:
        await work()  # type: ignore[misc]
    finally:
        done.set()
        await ticking
    return worst_cpu, worst_wall


async def test_a_punycode_page_does_not_stall_the_loop(web: WebServer) -> None:
    text = "Unicode text, é and 日本, repeated. " * 7000  # 240 KB
    assert len(text.encode()) > 240_000
    # Decoded as declared, this would take seconds of quadratic punycode decoding.
    page = web.route(
        "/h/puny-page", Reply(200, {"Content-Type": "text/html; charset=punycode"}, text.encode())
    )
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>P</title><item><guid>p1</guid><link>{page}</link><description>Short.</description></item></channel></rss>'.encode()
    spec = FeedSpec(
        url=web.route(
            "/h/puny-feed",
            Reply(200, {"Content-Type": "application/rss+xml; charset=punycode"}, body),
        ),
        full_text=True,
    )
    result = {}

    async def poll() -> None:
        result["out"] = await poll_feed(
            spec, initial_state(spec), fetcher(max_body_bytes=4 * MiB), POLICY, NOW
        )

    began = time.perf_counter()
    worst_cpu, worst_wall = await stall_while(poll)
    elapsed = time.perf_counter() - began
    out = result["out"]
    print(
        f"punycode page: {elapsed:.2f} s, longest loop stall {worst_cpu * 1000:.0f} ms CPU, {worst_wall * 1000:.0f} ms wall"
    )
    assert out.outcome == "200" and out.items[0].page_html == text  # read as UTF-8
    assert worst_cpu < 0.1, worst_cpu
    assert elapsed < 10
