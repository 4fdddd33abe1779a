"""The normalizer as a service."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from pydantic import ValidationError

from ..core.clients import KafkaClients, kafka_clients
from ..core.consuming import consuming_service
from ..core.history import recent_values
from ..core.logs import get_logger
from ..core.loop import StreamLoop
from ..core.metrics import Metrics
from ..core.records import Article, RawItem
from ..core.settings import Settings
from ..core.topics import ARTICLES, RAW
from ..core.transform import ModelTransform, Outcome, Record, model_transform
from .dedup import DuplicateWindow
from .metrics import NormalizerMetrics
from .transform import Normalizer

log = get_logger(__name__)
NAME = "normalizer"


class WarmTransform:
    """Rebuilds the duplicate window from the output topic before the first batch."""

    def __init__(
        self, inner: ModelTransform[RawItem], normalizer: Normalizer, kafka: KafkaClients
    ) -> None:
        self.inner = inner
        self.normalizer = normalizer
        self.kafka = kafka
        self.warm = False
        self._lock = asyncio.Lock()

    async def __call__(self, records: Sequence[Record]) -> Sequence[Outcome]:
        if not self.warm:
            async with self._lock:  # partitions start together: rebuild once
                if not self.warm:
                    await self._rebuild()
                    self.warm = True
        return await self.inner(records)

    async def _rebuild(self) -> None:
        window = self.normalizer.window
        values = await recent_values(self.kafka, self.normalizer.topic, window.capacity)
        for value in values:
            try:
                self.normalizer.remember(Article.model_validate_json(value))
            except ValidationError:
                continue
        log.info("duplicate window rebuilt", articles=len(window), read=len(values))


def build(settings: Settings, bootstrap: str, metrics: Metrics) -> StreamLoop:
    prefix = settings.topic_prefix
    normalizer = Normalizer(
        ARTICLES.full_name(prefix),
        DuplicateWindow.from_settings(settings),
        NormalizerMetrics(metrics.registry),
    )
    transform = model_transform(RawItem, normalizer, source=f"/newswire/{NAME}")
    return consuming_service(
        service=NAME,
        settings=settings,
        bootstrap=bootstrap,
        metrics=metrics,
        input_topics=[RAW.full_name(prefix)],
        transform=WarmTransform(transform, normalizer, kafka_clients(settings, bootstrap)),
    )
