"""Helpers of the ingester's integration tests: settings of its own, a running ingester,
what it wrote, and its metrics."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from services.core.admin import ensure_topics
from services.core.metrics import Metrics
from services.core.records import RawItem
from services.core.settings import Settings
from services.core.testing import read_topic, running
from services.core.topics import ALL_TOPICS
from services.ingester.feedlist import FeedSpec
from services.ingester.service import Ingester


async def make_settings(bootstrap: str, seeds: Path) -> Settings:
    prefix = f"ing{uuid.uuid4().hex[:6]}"
    settings = Settings(
        kafka_bootstrap=bootstrap,
        topic_prefix=prefix,
        group_prefix=prefix,
        seeds_dir=seeds,
        seeds_poll_s=0.2,
        feeds_file=seeds / "no-feed-list.yaml",
        feed_min_interval_s=0.3,
        feed_max_interval_s=0.6,
        fetch_host_interval_s=0,
        fetch_allow_networks=["127.0.0.1/32"],
    )
    await ensure_topics(bootstrap, ALL_TOPICS, prefix=prefix, partitions=3)
    return settings


@asynccontextmanager
async def ingesting(settings: Settings, feeds: Sequence[FeedSpec] = ()) -> AsyncIterator[Ingester]:
    assert settings.kafka_bootstrap is not None
    ingester = Ingester(settings, settings.kafka_bootstrap, Metrics(), feeds)
    async with running(ingester):
        yield ingester


async def raw_items(settings: Settings) -> list[RawItem]:
    assert settings.kafka_bootstrap is not None
    records = await read_topic(settings.kafka_bootstrap, f"{settings.topic_prefix}.raw")
    return [RawItem.model_validate_json(r.value or b"") for r in records]


def sample(ingester: Ingester, name: str, **labels: str) -> float:
    for family in ingester.metrics.registry.collect():
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return float(s.value)
    return 0.0
