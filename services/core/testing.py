"""Helpers for tests against a real broker: newswire's own, and its users'.

await produce(bootstrap, "in", [(b"k", b"v")])
records = await read_topic(bootstrap, "out", expect=1)
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from .admin import topic_partitions
from .cloudevents import Headers


@dataclass(frozen=True, slots=True)
class Consumed:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k == name]
        return values[-1].decode() if values else None


def unique_topic(stem: str) -> str:
    return f"test.{stem}.{uuid.uuid4().hex[:8]}"


async def produce(
    bootstrap: str,
    topic: str,
    records: Iterable[tuple[bytes | None, bytes | None]],
    headers: Sequence[tuple[str, bytes]] = (),
) -> int:
    """Produce ``(key, value)`` pairs (idempotent, acks=all); returns how many."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, linger_ms=5)
    await producer.start()
    count = 0
    try:
        futures = []
        for key, value in records:
            futures.append(await producer.send(topic, value, key=key, headers=list(headers)))
            count += 1
        await producer.flush()
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return count


async def read_topic(
    bootstrap: str,
    topic: str,
    *,
    expect: int | None = None,
    timeout_s: float = 60.0,
    quiet_s: float = 1.0,
) -> list[Consumed]:
    """Every committed record of ``topic`` (read_committed), from the beginning.

    Reads until ``expect`` records arrived and then ``quiet_s`` passed without more (so
    that extra records, such as duplicates, are seen too), or until ``timeout_s``.
    With ``expect=None`` it reads up to the end offsets at the time of the call.
    """
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        isolation_level="read_committed",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        partitions = await topic_partitions(bootstrap, topic, timeout_s)
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions) if expect is None else {}
        out: list[Consumed] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        last_new = loop.time()
        while loop.time() < deadline:
            batches = await consumer.getmany(timeout_ms=200, max_records=5000)
            for msgs in batches.values():
                for m in msgs:
                    out.append(
                        Consumed(m.topic, m.partition, m.offset, m.key, m.value, tuple(m.headers))
                    )
                last_new = loop.time()
            if expect is None:
                positions = {tp: await consumer.position(tp) for tp in partitions}
                if all(positions[tp] >= ends[tp] for tp in partitions):
                    break
            elif len(out) >= expect and loop.time() - last_new >= quiet_s:
                break
        return out
    finally:
        await consumer.stop()
