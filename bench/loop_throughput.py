"""Throughput of newswire's exactly-once loop against a raw aiokafka passthrough.

Both move the same N records of 1 KiB from a 3-partition topic to another on the same
broker, in the same run:

* baseline: an AIOKafkaConsumer (auto-commit) whose batches an AIOKafkaProducer resends,
  no transactions;
* newswire: ``StreamLoop`` with the relay transform: transactional producers per input
  partition, offsets committed inside the transactions, read_committed.

Time runs from the first record consumed to the last one committed.

    python -m bench.loop_throughput [--records 50000] [--rounds 5] [--bootstrap HOST:PORT]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from services.core import logs
from services.core.admin import create_topic
from services.core.localkafka import start_local_broker
from services.core.loop import StreamLoop
from services.core.metrics import Metrics
from services.core.settings import Settings
from services.core.testing import loop_config, metric_value, produce
from services.core.transform import Outcome, Record
from services.relay.transform import Relay

from .table import table

VALUE_BYTES = 1024


async def fill(bootstrap: str, topic: str, n: int) -> None:
    await create_topic(bootstrap, topic, 3)
    payload = b"x" * (VALUE_BYTES - 16)
    await produce(
        bootstrap, topic, ((f"k{i % 1000}".encode(), b"%015d," % i + payload) for i in range(n))
    )


async def raw_passthrough(bootstrap: str, source: str, target: str, n: int) -> float:
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=bootstrap,
        group_id=f"raw-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
        enable_auto_commit=True,
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5, max_batch_size=256 * 1024)
    await consumer.start()
    await producer.start()
    seen = 0
    started = 0.0
    try:
        while seen < n:
            batches = await consumer.getmany(timeout_ms=200, max_records=500)
            if batches and not started:
                started = time.perf_counter()
            for msgs in batches.values():
                for m in msgs:
                    await producer.send(target, m.value, key=m.key, headers=list(m.headers))
                seen += len(msgs)
        await producer.flush()
        return time.perf_counter() - started
    finally:
        await producer.stop()
        await consumer.stop()


class Timed:
    def __init__(self, inner: Relay) -> None:
        self.inner = inner
        self.started = 0.0

    async def __call__(self, records: Sequence[Record]) -> Sequence[Outcome]:
        if not self.started:
            self.started = time.perf_counter()
        return await self.inner(records)


async def newswire_loop(bootstrap: str, source: str, target: str, n: int) -> float:
    metrics = Metrics()
    timed = Timed(Relay(target))
    loop = StreamLoop(bootstrap, loop_config("bench", source, target), timed, metrics)
    stop = asyncio.Event()
    task = asyncio.create_task(loop.run(stop))
    counter = metrics.consumed.labels("bench", source)
    while metric_value(counter) < n:
        await asyncio.sleep(0.005)
        if task.done():
            task.result()
    elapsed = time.perf_counter() - timed.started
    stop.set()
    await task
    return elapsed


async def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--bootstrap", help="a running broker (default: the local one)")
    args = parser.parse_args(argv)
    logs.configure("console", "WARNING")
    bootstrap = args.bootstrap or start_local_broker(Settings())
    n = args.records
    raw: list[float] = []
    ours: list[float] = []
    for round_no in range(1, args.rounds + 1):
        tag = uuid.uuid4().hex[:6]
        source = f"bench.loop.in.{tag}"
        await fill(bootstrap, source, n)
        for name, fn, out in (("raw", raw_passthrough, raw), ("newswire", newswire_loop, ours)):
            target = f"bench.loop.{name}.{tag}"
            await create_topic(bootstrap, target, 3)
            await create_topic(bootstrap, f"{target}.dlq", 1)
            out.append(await fn(bootstrap, source, target, n))
            print(
                f"round {round_no}/{args.rounds}: {name:<9} {n / out[-1]:>9,.0f} records/s",
                file=sys.stderr,
            )
    raw_rate = n / statistics.median(raw)
    our_rate = n / statistics.median(ours)
    print(f"\nloop throughput: {n:,} records of {VALUE_BYTES} B, 3 partitions")
    print(f"median of {args.rounds} rounds; ratio against the baseline of the same run\n")
    print(
        table(
            ["pipeline", "records/s", "ratio"],
            [
                ["raw aiokafka consume->produce, no transactions", f"{raw_rate:,.0f}", "1.00"],
                [
                    "newswire StreamLoop, exactly once",
                    f"{our_rate:,.0f}",
                    f"{our_rate / raw_rate:.2f}",
                ],
            ],
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
