"""Normalizer throughput: the transform alone, through Kafka, and a passthrough loop.

Generated article pages (``bench.articles``: navigation, widgets, scripts, embeds) as raw
items, in the same run:

* transform alone: the normalizer over the items in memory (extraction, cleaning,
  language, duplicates), no Kafka, no JSON;
* through Kafka: the same items produced to a raw topic and normalized by the service's
  exactly-once loop;
* passthrough: the loop relaying the same raw records unchanged (the cost of Kafka and
  of moving the records, without the transform).

The Kafka and serialisation overhead is the part of the time through Kafka that the
transform alone does not account for.

    python -m bench.normalizer [--articles 1000] [--bootstrap HOST:PORT]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid

from services.core import logs
from services.core.admin import create_topic, ensure_topics
from services.core.localkafka import start_local_broker
from services.core.loop import LoopConfig, StreamLoop
from services.core.metrics import Metrics
from services.core.settings import Settings
from services.core.testing import metric_value, produce
from services.core.topics import ALL_TOPICS
from services.core.transform import Record
from services.normalizer.dedup import DuplicateWindow
from services.normalizer.service import build
from services.normalizer.transform import Normalizer
from services.relay.transform import Relay

from .articles import raw_items
from .table import table


def transform_alone(n: int) -> float:
    items = raw_items(n)
    normalizer = Normalizer("out", DuplicateWindow())
    record = Record("raw", 0, 0, None, None)
    began = time.perf_counter()
    for item in items:
        normalizer(item, record)
    return n / (time.perf_counter() - began)


async def run_until(loop: StreamLoop, metrics: Metrics, topic: str, n: int) -> float:
    stop = asyncio.Event()
    counter = metrics.consumed.labels(loop.config.service, topic)
    began = time.perf_counter()  # start-up (group join, fencing) included, ~0.1 s
    task = asyncio.create_task(loop.run(stop))
    while metric_value(counter) < n:
        await asyncio.sleep(0.01)
        if task.done():
            task.result()
    elapsed = time.perf_counter() - began
    stop.set()
    await task
    return n / elapsed


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--bootstrap")
    args = parser.parse_args()
    logs.configure("console", "WARNING")
    bootstrap = args.bootstrap or start_local_broker(Settings())
    n = args.articles
    alone = transform_alone(n)
    print(f"transform alone: {alone:,.1f} articles/s", file=sys.stderr)

    prefix = f"benchnorm{uuid.uuid4().hex[:6]}"
    await ensure_topics(bootstrap, ALL_TOPICS, prefix=prefix, partitions=3)
    values = [(i.item_id.encode(), i.model_dump_json().encode()) for i in raw_items(n)]
    await produce(bootstrap, f"{prefix}.raw", values)
    settings = Settings(kafka_bootstrap=bootstrap, topic_prefix=prefix, group_prefix=prefix)
    metrics = Metrics()
    kafka = await run_until(build(settings, bootstrap, metrics), metrics, f"{prefix}.raw", n)
    print(f"through Kafka: {kafka:,.1f} articles/s", file=sys.stderr)

    target = f"{prefix}.relayed"
    await create_topic(bootstrap, target, 3)
    relay_metrics = Metrics()
    relay = StreamLoop(
        bootstrap,
        LoopConfig(
            service="relay",
            input_topics=(f"{prefix}.raw",),
            dead_letter_topic=f"{prefix}.deadletter.normalizer",
            group_id=f"{prefix}.relay",
            transactional_id_prefix=f"{prefix}.relay",
        ),
        Relay(target),
        relay_metrics,
    )
    passthrough = await run_until(relay, relay_metrics, f"{prefix}.raw", n)
    overhead = 1 - kafka / alone
    print(f"\nnormalizer: {n:,} generated article pages (~9 KB of HTML each), one process\n")
    print(
        table(
            ["", "articles/s", "ratio"],
            [
                ["transform alone (no Kafka, no JSON)", f"{alone:,.1f}", "1.00"],
                ["normalizer service through Kafka", f"{kafka:,.1f}", f"{kafka / alone:.2f}"],
                [
                    "passthrough loop, same records",
                    f"{passthrough:,.1f}",
                    f"{passthrough / alone:.2f}",
                ],
            ],
        )
    )
    print(f"\nKafka and serialisation overhead: {overhead:.0%} of the time through Kafka")


if __name__ == "__main__":
    asyncio.run(main())
