"""Creating newswire's topics with their partitions, replication and retention, and
reporting the topics whose configuration differs from what newswire would create."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import KafkaError, TopicAlreadyExistsError, for_code

from .clients import Kafka, as_clients
from .errors import BrokerError
from .logs import get_logger
from .settings import Settings
from .topics import DAY_MS, Topic

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


async def _admin(kafka: Kafka) -> AIOKafkaAdminClient:
    clients = as_clients(kafka)
    admin = clients.admin(client_id=f"{clients.client_id}-admin")
    await clients.start(admin)
    return admin


async def create_topics(kafka: Kafka, topics: Iterable[NewTopic]) -> list[str]:
    """Create the topics that do not exist yet; returns the names it created."""
    admin = await _admin(kafka)
    try:
        existing = set(await admin.list_topics())
        wanted = [t for t in topics if t.name not in existing]
        if not wanted:
            return []
        return _check(await admin.create_topics(wanted))
    finally:
        await admin.close()


@dataclass(frozen=True, slots=True)
class TopicLayout:
    """How newswire creates its topics: names, partitions, replication, retention."""

    prefix: str
    partitions: int
    replication_factor: int = 1
    min_insync_replicas: int | None = None
    """Unset: the replication factor minus one, at least 1 (a write is acknowledged by
    every in-sync replica, and one broker may be down)."""
    retention_days: Mapping[str, float] = field(default_factory=dict)
    """Per topic name without the prefix: overrides the catalogue's retention."""

    @classmethod
    def from_settings(cls, settings: Settings) -> TopicLayout:
        return cls(
            prefix=settings.topic_prefix,
            partitions=settings.kafka_partitions,
            replication_factor=settings.kafka_replication_factor,
            min_insync_replicas=settings.kafka_min_insync_replicas,
            retention_days=settings.kafka_retention_days,
        )

    def configs(self, topic: Topic) -> dict[str, str]:
        """The topic-level configuration newswire gives ``topic``."""
        configs = topic.configs()
        days = self.retention_days.get(topic.name)
        if days is not None and topic.cleanup_policy == "delete":
            configs["retention.ms"] = str(int(days * DAY_MS))
        isr = self.min_insync_replicas or max(1, self.replication_factor - 1)
        configs["min.insync.replicas"] = str(isr)
        return configs

    def new_topic(self, topic: Topic) -> NewTopic:
        return NewTopic(
            name=topic.full_name(self.prefix),
            num_partitions=self.partitions,
            replication_factor=self.replication_factor,
            topic_configs=self.configs(topic),
        )


async def ensure_topics(
    kafka: Kafka,
    topics: Iterable[Topic],
    *,
    prefix: str,
    partitions: int,
    replication_factor: int = 1,
) -> list[str]:
    """Create newswire's own topics (from the catalogue) that do not exist yet."""
    return await create_layout(kafka, topics, TopicLayout(prefix, partitions, replication_factor))


async def create_layout(kafka: Kafka, topics: Iterable[Topic], layout: TopicLayout) -> list[str]:
    """Create the topics of ``layout`` that do not exist yet; returns their names."""
    created = await create_topics(kafka, [layout.new_topic(t) for t in topics])
    if created:
        log.info("topics created", topics=created, partitions=layout.partitions)
    return created


async def topic_differences(
    kafka: Kafka, topics: Iterable[Topic], layout: TopicLayout
) -> list[str]:
    """One line per existing topic setting that differs from what newswire would create
    (partitions, replication factor, cleanup, retention, min.insync.replicas)."""
    wanted = {t.full_name(layout.prefix): layout.configs(t) for t in topics}
    admin = await _admin(kafka)
    try:
        present = [
            t for t in await admin.describe_topics(list(wanted)) if t.get("error_code", 0) == 0
        ]
        if not present:
            return []
        resources = [
            ConfigResource(ConfigResourceType.TOPIC, t["topic"], dict.fromkeys(wanted[t["topic"]]))
            for t in present
        ]
        responses = await admin.describe_configs(resources)
    finally:
        await admin.close()
    actual: dict[str, dict[str, str]] = {}
    for response in responses:
        for resource in response.to_object()["resources"]:
            actual[resource["resource_name"]] = {
                entry["config_names"]: entry["config_value"] for entry in resource["config_entries"]
            }
    problems = []
    for topic in sorted(present, key=lambda t: str(t["topic"])):
        name = topic["topic"]
        parts = topic["partitions"]
        if len(parts) != layout.partitions:
            problems.append(
                f"{name}: {len(parts)} partitions, newswire would create {layout.partitions}"
            )
        factor = min((len(p["replicas"]) for p in parts), default=0)
        if factor != layout.replication_factor:
            problems.append(
                f"{name}: replication factor {factor}, newswire would create "
                f"{layout.replication_factor}"
            )
        for key, value in wanted[name].items():
            have = actual.get(name, {}).get(key)
            if have != value:
                problems.append(f"{name}: {key} is {have}, newswire wants {value}")
    return problems


async def alter_topic_configs(kafka: Kafka, topics: Iterable[Topic], layout: TopicLayout) -> None:
    """Set newswire's configuration (cleanup, retention, min.insync.replicas) on existing
    topics. Partitions and replication factor are left alone (Kafka's own tools)."""
    resources = [
        ConfigResource(ConfigResourceType.TOPIC, t.full_name(layout.prefix), layout.configs(t))
        for t in topics
    ]
    admin = await _admin(kafka)
    try:
        for response in await admin.alter_configs(resources):
            for resource in response.to_object()["resources"]:
                if resource["error_code"]:
                    reason = resource["error_message"] or for_code(resource["error_code"]).__name__
                    raise BrokerError(
                        f"could not configure topic {resource['resource_name']}: {reason}"
                    )
    finally:
        await admin.close()


async def create_topic(kafka: Kafka, name: str, partitions: int) -> None:
    """Create one plain topic (tests, benchmarks, ``newswire relay``); fine if it exists."""
    await create_topics(
        kafka, [NewTopic(name=name, num_partitions=partitions, replication_factor=1)]
    )


async def topic_partitions(
    kafka: Kafka, topic: str, timeout_s: float | None = None
) -> list[TopicPartition]:
    """The partitions of ``topic``, waiting for it to exist (by default as long as a client
    may take to start, ``NEWSWIRE_KAFKA_START_TIMEOUT_S``)."""
    clients = as_clients(kafka)
    if timeout_s is None:
        timeout_s = clients.start_timeout_s
    producer = clients.producer(request_timeout_ms=5000)
    await clients.start(producer)
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


async def existing_topics(kafka: Kafka) -> set[str]:
    admin = await _admin(kafka)
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()
