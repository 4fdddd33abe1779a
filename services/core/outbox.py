"""The transactional outbox: outputs queued per partition, each partition's queue
written in one transaction of its own producer.

A producer of records that come from outside Kafka (the ingester's feeds and files)
``put``s what one unit of work produced (items, and the state that says they were
produced) under the partition that owns that unit; ``flush`` writes each partition's queue
in one transaction of that partition's transactional producer (``ProducerPool``), so the
outputs of a unit commit together or not at all. ``put`` returns once its outputs are
committed (True) or not (False: the partition is no longer ours, or the transaction
failed; the work is done again from the last committed state).

One transaction at a time on each producer: flushes run one after another (a flusher
task and a partition revocation may ask at the same moment), and a flush, once begun,
runs to its end in a task of its own even when its caller is cancelled, so that no
transaction is left open under the next one. ``exclusive()`` holds flushes off while a
producer is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field

from aiokafka import TopicPartition

from .logs import get_logger
from .producers import ProducerPool
from .transform import Output

log = get_logger(__name__)


@dataclass
class _Queue:
    outputs: list[Output] = field(default_factory=list)
    on_commit: list[Callable[[], None]] = field(default_factory=list)
    waiters: list[asyncio.Future[bool]] = field(default_factory=list)


class Outbox:
    def __init__(self, pool: ProducerPool, owns: Callable[[TopicPartition], bool]) -> None:
        self.pool = pool
        self.owns = owns
        self._queues: dict[TopicPartition, _Queue] = {}
        self._lock = asyncio.Lock()

    @property
    def pending(self) -> bool:
        return bool(self._queues)

    async def put(
        self,
        tp: TopicPartition,
        outputs: Sequence[Output],
        on_commit: Callable[[], None] | None = None,
    ) -> bool:
        """Queue ``outputs`` for ``tp``'s next transaction; True once committed.

        ``on_commit`` runs right after the commit, before any later flush."""
        queue = self._queues.setdefault(tp, _Queue())
        queue.outputs.extend(outputs)
        if on_commit is not None:
            queue.on_commit.append(on_commit)
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        queue.waiters.append(done)
        return await done

    async def flush(self) -> list[Output]:
        """Commit every queue; returns the outputs that were committed.

        The flush runs in a task of its own: cancelling the caller leaves it to finish."""
        return await asyncio.shield(asyncio.ensure_future(self._flush()))

    @contextlib.asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        """No flush runs (nor starts) inside this block: a producer may be closed."""
        async with self._lock:
            yield

    async def _flush(self) -> list[Output]:
        async with self._lock:
            return await self._flush_queues()

    async def _flush_queues(self) -> list[Output]:
        queues, self._queues = self._queues, {}
        committed: list[Output] = []
        for tp, queue in queues.items():
            try:
                ok = await self._commit(tp, queue.outputs)
            except Exception as exc:
                log.warning(
                    "outbox commit failed, the work will be done again",
                    partition=f"{tp.topic}[{tp.partition}]",
                    error=repr(exc),
                )
                ok = False
            if ok:
                committed.extend(queue.outputs)
                for callback in queue.on_commit:
                    callback()
            for waiter in queue.waiters:
                if not waiter.done():
                    waiter.set_result(ok)
        return committed

    async def _commit(self, tp: TopicPartition, outputs: Sequence[Output]) -> bool:
        if not self.owns(tp):
            return False
        producer = self.pool.get(tp)
        if producer is None:
            return False
        await producer.begin_transaction()
        try:
            for out in outputs:
                await producer.send(out.topic, out.value, key=out.key, headers=list(out.headers))
            await producer.commit_transaction()
        except Exception:
            with contextlib.suppress(Exception):
                await producer.abort_transaction()
            raise
        return True
