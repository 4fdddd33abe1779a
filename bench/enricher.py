"""Enricher throughput: bare spaCy, newswire's analysis, the service through Kafka, and
two service processes, over the same texts in the same run.

* bare ``nlp.pipe``: the same spaCy pipeline over the texts, nothing after it (baseline),
  timed next to every measurement, since a shared machine's speed drifts: in turns with
  the analysis, and just before and after each service run (each service row is the
  median of ``--rounds`` runs);
* analysis: entities and claims over ``nlp.pipe`` (``analyse_chunk``, what the service's
  analysis workers run), no Kafka;
* service through Kafka: the texts as ``Article`` records on an input topic, enriched by
  the service's exactly-once loop run in this process (its analysis in a worker process,
  as in the service), to news.enriched/entities/claims;
* one and two processes: ``python -m services.enricher`` as separate OS processes in one
  consumer group over an input topic of 4 partitions, timed from the first article
  produced to the last enrichment committed (start-up excluded: the processes are ready
  before the articles are produced).

Texts: the re3d corpus (../shared/corpus/re3d, read from there), cycled to N articles.

    python -m bench.enricher [--articles 300] [--bootstrap HOST:PORT] [--no-processes]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from services.core import logs
from services.core.admin import ensure_topics, topic_partitions
from services.core.clients import as_clients
from services.core.localkafka import start_local_broker
from services.core.metrics import Metrics
from services.core.records import Article
from services.core.settings import DEFAULTS, Settings
from services.core.testing import produce
from services.core.topics import ALL_TOPICS
from services.enricher.analysis import Text
from services.enricher.pipeline import nlp
from services.enricher.service import build
from services.enricher.workers import analyse_chunk
from services.normalizer.transform import normalize

from .articles import raw_items
from .entities import DEFAULT as RE3D
from .proc import cpu_seconds
from .re3d import documents
from .table import table

ROOT = Path(__file__).resolve().parents[1]
BATCH = 16


def texts(n: int) -> list[str]:
    corpus = [d.text for d in documents(RE3D) if len(d.text.split()) >= 50]
    return [corpus[i % len(corpus)] for i in range(n)]


def articles(bodies: list[str]) -> list[Article]:
    template = normalize(raw_items(1)[0])
    return [
        template.model_copy(
            update={
                "article_id": f"bench-{i:06d}",
                "text": body,
                "title": body.split(".")[0][:160],
                "word_count": len(body.split()),
                "embeds": [],
            }
        )
        for i, body in enumerate(bodies)
    ]


def bare(bodies: list[str]) -> float:
    began = time.perf_counter()
    for _ in nlp().pipe(bodies, batch_size=BATCH):
        pass
    return time.perf_counter() - began


def analysis(bodies: list[str]) -> float:
    began = time.perf_counter()
    analyse_chunk([Text(b) for b in bodies], BATCH, DEFAULTS.enricher_max_chars)
    return time.perf_counter() - began


def alternated(bodies: list[str], rounds: int) -> tuple[float, float]:
    """Seconds of bare and analysis over ``bodies``, measured in turns on slices of two
    batches (the order swapped on every slice), so that a machine whose speed drifts
    slows both alike; the median of ``rounds``."""
    analysis(bodies[: 2 * BATCH])
    times: dict[str, list[float]] = {"bare": [], "analysis": []}
    step = 2 * BATCH
    for i in range(rounds):
        print(f"  round {i + 1}/{rounds}", file=sys.stderr)
        spent = {"bare": 0.0, "analysis": 0.0}
        for j, at in enumerate(range(0, len(bodies), step)):
            part = bodies[at : at + step]
            order = (("bare", bare), ("analysis", analysis))
            for name, run in order if j % 2 == 0 else order[::-1]:
                spent[name] += run(part)
        times["bare"].append(spent["bare"])
        times["analysis"].append(spent["analysis"])
    return statistics.median(times["bare"]), statistics.median(times["analysis"])


async def repeated(
    bodies: list[str], measure: Callable[[], Awaitable[float]], repeats: int
) -> tuple[float, float]:
    """A service row measured ``repeats`` times, each between two timings of bare
    ``nlp.pipe`` (a shared machine's speed drifts by a fifth over tens of seconds): the
    median seconds, and the median of the ratios to the bare timings around each."""
    seconds: list[float] = []
    ratios: list[float] = []
    for _ in range(repeats):
        before = bare(bodies)
        took = await measure()
        after = bare(bodies)
        seconds.append(took)
        ratios.append((before + after) / 2 / took)
    return statistics.median(seconds), statistics.median(ratios)


async def count_committed(bootstrap: str, topic: str, n: int, timeout_s: float) -> float:
    """Seconds until ``n`` records of ``topic`` are committed (read_committed)."""
    clients = as_clients(bootstrap)
    consumer = clients.reader(auto_offset_reset="earliest")
    await clients.start(consumer)
    try:
        consumer.assign(await topic_partitions(bootstrap, topic))
        began = time.perf_counter()
        seen = 0
        while seen < n:
            if time.perf_counter() - began > timeout_s:
                raise SystemExit(f"only {seen} of {n} enrichments after {timeout_s:.0f} s")
            batches = await consumer.getmany(timeout_ms=200, max_records=10_000)
            seen += sum(len(b) for b in batches.values())
        return time.perf_counter() - began
    finally:
        await consumer.stop()


async def fresh_topics(bootstrap: str, stem: str) -> str:
    prefix = f"bench{stem}{uuid.uuid4().hex[:6]}"
    await ensure_topics(bootstrap, ALL_TOPICS, prefix=prefix, partitions=4)
    return prefix


def payload(batch: list[Article]) -> list[tuple[bytes | None, bytes | None]]:
    return [(a.article_id.encode(), a.model_dump_json().encode()) for a in batch]


WORKER_CPU: list[tuple[float, float]] = []
"""(CPU seconds of the analysis workers, wall seconds) of each in-process service run."""


async def in_process(bootstrap: str, batch: list[Article]) -> float:
    prefix = await fresh_topics(bootstrap, "in")
    settings = Settings(kafka_bootstrap=bootstrap, topic_prefix=prefix, group_prefix=prefix)
    loop = build(settings, bootstrap, Metrics())
    workers = getattr(loop.transform, "workers", None)
    pids = workers.pids() if workers is not None else []
    stop = asyncio.Event()
    task = asyncio.create_task(loop.run(stop))
    await asyncio.sleep(3)  # group joined, producers fenced
    used: list[float] = []

    def reading() -> None:
        used.append(sum(cpu_seconds(pid) for pid in pids))

    seconds = await timed(bootstrap, prefix, batch, reading)
    WORKER_CPU.append((used[1] - used[0], seconds))
    stop.set()
    await task
    return seconds


async def timed(
    bootstrap: str,
    prefix: str,
    batch: list[Article],
    reading: Callable[[], None] = lambda: None,
) -> float:
    """A warm-up batch, then seconds from producing ``batch`` to its last enrichment
    (``reading`` is called just before and just after)."""
    warm = batch[: 4 * BATCH]
    await produce(bootstrap, f"{prefix}.articles", payload(warm))
    await count_committed(bootstrap, f"{prefix}.enriched", len(warm), 600)
    counting = asyncio.create_task(
        count_committed(bootstrap, f"{prefix}.enriched", len(warm) + len(batch), 1800)
    )
    reading()
    await produce(bootstrap, f"{prefix}.articles", payload(batch))
    seconds = await counting
    reading()
    return seconds


def peak_rss_mb(pid: int) -> float:
    """Peak RSS of a process and its children (an enricher and its analysis workers)."""
    total = 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) / 1024
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return total
    return total + sum(peak_rss_mb(int(child)) for child in children)


async def processes(bootstrap: str, batch: list[Article], count: int) -> tuple[float, float]:
    """Seconds for ``count`` enricher processes to enrich ``batch``; their peak RSS (MB)."""
    prefix = await fresh_topics(bootstrap, f"p{count}")
    procs = []
    ports = []
    for i in range(count):
        port = 19500 + i
        env = {
            **os.environ,
            "NEWSWIRE_KAFKA_BOOTSTRAP": bootstrap,
            "NEWSWIRE_TOPIC_PREFIX": prefix,
            "NEWSWIRE_GROUP_PREFIX": prefix,
            "NEWSWIRE_HTTP_PORT": str(port),
            "NEWSWIRE_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
        procs.append(
            await asyncio.create_subprocess_exec(sys.executable, "-m", "services.enricher", env=env)
        )
        ports.append(port)
    try:
        await wait_ready(ports)
        await asyncio.sleep(3)  # the group settles on its partitions
        seconds = await timed(bootstrap, prefix, batch)
        rss = max(peak_rss_mb(p.pid) for p in procs)
        return seconds, rss
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            await asyncio.wait_for(p.wait(), 30)


async def wait_ready(ports: list[int], timeout_s: float = 120) -> None:
    began = time.perf_counter()
    async with httpx.AsyncClient() as client:
        for port in ports:
            while True:
                try:
                    if (await client.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.perf_counter() - began > timeout_s:
                    raise SystemExit(f"the enricher on port {port} was not ready in time")
                await asyncio.sleep(0.2)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--bootstrap")
    parser.add_argument("--rounds", type=int, default=3, help="runs per row (median)")
    parser.add_argument("--no-processes", action="store_true", help="skip the process rows")
    args = parser.parse_args()
    logs.configure("console", "WARNING")
    n = args.articles
    bodies = texts(n)
    words = sum(len(b.split()) for b in bodies)
    nlp()  # loaded before any timing
    print(f"{n} articles, {words:,} words: bare nlp.pipe and analysis", file=sys.stderr)
    base, ours = alternated(bodies, args.rounds)
    began = time.process_time()
    bare(bodies)
    bare_cpu = time.process_time() - began
    rss_here = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    bootstrap = args.bootstrap or start_local_broker(Settings())
    batch = articles(bodies)
    print("service through Kafka...", file=sys.stderr)
    kafka = await repeated(bodies, lambda: in_process(bootstrap, batch), args.rounds)
    rows: list[tuple[str, tuple[float, float], str]] = [
        ("bare nlp.pipe (baseline)", (base, 1.0), f"{rss_here:,.0f}"),
        ("analysis: entities and claims, no Kafka", (ours, base / ours), ""),
        ("enricher service through Kafka, loop in this process", kafka, ""),
    ]
    if not args.no_processes:
        rss: dict[int, float] = {}

        async def run(count: int) -> float:
            print(f"{count} enricher process(es)...", file=sys.stderr)
            took, rss[count] = await processes(bootstrap, batch, count)
            return took

        one = await repeated(bodies, lambda: run(1), args.rounds)
        two = await repeated(bodies, lambda: run(2), args.rounds)
        rows += [
            ("1 enricher process", one, f"{rss[1]:,.0f}"),
            ("2 enricher processes, one group", two, f"{rss[2]:,.0f}"),
        ]
    cells = [
        [name, f"{n / s:,.1f}", f"{words / s:,.0f}", f"{ratio:.2f}", rss_mb]
        for name, (s, ratio), rss_mb in rows
    ]
    print(f"\nenricher: {n} re3d articles ({words:,} words), spaCy batch {BATCH}\n")
    print(table(["", "articles/s", "words/s", "vs bare nlp.pipe", "peak RSS MB"], cells))
    print(
        f"\nvs bare nlp.pipe: the median of {args.rounds} ratios, each against bare nlp.pipe"
        " timed next to it (in turns with the analysis; before and after a service run)"
    )
    if WORKER_CPU:
        cpu, wall = sorted(WORKER_CPU)[len(WORKER_CPU) // 2]
        print(
            f"service in process: its analysis worker used {cpu:.1f} s of CPU (bare nlp.pipe: "
            f"{bare_cpu:.1f} s), busy {cpu / wall:.0%} of the service's time"
        )
    if not args.no_processes:
        print(f"two processes / one process: {two[1] / one[1]:.2f}x")
        print("peak RSS of a process row: the largest enricher with its analysis worker")


if __name__ == "__main__":
    asyncio.run(main())
