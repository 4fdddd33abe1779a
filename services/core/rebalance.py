"""The consumer rebalance listener: a group's assignments handed to two coroutines."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiokafka import ConsumerRebalanceListener, TopicPartition

OnPartitions = Callable[[set[TopicPartition]], Awaitable[None]]


class Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    """Calls ``assigned`` and ``revoked`` with the partitions as a set.

    aiokafka awaits them inside the rebalance: the group waits until they return, so a
    revoked partition's work can commit before another member takes it."""

    def __init__(self, *, assigned: OnPartitions, revoked: OnPartitions) -> None:
        self.assigned = assigned
        self.revoked = revoked

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        await self.revoked(set(revoked))

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        await self.assigned(set(assigned))
