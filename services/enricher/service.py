"""The enricher as a service."""

from __future__ import annotations

from ..core.consuming import consuming_service
from ..core.loop import StreamLoop
from ..core.metrics import Metrics
from ..core.records import Article
from ..core.settings import Settings
from ..core.topics import ARTICLES
from ..core.transform import model_transform
from .metrics import EnricherMetrics
from .transform import Enrich

NAME = "enricher"


def build(settings: Settings, bootstrap: str, metrics: Metrics) -> StreamLoop:
    prefix = settings.topic_prefix
    return consuming_service(
        service=NAME,
        settings=settings,
        bootstrap=bootstrap,
        metrics=metrics,
        input_topics=[ARTICLES.full_name(prefix)],
        transform=model_transform(
            Article,
            Enrich(prefix, metrics=EnricherMetrics(metrics.registry)),
            source=f"/newswire/{NAME}",
        ),
    )
