"""The transactional outbox against the real broker: one transaction at a time on each
producer, whoever flushes, and a flush that its caller abandons still ends cleanly."""

from __future__ import annotations

import asyncio
import random
from collections import Counter

from aiokafka import TopicPartition

from services.core.admin import create_topic
from services.core.outbox import Outbox
from services.core.producers import ProducerPool
from services.core.testing import read_topic, unique_topic
from services.core.transform import Output


async def _pool(bootstrap: str, topic: str) -> tuple[ProducerPool, TopicPartition]:
    await create_topic(bootstrap, topic, 1)
    pool = ProducerPool(
        kafka=bootstrap,
        prefix=topic,
        service="outbox-test",
        client_id="outbox-test",
        transaction_timeout_ms=30_000,
    )
    tp = TopicPartition(topic, 0)
    await pool.ensure(tp)
    return pool, tp


def _output(topic: str, n: int) -> Output:
    return Output(topic=topic, key=str(n).encode(), value=b"x" * 2000 + str(n).encode())


async def test_concurrent_flushes_never_begin_two_transactions_on_one_producer(
    kafka_bootstrap: str,
) -> None:
    """The ingester flushes from its flusher task and from a partition revocation at the
    same moment; under load the two used to begin a transaction on the same producer."""
    topic = unique_topic("outbox")
    pool, tp = await _pool(kafka_bootstrap, topic)
    outbox = Outbox(pool, lambda _tp: True)
    committed: list[Output] = []
    stop = asyncio.Event()

    async def flusher() -> None:
        while not stop.is_set():
            committed.extend(await outbox.flush())
            await asyncio.sleep(random.uniform(0, 0.003))

    async def arrivals() -> list[bool]:
        """Work that finishes while flushes are under way: puts keep arriving."""
        puts = []
        for n in range(800):
            puts.append(asyncio.create_task(outbox.put(tp, [_output(topic, n)])))
            if n % 8 == 0:
                await asyncio.sleep(0.001)
        return list(await asyncio.gather(*puts))

    try:
        flushers = [asyncio.create_task(flusher()) for _ in range(3)]
        results = await asyncio.wait_for(arrivals(), 120)
        stop.set()
        await asyncio.wait_for(asyncio.gather(*flushers), 60)
        committed.extend(await outbox.flush())
    finally:
        await pool.close_all()
    outcomes = Counter(results)
    assert outcomes == {True: 800}, outcomes
    assert len(committed) == 800
    records = await read_topic(kafka_bootstrap, topic, expect=800, quiet_s=0.5)
    keys = Counter(r.key for r in records)
    assert len(keys) == 800 and max(keys.values()) == 1


async def test_a_flush_abandoned_by_its_caller_still_commits_and_the_next_one_works(
    kafka_bootstrap: str,
) -> None:
    """The service cancels its flusher on stop and flushes once more: the cancelled flush
    must not leave its transaction open under the next one."""
    topic = unique_topic("outbox-cancel")
    pool, tp = await _pool(kafka_bootstrap, topic)
    outbox = Outbox(pool, lambda _tp: True)
    try:
        for round_ in range(5):
            first = [
                asyncio.create_task(outbox.put(tp, [_output(topic, round_ * 1000 + n)]))
                for n in range(300)
            ]
            await asyncio.sleep(0)
            flush = asyncio.create_task(outbox.flush())
            await asyncio.sleep(0.005 * (round_ + 1))  # cancelled mid-transaction
            flush.cancel()
            second = asyncio.create_task(outbox.put(tp, [_output(topic, round_ * 1000 + 999)]))
            await asyncio.sleep(0)
            await asyncio.wait_for(outbox.flush(), 60)
            assert all(await asyncio.wait_for(asyncio.gather(*first, second), 60))
    finally:
        await pool.close_all()
    records = await read_topic(kafka_bootstrap, topic, expect=5 * 301, quiet_s=0.5)
    assert len(records) == 5 * 301
