"""The stable-offset read leans on aiokafka internals: these tests fail loudly, with what
to do, when an aiokafka upgrade changes any of them."""

from __future__ import annotations

import inspect
import struct

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.client import AIOKafkaClient, ConnectionGroup
from aiokafka.consumer.group_coordinator import GroupCoordinator

from services.core.stable_offsets import (
    OFFSET_FETCH,
    UNSTABLE_OFFSET_COMMIT,
    OffsetFetchRequest_v7,
    OffsetFetchResponse_v7,
    StableOffsetFetch,
    UnstableOffsets,
    _parse,
    missing_internals,
)

WHY = (
    "services/core/stable_offsets.py sends OffsetFetch v7 with require_stable=true through "
    "aiokafka internals (its docstring lists them), and {what}. An aiokafka upgrade changed "
    "this: adapt stable_offsets.py to the new aiokafka (or keep the old version pinned in "
    "pyproject.toml). Without it, a partition's new owner can read an offset that a "
    "fenced transaction then aborts, and replay a committed batch (docs/loop.md)."
)


def varint(n: int) -> bytes:
    """Kafka's unsigned varint (compact lengths, tagged-field counts)."""
    out = b""
    while True:
        byte, n = n & 0x7F, n >> 7
        out += bytes([byte | (0x80 if n else 0)])
        if not n:
            return out


def compact(text: str) -> bytes:
    return varint(len(text) + 1) + text.encode()


async def test_the_consumer_still_has_the_internals_used() -> None:
    consumer = AIOKafkaConsumer(bootstrap_servers="127.0.0.1:9")  # never started
    missing = missing_internals(consumer)
    assert not missing, WHY.format(what=f"reads {', '.join(missing)}")
    for name in ("ensure_coordinator_known", "coordinator_dead"):
        assert callable(getattr(GroupCoordinator, name, None)), WHY.format(
            what=f"calls GroupCoordinator.{name}()"
        )
    assert inspect.iscoroutinefunction(GroupCoordinator.ensure_coordinator_known), WHY.format(
        what="awaits GroupCoordinator.ensure_coordinator_known()"
    )
    assert "self.coordinator_id" in inspect.getsource(GroupCoordinator), WHY.format(
        what="reads GroupCoordinator.coordinator_id"
    )
    send = inspect.signature(AIOKafkaClient.send)
    assert list(send.parameters)[:3] == ["self", "node_id", "request"] and "group" in (
        send.parameters
    ), WHY.format(what="calls AIOKafkaClient.send(node_id, request, group=...)")
    assert hasattr(ConnectionGroup, "COORDINATION"), WHY.format(
        what="sends on ConnectionGroup.COORDINATION"
    )


def test_the_request_is_offset_fetch_v7_with_require_stable() -> None:
    request = StableOffsetFetch("g", [TopicPartition("t", 1), TopicPartition("t", 0)])
    built = request.prepare({OFFSET_FETCH: (0, 9)})
    assert isinstance(built, OffsetFetchRequest_v7), WHY.format(
        what="expects Request.prepare() to choose the v7 struct the broker supports"
    )
    # group_id, topics [name, partition_indexes [0, 1], tags], require_stable, tags
    expected = (
        compact("g")
        + varint(2)
        + compact("t")
        + varint(3)
        + struct.pack(">ii", 0, 1)
        + varint(0)
        + b"\x01"
        + varint(0)
    )
    assert built.encode() == expected, WHY.format(
        what="expects aiokafka's protocol types to encode v7 as the Kafka protocol says"
    )
    assert built.API_KEY == OFFSET_FETCH and built.API_VERSION == 7
    assert built.RESPONSE_TYPE is OffsetFetchResponse_v7


def response(partition_error: int = 0, error: int = 0, offset: int = 42) -> bytes:
    """An OffsetFetch v7 response for partition t[0], as the Kafka protocol lays it out."""
    partition = (
        struct.pack(">iqi", 0, offset, -1) + compact("") + struct.pack(">h", partition_error)
    )
    topic = compact("t") + varint(2) + partition + varint(0) + varint(0)  # tags of each
    return struct.pack(">i", 0) + varint(2) + topic + struct.pack(">h", error) + varint(0)


def test_the_response_decodes_and_unstable_offsets_are_retried() -> None:
    decoded = OffsetFetchResponse_v7.decode(response())
    assert _parse(decoded) == {TopicPartition("t", 0): 42}, WHY.format(
        what="expects aiokafka's protocol types to decode the v7 response"
    )
    assert _parse(OffsetFetchResponse_v7.decode(response(offset=-1))) == {
        TopicPartition("t", 0): None
    }
    for unstable in (
        response(partition_error=UNSTABLE_OFFSET_COMMIT),
        response(error=UNSTABLE_OFFSET_COMMIT),
    ):
        with pytest.raises(UnstableOffsets):
            _parse(OffsetFetchResponse_v7.decode(unstable))
