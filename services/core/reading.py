"""Reading topics to their end: the one way newswire rebuilds state from Kafka.

``read_to_end`` reads committed records (``read_committed``) of some partitions, from a
start offset (the beginning by default) up to the end offsets as they were when it
began, and then stops: records written meanwhile are not waited for. ``latest_values``
is the view of a compacted topic that it gives: the last value of every key, tombstones
removing keys.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any

from aiokafka import TopicPartition

from .clients import Kafka, as_clients

StartAt = Callable[[TopicPartition, int, int], int]
"""Where to start reading a partition, given its beginning and end offsets."""


def from_beginning(tp: TopicPartition, begin: int, end: int) -> int:
    return begin


def last(count: int) -> StartAt:
    """Start ``count`` records before the end (at the beginning if there are fewer)."""
    return lambda tp, begin, end: max(begin, end - count)


async def read_to_end(
    kafka: Kafka,
    partitions: Sequence[TopicPartition],
    *,
    start_at: StartAt = from_beginning,
    client_id: str | None = None,
) -> AsyncIterator[list[Any]]:
    """Batches of the committed records of ``partitions``, up to their current end."""
    if not partitions:
        return
    clients = as_clients(kafka)
    reader = clients.reader(client_id=client_id or f"{clients.client_id}-reader")
    await clients.start(reader)
    try:
        reader.assign(list(partitions))
        begins = await reader.beginning_offsets(list(partitions))
        ends = await reader.end_offsets(list(partitions))
        pending = set()
        for tp in partitions:
            start = start_at(tp, begins[tp], ends[tp])
            reader.seek(tp, start)
            if ends[tp] > start:
                pending.add(tp)
        while pending:
            batches = await reader.getmany(*pending, timeout_ms=500, max_records=5000)
            for tp, msgs in batches.items():
                msgs = [m for m in msgs if m.offset < ends[tp]]
                if msgs:
                    yield msgs
            # Positions pass the end offsets also over transaction markers and aborted
            # records, which no batch shows.
            for tp in list(pending):
                if await reader.position(tp) >= ends[tp]:
                    pending.discard(tp)
    finally:
        await reader.stop()


async def latest_values(
    kafka: Kafka, partitions: Sequence[TopicPartition], *, client_id: str | None = None
) -> Mapping[bytes, bytes]:
    """The last value of every key of a compacted topic's ``partitions`` (keyless records
    are skipped; a tombstone removes its key)."""
    latest: dict[bytes, bytes] = {}
    async for batch in read_to_end(kafka, partitions, client_id=client_id):
        for m in batch:
            if m.key is None:
                continue
            if m.value is None:
                latest.pop(m.key, None)
            else:
                latest[m.key] = m.value
    return latest
