"""The ingester's state, owned per partition of the compacted state topic.

Replicas of the ingester join one consumer group on the state topic. Each assigned
partition is one share of the sources: the replica that owns a partition polls the sources
whose ``source_id`` hashes to it (Kafka's default partitioner), restores their state from
it, and writes every raw item together with the updated state in one transaction of that
partition's producer (transactional id ``<prefix>.ingester.state.<partition>``). Starting
that producer fences the previous owner, so two replicas never emit for the same source,
and a crash between an emission and its state update is impossible: both commit or neither.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Awaitable, Callable, Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.partitioner import murmur2
from pydantic import ValidationError

from ..core.clients import KafkaClients
from ..core.logs import get_logger
from ..core.outbox import Outbox
from ..core.producers import ProducerPool
from ..core.reading import latest_values
from ..core.rebalance import Rebalance
from ..core.records import SourceState

log = get_logger(__name__)

PartitionsCallback = Callable[[set[int]], Awaitable[None]]


@functools.lru_cache(maxsize=1 << 17)
def partition_for(key: str, partitions: int) -> int:
    """The partition Kafka's default partitioner picks for ``key``."""
    return int(murmur2(key.encode()) & 0x7FFFFFFF) % partitions


class StateStore:
    def __init__(
        self,
        *,
        kafka: KafkaClients,
        topic: str,
        group_id: str,
        transactional_prefix: str,
        client_id: str,
        transaction_timeout_ms: int,
        on_assigned: PartitionsCallback,
        on_revoked: PartitionsCallback,
    ) -> None:
        self.kafka = kafka
        self.topic = topic
        self.group_id = group_id
        self.client_id = client_id
        self.on_assigned = on_assigned
        self.on_revoked = on_revoked
        self.pool = ProducerPool(
            kafka=kafka,
            prefix=transactional_prefix,
            service="ingester",
            client_id=client_id,
            transaction_timeout_ms=transaction_timeout_ms,
        )
        self.outbox = Outbox(self.pool, lambda tp: tp.partition in self.owned)
        self.states: dict[str, SourceState] = {}
        self.owned: set[int] = set()
        self.partitions = 0
        self._consumer: AIOKafkaConsumer | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    # -- membership --------------------------------------------------------------------

    async def start(self) -> None:
        self._consumer = self.kafka.group_consumer(
            self.group_id, client_id=f"{self.client_id}-ingester", auto_offset_reset="latest"
        )
        self._consumer.subscribe(
            [self.topic], listener=Rebalance(assigned=self._assigned, revoked=self._revoked)
        )
        await self.kafka.start(self._consumer)
        self._heartbeat = asyncio.create_task(self._keep_membership())

    async def topics(self) -> set[str]:
        """The cluster's topics (a metadata request: answers only while the broker does)."""
        assert self._consumer is not None
        return set(await self._consumer.topics())

    async def _keep_membership(self) -> None:
        """Poll the group consumer so that it stays in the group; the records are ours."""
        assert self._consumer is not None
        while True:
            await self._consumer.getmany(timeout_ms=1000, max_records=1000)

    async def stop(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._heartbeat
        if self._consumer is not None:
            await self._consumer.stop()
        await self.pool.close_all()

    def owns(self, source_id: str) -> bool:
        return bool(self.partitions) and self.partition_of(source_id) in self.owned

    def partition_of(self, source_id: str) -> int:
        return partition_for(source_id, self.partitions)

    def topic_partition(self, source_id: str) -> TopicPartition:
        return TopicPartition(self.topic, self.partition_of(source_id))

    async def _revoked(self, revoked_tps: set[TopicPartition]) -> None:
        revoked = {tp.partition for tp in revoked_tps}
        await self.on_revoked(revoked)
        async with self._lock:
            self.owned -= revoked

    async def _assigned(self, assigned_tps: set[TopicPartition]) -> None:
        assigned = {tp.partition for tp in assigned_tps}
        assert self._consumer is not None
        async with self._lock:
            self.partitions = len(self._consumer.partitions_for_topic(self.topic) or ())
            async with self.outbox.exclusive():  # not under a transaction of its own
                for tp in self.pool.partitions():
                    if tp.partition not in assigned:
                        await self.pool.close(tp)
            for p in sorted(assigned):
                await self.pool.ensure(TopicPartition(self.topic, p))  # fences the old owner
            restored = await self._restore(sorted(assigned))
            self.states = restored  # the topic is the truth for every partition we own
            self.owned = set(assigned)
        log.info(
            "ingester partitions assigned",
            partitions=sorted(assigned),
            sources_restored=len(restored),
        )
        await self.on_assigned(set(assigned))

    async def _restore(self, partitions: Sequence[int]) -> dict[str, SourceState]:
        """The latest committed state of every source in ``partitions``."""
        tps = [TopicPartition(self.topic, p) for p in partitions]
        latest = await latest_values(
            self.kafka, tps, client_id=f"{self.client_id}-ingester-restore"
        )
        states: dict[str, SourceState] = {}
        skipped = 0
        for key, value in latest.items():
            try:
                states[key.decode()] = SourceState.model_validate_json(value)
            except ValidationError as exc:
                # Unreadable (another version's?): the source starts afresh.
                skipped += 1
                log.warning(
                    "state record not restored", source_id=key.decode(), error=str(exc)[:300]
                )
        if skipped:
            log.warning("some sources start afresh", unreadable_states=skipped)
        return states
