"""The ingester's poller against 10,000 feeds on a local farm, next to bare HTTP GETs.

The farm (``bench.feedfarm``, its own process) serves the feeds on 200 ports of 127.0.0.1,
so per-host politeness applies as with 200 sites: mostly 304s, some feeds that change on
every poll (20 items), some errors and some slow ones. In the same run:

* baseline: an httpx client GETs the feeds as fast as it can (same concurrency, no
  validators, no parsing, no politeness, nothing written);
* newswire: the ingester itself (scheduler, fetcher, parsers, state, Kafka transactions to
  the local broker) with every feed due every 30 s, so that it runs flat out.

    python -m bench.poller [--feeds 10000] [--seconds 90] [--bootstrap HOST:PORT]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from services.core import logs
from services.core.admin import ensure_topics
from services.core.localkafka import start_local_broker
from services.core.metrics import Metrics
from services.core.settings import Settings
from services.core.topics import ALL_TOPICS
from services.ingester.feedlist import FeedSpec
from services.ingester.service import Ingester

from .table import table


def fetch_count(metrics: Metrics) -> float:
    return sum(
        s.value
        for family in metrics.registry.collect()
        if family.name == "newswire_fetches"
        for s in family.samples
        if s.name.endswith("_total")
    )


async def baseline(urls: list[str], seconds: float, concurrency: int) -> tuple[float, float]:
    """(GETs per second, CPU seconds per GET) of plain httpx over the same feeds."""
    done = 0
    stop_at = time.monotonic() + seconds
    queue = iter(urls * 10)
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=500)) as client:

        async def worker() -> None:
            nonlocal done
            for url in queue:
                if time.monotonic() > stop_at:
                    return
                with contextlib.suppress(httpx.HTTPError):
                    await client.get(url)
                done += 1

        cpu, began = time.process_time(), time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - began
    return done / elapsed, (time.process_time() - cpu) / max(done, 1)


async def newswire(
    bootstrap: str, urls: list[str], seconds: float, concurrency: int
) -> tuple[float, float, float]:
    """(polls per second, CPU seconds per poll, polls per second in the last third)."""
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
    cpu, began = time.process_time(), time.monotonic()
    marks = []
    while time.monotonic() - began < seconds:
        await asyncio.sleep(1)
        marks.append((time.monotonic(), fetch_count(metrics)))
        print(
            f"  {marks[-1][1]:>8,.0f} polls after {marks[-1][0] - began:>4.0f} s", file=sys.stderr
        )
    polls = fetch_count(metrics)
    used = time.process_time() - cpu
    elapsed = time.monotonic() - began
    stop.set()
    await task
    third = len(marks) // 3
    (t0, c0), (t1, c1) = marks[-third - 1], marks[-1]
    return polls / elapsed, used / max(polls, 1), (c1 - c0) / (t1 - t0)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--bootstrap")
    args = parser.parse_args()
    logs.configure("console", "WARNING")
    bootstrap = args.bootstrap or start_local_broker(Settings())
    farm = subprocess.Popen(  # noqa: ASYNC220 - started once, before the measurements
        [sys.executable, "-m", "bench.feedfarm", "--ports", "200"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert farm.stdout is not None
        ports = json.loads(farm.stdout.readline())
        urls = [f"http://127.0.0.1:{ports[n % len(ports)]}/feed/{n}" for n in range(args.feeds)]
        print("baseline: bare httpx GETs ...", file=sys.stderr)
        base_rate, base_cpu = await baseline(urls, 20, args.concurrency)
        rss_baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print("newswire: the ingester ...", file=sys.stderr)
        rate, cpu, steady = await newswire(bootstrap, urls, args.seconds, args.concurrency)
    finally:
        farm.terminate()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npoller: {args.feeds:,} feeds on 200 local hosts, {args.seconds:g} s, one process")
    print("(85% answer 304, 10% change on every poll, 3% fail, 2% answer after 1 s)\n")
    print(
        table(
            ["", "polls/s", "CPU ms/poll", "ratio"],
            [
                [
                    "bare httpx GETs (baseline)",
                    f"{base_rate:,.0f}",
                    f"{base_cpu * 1000:.2f}",
                    "1.00",
                ],
                [
                    "newswire ingester, whole run",
                    f"{rate:,.0f}",
                    f"{cpu * 1000:.2f}",
                    f"{rate / base_rate:.2f}",
                ],
                [
                    "newswire ingester, last third",
                    f"{steady:,.0f}",
                    "",
                    f"{steady / base_rate:.2f}",
                ],
            ],
        )
    )
    print(f"\npeak RSS: {rss_baseline:,.0f} MB after the baseline, {rss_mb:,.0f} MB after newswire")
    print(f"a 5-minute cycle for {args.feeds:,} feeds needs {args.feeds / 300:.0f} polls/s")


if __name__ == "__main__":
    asyncio.run(main())
