"""Creating newswire's topics with their partitions and retention."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError, for_code

from .errors import BrokerError
from .logs import get_logger
from .topics import Topic

log = get_logger(__name__)


def _check(response: Any) -> list[str]:
    """The topics the CreateTopics response says were created; raise on a real error."""
    created = []
    for entry in response.topic_errors:
        name, code = entry[0], entry[1]
        if code == 0:
            created.append(name)
        elif for_code(code) is not TopicAlreadyExistsError:
            message = entry[2] if len(entry) > 2 and entry[2] else for_code(code).__name__
            raise BrokerError(f"could not create topic {name}: {message}")
    return created


async def create_topics(bootstrap: str, topics: Iterable[NewTopic]) -> list[str]:
    """Create the topics that do not exist yet; returns the names it created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="newswire-admin")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [t for t in topics if t.name not in existing]
        if not wanted:
            return []
        return _check(await admin.create_topics(wanted))
    finally:
        await admin.close()


async def ensure_topics(
    bootstrap: str,
    topics: Iterable[Topic],
    *,
    prefix: str,
    partitions: int,
    replication_factor: int = 1,
) -> list[str]:
    """Create newswire's own topics (from the catalogue) that do not exist yet."""
    created = await create_topics(
        bootstrap,
        [
            NewTopic(
                name=t.full_name(prefix),
                num_partitions=partitions,
                replication_factor=replication_factor,
                topic_configs=t.configs(),
            )
            for t in topics
        ],
    )
    if created:
        log.info("topics created", topics=created, partitions=partitions)
    return created


async def create_topic(bootstrap: str, name: str, partitions: int) -> None:
    """Create one plain topic (tests, benchmarks, ``newswire relay``); fine if it exists."""
    await create_topics(
        bootstrap, [NewTopic(name=name, num_partitions=partitions, replication_factor=1)]
    )


async def topic_partitions(
    bootstrap: str, topic: str, timeout_s: float = 30.0
) -> list[TopicPartition]:
    """The partitions of ``topic``, waiting for it to exist."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    await producer.start()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    try:
        while True:
            try:
                found = await producer.partitions_for(topic)
            except KafkaError:
                found = None
            if found:
                return [TopicPartition(topic, p) for p in sorted(found)]
            if loop.time() > deadline:
                raise TimeoutError(f"topic {topic} has no partitions after {timeout_s}s")
            await asyncio.sleep(0.2)
    finally:
        await producer.stop()
