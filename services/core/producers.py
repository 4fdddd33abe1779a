"""One transactional producer per assigned input partition.

aiokafka sends only the group id with transactional offset commits (it has no KIP-447
group-metadata fencing), so newswire fences zombies the pre-KIP-447 way: the transactional
id is derived from the input partition (``<prefix>.<service>.<topic>.<partition>``). Whoever
is assigned a partition starts the producer for it; ``InitProducerId`` bumps the epoch,
which aborts a pending transaction of the previous owner and fences that owner for good.
"""

from __future__ import annotations

from aiokafka import AIOKafkaProducer, TopicPartition

from .clients import Kafka, as_clients
from .logs import get_logger

log = get_logger(__name__)


def transactional_id(prefix: str, service: str, tp: TopicPartition) -> str:
    return f"{prefix}.{service}.{tp.topic}.{tp.partition}"


class ProducerPool:
    """The transactional producers of the partitions this process owns."""

    def __init__(
        self,
        *,
        kafka: Kafka,
        prefix: str,
        service: str,
        client_id: str,
        transaction_timeout_ms: int,
    ) -> None:
        self.kafka = as_clients(kafka)
        self.prefix = prefix
        self.service = service
        self.client_id = client_id
        self.transaction_timeout_ms = transaction_timeout_ms
        self._producers: dict[TopicPartition, AIOKafkaProducer] = {}

    def get(self, tp: TopicPartition) -> AIOKafkaProducer | None:
        return self._producers.get(tp)

    def partitions(self) -> set[TopicPartition]:
        return set(self._producers)

    async def ensure(self, tp: TopicPartition) -> AIOKafkaProducer:
        """The producer for ``tp``, started (and so fencing any previous owner) if new."""
        producer = self._producers.get(tp)
        if producer is None:
            txn_id = transactional_id(self.prefix, self.service, tp)
            producer = self.kafka.producer(
                client_id=f"{self.client_id}-{self.service}",
                transactional_id=txn_id,
                enable_idempotence=True,
                transaction_timeout_ms=self.transaction_timeout_ms,
                linger_ms=5,
                max_batch_size=256 * 1024,
                max_request_size=8 * 1024 * 1024,
            )
            await self.kafka.start(producer)
            self._producers[tp] = producer
            log.debug("transactional producer ready", transactional_id=txn_id)
        return producer

    async def close(self, tp: TopicPartition) -> None:
        producer = self._producers.pop(tp, None)
        if producer is not None:
            await producer.stop()

    async def close_all(self) -> None:
        for tp in list(self._producers):
            await self.close(tp)
