"""Memory over a long run: the ingester polls simulated feeds that always have news, the
normalizer and enricher follow, and each process's resident memory is sampled. It must
stay flat: the median of the last third of the run at most 15% (and 40 MB) above the
median of the second third. CI runs 75 s; the full suite ``NEWSWIRE_SOAK_MINUTES`` (30)."""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import subprocess
import uuid
from itertools import count
from pathlib import Path

import pytest

from services.core.admin import ensure_topics
from services.core.testing import Reply, Request, WebServer, written
from services.core.topics import ALL_TOPICS

from .conftest import PYTHON, service_env
from .reliability import tail

FEEDS = 10
ITEMS_PER_POLL = 4
SAMPLE_S = 3.0
MINUTES = float(os.environ.get("NEWSWIRE_SOAK_MINUTES", "30"))


def rss_of(feed: int, polls: count[int]) -> Reply:
    n = next(polls)
    items = "".join(
        f"<item><guid>f{feed}-{n}-{i}</guid><title>Feed {feed} story {n}.{i}</title>"
        f"<description>The minister said that bridge {n} in Kharkiv would reopen on "
        f"Friday, according to the city council. Officials warned that {i + 2} roads "
        f"stay closed.</description></item>"
        for i in range(ITEMS_PER_POLL)
    )
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {feed}</title>{items}</channel></rss>'
    return Reply(200, {"Content-Type": "application/rss+xml"}, body.encode())


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start(service: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [PYTHON, "-m", "services", service], env=env, stdout=out, stderr=subprocess.STDOUT
        )


def flat(samples: list[float]) -> tuple[float, float]:
    third = len(samples) // 3
    return statistics.median(samples[third : 2 * third]), statistics.median(samples[2 * third :])


@pytest.mark.parametrize(
    "seconds",
    [75, pytest.param(60 * MINUTES, marks=[pytest.mark.full, pytest.mark.timeout(60 * MINUTES + 600)])],
    ids=["ci", "full"],
)  # fmt: skip
async def test_memory_stays_flat(
    kafka_bootstrap: str, web: WebServer, tmp_path: Path, seconds: float
) -> None:
    prefix = f"soak{uuid.uuid4().hex[:6]}"
    await ensure_topics(kafka_bootstrap, ALL_TOPICS, prefix=prefix, partitions=3)
    urls = []
    for feed in range(FEEDS):
        polls = count()

        def handler(_r: Request, feed: int = feed, polls: count[int] = polls) -> Reply:
            return rss_of(feed, polls)

        urls.append(web.route(f"/soak/{prefix}/{feed}", handler))
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n" + "".join(f"  - url: {u}\n" for u in urls))
    (tmp_path / "seeds").mkdir()
    env = service_env(
        kafka_bootstrap,
        prefix=prefix,
        NEWSWIRE_FEEDS_FILE=str(feeds),
        NEWSWIRE_SEEDS_DIR=str(tmp_path / "seeds"),
        NEWSWIRE_FEED_MIN_INTERVAL_S="2",
        NEWSWIRE_FEED_MAX_INTERVAL_S="2",
        NEWSWIRE_FETCH_HOST_INTERVAL_S="0",
        NEWSWIRE_FETCH_ALLOW_NETWORKS='["127.0.0.1/32"]',
    )
    logs = {s: tmp_path / f"{s}.log" for s in ("ingester", "normalizer", "enricher")}
    procs = {s: start(s, env, log) for s, log in logs.items()}
    samples: dict[str, list[float]] = {s: [] for s in procs}
    try:
        await asyncio.sleep(15)  # start-up: models loaded, groups joined, first polls
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while loop.time() < end:
            for name, proc in procs.items():
                assert proc.poll() is None, f"{name} exited:\n{tail(logs[name])}"
                samples[name].append(rss_mb(proc.pid))
            await asyncio.sleep(SAMPLE_S)
        enriched = await written(kafka_bootstrap, f"{prefix}.enriched")
    finally:
        for proc in procs.values():
            proc.send_signal(signal.SIGTERM)
        for proc in procs.values():
            proc.wait(timeout=60)
    assert enriched > 100, "the pipeline must have been busy"
    for name, values in samples.items():
        middle, last = flat(values)
        print(
            f"{name}: RSS {values[0]:.0f} MB at start, median {middle:.0f} MB (2nd third), "
            f"{last:.0f} MB (last third), max {max(values):.0f} MB; {len(values)} samples"
        )
        assert last <= max(middle * 1.15, middle + 40), f"{name} grew: {middle:.0f} -> {last:.0f}"
    print(f"{enriched} enrichments written in {seconds:.0f} s")
