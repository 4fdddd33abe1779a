"""Reading a group's committed offsets only once they are stable (KIP-447 ``require_stable``).

When a partition changes owner, the previous owner's last transaction may still be
completing: its offsets are written but not yet applied by the group coordinator. A plain
OffsetFetch then answers the older offset, and the new owner would replay a batch that was
in fact committed. The Java client asks with ``require_stable=true`` and the broker answers
UNSTABLE_OFFSET_COMMIT until the transaction is settled. aiokafka does not send that flag,
so this module sends OffsetFetch v7 itself, through the consumer's own connection to its
group coordinator, and retries while the broker says the offsets are unstable.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.client import AIOKafkaClient, ConnectionGroup
from aiokafka.errors import KafkaError, for_code
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import (
    Boolean,
    CompactArray,
    CompactString,
    Int16,
    Int32,
    Int64,
    Schema,
    TaggedFields,
)

UNSTABLE_OFFSET_COMMIT = 88
OFFSET_FETCH = 9


class OffsetFetchResponse_v7(Response):  # type: ignore[misc]
    API_KEY = OFFSET_FETCH
    API_VERSION = 7
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        (
            "topics",
            CompactArray(
                ("name", CompactString("utf-8")),
                (
                    "partitions",
                    CompactArray(
                        ("partition_index", Int32),
                        ("committed_offset", Int64),
                        ("committed_leader_epoch", Int32),
                        ("metadata", CompactString("utf-8")),
                        ("error_code", Int16),
                        ("tags", TaggedFields),
                    ),
                ),
                ("tags", TaggedFields),
            ),
        ),
        ("error_code", Int16),
        ("tags", TaggedFields),
    )


class OffsetFetchRequest_v7(RequestStruct):  # type: ignore[misc]
    FLEXIBLE_VERSION = True
    API_KEY = OFFSET_FETCH
    API_VERSION = 7
    RESPONSE_TYPE = OffsetFetchResponse_v7
    SCHEMA = Schema(
        ("group_id", CompactString("utf-8")),
        (
            "topics",
            CompactArray(
                ("name", CompactString("utf-8")),
                ("partition_indexes", CompactArray(Int32)),
                ("tags", TaggedFields),
            ),
        ),
        ("require_stable", Boolean),
        ("tags", TaggedFields),
    )


class StableOffsetFetch(Request[OffsetFetchRequest_v7]):  # type: ignore[misc]
    API_KEY = OFFSET_FETCH

    def __init__(self, group_id: str, partitions: Iterable[TopicPartition]) -> None:
        by_topic: dict[str, list[int]] = {}
        for tp in partitions:
            by_topic.setdefault(tp.topic, []).append(tp.partition)
        self._group_id = group_id
        self._topics: list[tuple[str, list[int], dict[int, bytes]]] = [
            (t, sorted(ps), {}) for t, ps in sorted(by_topic.items())
        ]

    def build(self, request_struct_class: type[OffsetFetchRequest_v7]) -> OffsetFetchRequest_v7:
        return request_struct_class(self._group_id, self._topics, True, {})


class UnstableOffsets(KafkaError):  # type: ignore[misc]
    retriable = True


def _parse(response: Any) -> dict[TopicPartition, int | None]:
    if response.error_code == UNSTABLE_OFFSET_COMMIT:
        raise UnstableOffsets("offsets are pending in a transaction")
    if response.error_code:
        raise for_code(response.error_code)()
    out: dict[TopicPartition, int | None] = {}
    for name, partitions, _ in response.topics:
        for index, offset, _epoch, _meta, error, _tags in partitions:
            if error == UNSTABLE_OFFSET_COMMIT:
                raise UnstableOffsets(f"{name}[{index}] has a pending transactional commit")
            if error:
                raise for_code(error)()
            out[TopicPartition(name, index)] = None if offset < 0 else offset
    return out


def missing_internals(consumer: AIOKafkaConsumer) -> list[str]:
    """What ``stable_committed`` reads of a consumer's internals and ``consumer`` lacks:
    nothing while the pinned aiokafka has them (its test checks this on every run)."""
    missing = []
    if not isinstance(getattr(consumer, "_client", None), AIOKafkaClient):
        missing.append("AIOKafkaConsumer._client, an AIOKafkaClient")
    if not hasattr(consumer, "_coordinator"):
        missing.append("AIOKafkaConsumer._coordinator")
    return missing


async def stable_committed(
    consumer: AIOKafkaConsumer,
    group_id: str,
    partitions: Iterable[TopicPartition],
    *,
    timeout_s: float,
) -> dict[TopicPartition, int | None]:
    """The committed offsets of ``partitions``, waiting out pending transactions for up to
    ``timeout_s`` (a transaction's timeout: the broker aborts one that runs longer)."""
    wanted = list(partitions)
    coordinator = consumer._coordinator  # private: see the module docstring
    client = consumer._client
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    delay = 0.02
    while True:
        await coordinator.ensure_coordinator_known()
        try:
            response = await client.send(
                coordinator.coordinator_id,
                StableOffsetFetch(group_id, wanted),
                group=ConnectionGroup.COORDINATION,
            )
            return _parse(response)
        except KafkaError as exc:
            if not getattr(exc, "retriable", False) or loop.time() > deadline:
                raise
            if not isinstance(exc, UnstableOffsets):
                coordinator.coordinator_dead()
        await asyncio.sleep(delay)
        delay = min(delay * 2, 1.0)
