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

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.partitioner import murmur2
from pydantic import ValidationError

from ..core.logs import get_logger
from ..core.producers import ProducerPool
from ..core.records import SourceState
from ..core.transform import Output

log = get_logger(__name__)

PartitionsCallback = Callable[[set[int]], Awaitable[None]]


@functools.lru_cache(maxsize=1 << 17)
def partition_for(key: str, partitions: int) -> int:
    """The partition Kafka's default partitioner picks for ``key``."""
    return int(murmur2(key.encode()) & 0x7FFFFFFF) % partitions


class _Listener(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, store: StateStore) -> None:
        self.store = store

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        await self.store._revoked({tp.partition for tp in revoked})

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        await self.store._assigned({tp.partition for tp in assigned})


class StateStore:
    def __init__(
        self,
        *,
        bootstrap: str,
        topic: str,
        group_id: str,
        transactional_prefix: str,
        client_id: str,
        on_assigned: PartitionsCallback,
        on_revoked: PartitionsCallback,
    ) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self.group_id = group_id
        self.client_id = client_id
        self.on_assigned = on_assigned
        self.on_revoked = on_revoked
        self.pool = ProducerPool(
            bootstrap=bootstrap,
            prefix=transactional_prefix,
            service="ingester",
            client_id=client_id,
            transaction_timeout_ms=60_000,
        )
        self.states: dict[str, SourceState] = {}
        self.owned: set[int] = set()
        self.partitions = 0
        self._consumer: AIOKafkaConsumer | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    # -- membership --------------------------------------------------------------------

    async def start(self) -> None:
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=self.group_id,
            client_id=f"{self.client_id}-ingester",
            enable_auto_commit=False,
            auto_offset_reset="latest",
            isolation_level="read_committed",
        )
        self._consumer.subscribe([self.topic], listener=_Listener(self))
        await self._consumer.start()
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

    async def _revoked(self, revoked: set[int]) -> None:
        await self.on_revoked(revoked)
        async with self._lock:
            self.owned -= revoked

    async def _assigned(self, assigned: set[int]) -> None:
        assert self._consumer is not None
        async with self._lock:
            self.partitions = len(self._consumer.partitions_for_topic(self.topic) or ())
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
        if not partitions:
            return {}
        reader = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=None,
            enable_auto_commit=False,
            isolation_level="read_committed",
            client_id=f"{self.client_id}-ingester-restore",
        )
        await reader.start()
        states: dict[str, SourceState] = {}
        skipped = 0
        try:
            tps = [TopicPartition(self.topic, p) for p in partitions]
            reader.assign(tps)
            await reader.seek_to_beginning(*tps)
            ends = await reader.end_offsets(tps)
            pending = {tp for tp in tps if ends[tp] > 0}
            while pending:
                batches = await reader.getmany(timeout_ms=500, max_records=5000)
                for msgs in batches.values():
                    for m in msgs:
                        key = m.key.decode()
                        if m.value is None:
                            states.pop(key, None)
                            continue
                        try:
                            states[key] = SourceState.model_validate_json(m.value)
                        except ValidationError as exc:
                            # Unreadable (another version's?): the source starts afresh.
                            states.pop(key, None)
                            skipped += 1
                            log.warning(
                                "state record not restored", source_id=key, error=str(exc)[:300]
                            )
                for tp in list(pending):
                    if await reader.position(tp) >= ends[tp]:
                        pending.discard(tp)
        finally:
            await reader.stop()
        if skipped:
            log.warning("some sources start afresh", unreadable_states=skipped)
        return states

    # -- writing -----------------------------------------------------------------------

    async def commit(self, partition: int, outputs: Sequence[Output]) -> bool:
        """Write ``outputs`` in one transaction of ``partition``'s producer.

        Returns False when the partition is no longer ours (fenced or revoked): the new
        owner polls again from the last committed state.
        """
        if partition not in self.owned:
            return False
        producer = self.pool.get(TopicPartition(self.topic, partition))
        if producer is None:
            return False
        await producer.begin_transaction()
        try:
            for out in outputs:
                await producer.send(out.topic, out.value, key=out.key, headers=out.headers)
            await producer.commit_transaction()
        except Exception:
            with contextlib.suppress(Exception):
                await producer.abort_transaction()
            raise
        return True
