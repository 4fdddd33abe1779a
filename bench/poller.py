"""The ingester's poller against 10,000 feeds on a local farm, next to bare HTTP GETs.

The farm (``bench.feedfarm``, its own process) serves the feeds on 200 ports of 127.0.0.1,
so per-host politeness applies as with 200 sites: mostly 304s, some feeds that change on
every poll (20 items), some errors and some slow ones. In the same run, each row in a
process of its own (so that its peak RSS is its own):

* bare aiohttp GETs: an aiohttp client GETs the feeds as fast as it can (same
  concurrency, no validators, no parsing, no politeness, nothing written);
* bare httpx GETs: the same with an httpx client;
* newswire: the ingester itself (scheduler, fetcher, parsers, state, Kafka transactions to
  the local broker) with every feed due every 30 s, so that it runs flat out: its first
  cycle (every feed is new: a 200 and a parse each), then ``--seconds`` of the cycles
  after it (the 85% that did not change answer 304), which is the steady state of a
  deployment.

    python -m bench.poller [--feeds 10000] [--seconds 60] [--bootstrap HOST:PORT]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import httpx

from services.core import logs
from services.core.admin import ensure_topics
from services.core.localkafka import start_local_broker
from services.core.metrics import Metrics
from services.core.settings import Settings
from services.core.topics import ALL_TOPICS
from services.ingester.feedlist import FeedSpec
from services.ingester.service import Ingester

from .proc import cpu_seconds, status_mb
from .table import table

ROWS = {
    "aiohttp": "bare aiohttp GETs (baseline)",
    "httpx": "bare httpx GETs",
    "newswire": "newswire ingester, after the first cycle",
}


def fetch_count(ingester: Ingester) -> float:
    """Polls so far: the fetch counter alone (collecting the whole registry, with its
    per-feed gauges, would cost the ingester a good part of its CPU)."""
    return sum(
        s.value
        for family in ingester.m.fetches.collect()
        for s in family.samples
        if s.name.endswith("_total")
    )


def rss_mb() -> float:
    """The current resident set of this process."""
    return status_mb("VmRSS")


def peak_rss_mb() -> float:
    """This process's peak resident set (``ru_maxrss`` would carry its parent's over exec)."""
    return status_mb("VmHWM")


async def gets(
    urls: list[str], seconds: float, concurrency: int, get: Callable[[str], Awaitable[None]]
) -> dict[str, float]:
    """GETs per second and CPU seconds per GET of ``get`` over the feeds."""
    done = 0
    stop_at = time.monotonic() + seconds
    queue = iter(urls * 10)

    async def worker() -> None:
        nonlocal done
        for url in queue:
            if time.monotonic() > stop_at:
                return
            with contextlib.suppress(httpx.HTTPError, aiohttp.ClientError, TimeoutError):
                await get(url)
            done += 1

    cpu, began = time.process_time(), time.monotonic()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.monotonic() - began
    return {
        "rate": done / elapsed,
        "cpu": (time.process_time() - cpu) / max(done, 1),
        "requests": done,
    }


async def bare_httpx(urls: list[str], seconds: float, concurrency: int) -> dict[str, float]:
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=500)) as client:

        async def get(url: str) -> None:
            await client.get(url)

        return await gets(urls, seconds, concurrency, get)


async def bare_aiohttp(urls: list[str], seconds: float, concurrency: int) -> dict[str, float]:
    connector = aiohttp.TCPConnector(limit=500)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=30)
    ) as session:

        async def get(url: str) -> None:
            async with session.get(url) as response:
                await response.read()

        return await gets(urls, seconds, concurrency, get)


async def newswire(
    bootstrap: str, urls: list[str], seconds: float, concurrency: int
) -> dict[str, float]:
    """Polls per second and CPU seconds per poll: the first cycle (every feed new to the
    ingester: a 200 and a parse for each), then ``seconds`` of the cycles after it (304s
    for the feeds that did not change)."""
    prefix = f"bench{uuid.uuid4().hex[:6]}"
    await ensure_topics(bootstrap, ALL_TOPICS, prefix=prefix, partitions=3)
    settings = Settings(
        kafka_bootstrap=bootstrap,
        topic_prefix=prefix,
        group_prefix=prefix,
        seeds_dir=Path(tempfile.mkdtemp()),
        feeds_file=Path(tempfile.mkdtemp()) / "none.yaml",
        feed_min_interval_s=30,
        feed_max_interval_s=30,
        fetch_concurrency=concurrency,
        fetch_allow_networks=["127.0.0.1/32"],
        http_port=0,
    )
    metrics = Metrics()
    feeds = [FeedSpec(url=u) for u in urls]
    ingester = Ingester(settings, bootstrap, metrics, feeds)
    stop = asyncio.Event()
    task = asyncio.create_task(ingester.run(stop))
    while not ingester.ready:  # noqa: ASYNC110 - polling a property
        await asyncio.sleep(0.1)

    async def phase(name: str, until: Callable[[float, float], bool]) -> tuple[float, float, float]:
        cpu, began, count = time.process_time(), time.monotonic(), fetch_count(ingester)
        shown = began
        while not until(time.monotonic() - began, fetch_count(ingester) - count):
            await asyncio.sleep(0.5)
            if time.monotonic() - shown >= 10:
                shown = time.monotonic()
                done = fetch_count(ingester) - count
                print(f"  {name}: {done:>7,.0f} polls after {shown - began:>4.0f} s, "
                      f"RSS {rss_mb():,.0f} MB", file=sys.stderr)  # fmt: skip
        polls, elapsed = fetch_count(ingester) - count, time.monotonic() - began
        print(f"  {name}: {polls:,.0f} polls in {elapsed:.0f} s", file=sys.stderr)
        return polls / elapsed, (time.process_time() - cpu) / max(polls, 1), polls

    cold = await phase("first cycle", lambda _t, polls: polls >= len(urls))
    warm = await phase("after it", lambda t, _polls: t >= seconds)
    stop.set()
    await task
    return {
        "rate": warm[0],
        "cpu": warm[1],
        "cold_rate": cold[0],
        "cold_cpu": cold[1],
        "requests": cold[2] + warm[2],
    }


def row(args: argparse.Namespace) -> None:
    """One row, in this process: prints its figures as JSON."""
    urls = [
        f"http://127.0.0.1:{args.ports[n % len(args.ports)]}/feed/{n}" for n in range(args.feeds)
    ]
    if args.row == "aiohttp":
        figures = asyncio.run(bare_aiohttp(urls, args.baseline_seconds, args.concurrency))
    elif args.row == "httpx":
        figures = asyncio.run(bare_httpx(urls, args.baseline_seconds, args.concurrency))
    else:
        figures = asyncio.run(newswire(args.bootstrap, urls, args.seconds, args.concurrency))
    figures["rss_mb"] = peak_rss_mb()
    print(json.dumps(figures), flush=True)


def run_row(
    name: str, args: argparse.Namespace, ports: list[int], bootstrap: str, farm: int
) -> dict[str, float]:
    """One row in a process of its own; ``farm_cpu``: the farm's CPU seconds per request
    it served meanwhile."""
    print(f"{ROWS[name]} ...", file=sys.stderr)
    farm_before = cpu_seconds(farm)
    command = [sys.executable, "-m", "bench.poller", "--row", name, "--ports", json.dumps(ports)]
    command += ["--feeds", str(args.feeds), "--seconds", str(args.seconds)]
    command += ["--baseline-seconds", str(args.baseline_seconds)]
    command += ["--concurrency", str(args.concurrency), "--bootstrap", bootstrap]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["farm_cpu"] = (cpu_seconds(farm) - farm_before) / max(figures["requests"], 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline-seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--bootstrap")
    parser.add_argument("--row", choices=ROWS, help=argparse.SUPPRESS)
    parser.add_argument("--ports", type=json.loads, help=argparse.SUPPRESS)
    args = parser.parse_args()
    logs.configure("console", "WARNING")
    if args.row:
        row(args)
        return
    bootstrap = args.bootstrap or start_local_broker(Settings())
    farm = subprocess.Popen(
        [sys.executable, "-m", "bench.feedfarm", "--ports", "200"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert farm.stdout is not None
        ports = json.loads(farm.stdout.readline())
        figures = {name: run_row(name, args, ports, bootstrap, farm.pid) for name in ROWS}
    finally:
        farm.terminate()
    base = figures["aiohttp"]["rate"]
    rows = [
        [label, f"{f['rate']:,.0f}", f"{f['cpu'] * 1000:.2f}", f"{f['rss_mb']:,.0f}",
         f"{f['rate'] / base:.2f}", f"{f['farm_cpu'] * 1000:.3f}"]
        for label, f in ((ROWS[name], figures[name]) for name in ROWS)
    ]  # fmt: skip
    cold = figures["newswire"]
    rows.append(
        ["newswire ingester, first cycle", f"{cold['cold_rate']:,.0f}",
         f"{cold['cold_cpu'] * 1000:.2f}", "", f"{cold['cold_rate'] / base:.2f}", "(above)"]
    )  # fmt: skip
    print(f"\npoller: {args.feeds:,} feeds on 200 local hosts, one process; the ingester's")
    print(f"first cycle (every feed new to it), then {args.seconds:g} s after it")
    print("(85% answer 304, 10% change on every poll, 3% fail, 2% answer after 1 s)\n")
    print(table(["", "polls/s", "CPU ms/poll", "peak RSS MB", "ratio", "farm CPU ms/req"], rows))
    print("(farm CPU ms/req: the farm's CPU per request it served during the row; the")
    print("ingester's row counts its first cycle and the cycles after it together)")
    print(f"\na 2-minute cycle for {args.feeds:,} feeds needs {args.feeds / 120:.0f} polls/s")


if __name__ == "__main__":
    main()
