"""Creating newswire's topics with their partitions and retention."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code

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
