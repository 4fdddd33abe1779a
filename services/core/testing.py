"""Helpers for tests against a real broker: newswire's own, and its users'.

await produce(bootstrap, "in", [(b"k", b"v")])
records = await read_topic(bootstrap, "out", expect=1)

Each takes a bootstrap address or a ``KafkaClients`` (a secured cluster). Only tests use
this module; the services read topics through ``services.core.reading``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .admin import topic_partitions
from .clients import Kafka, as_clients
from .cloudevents import Headers
from .reading import read_to_end


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

    @classmethod
    def of(cls, m: Any) -> Consumed:
        return cls(m.topic, m.partition, m.offset, m.key, m.value, tuple(m.headers))


def unique_topic(stem: str) -> str:
    return f"test.{stem}.{uuid.uuid4().hex[:8]}"


async def produce(
    kafka: Kafka,
    topic: str,
    records: Iterable[tuple[bytes | None, bytes | None]],
    headers: Sequence[tuple[str, bytes]] = (),
) -> int:
    """Produce ``(key, value)`` pairs (idempotent, acks=all); returns how many."""
    clients = as_clients(kafka)
    producer = clients.producer(enable_idempotence=True, linger_ms=5)
    await clients.start(producer)
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
    kafka: Kafka,
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
    partitions = await topic_partitions(kafka, topic, timeout_s)
    if expect is None:
        return [Consumed.of(m) async for batch in read_to_end(kafka, partitions) for m in batch]
    clients = as_clients(kafka)
    consumer = clients.reader(auto_offset_reset="earliest")
    await clients.start(consumer)
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        out: list[Consumed] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        last_new = loop.time()
        while loop.time() < deadline:
            batches = await consumer.getmany(timeout_ms=200, max_records=5000)
            for msgs in batches.values():
                out.extend(Consumed.of(m) for m in msgs)
                last_new = loop.time()
            if len(out) >= expect and loop.time() - last_new >= quiet_s:
                break
        return out
    finally:
        await consumer.stop()
