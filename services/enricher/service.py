"""The enricher as a service."""

from __future__ import annotations

from ..core.consuming import consuming_service
from ..core.loop import StreamLoop
from ..core.metrics import Metrics
from ..core.settings import Settings
from ..core.topics import ARTICLES
from .metrics import EnricherMetrics
from .pipeline import nlp
from .transform import Enrich, EnrichTransform

NAME = "enricher"


def build(settings: Settings, bootstrap: str, metrics: Metrics) -> StreamLoop:
    nlp()  # the model loads before the loop joins its group: ready means ready to enrich
    prefix = settings.topic_prefix
    return consuming_service(
        service=NAME,
        settings=settings,
        bootstrap=bootstrap,
        metrics=metrics,
        input_topics=[ARTICLES.full_name(prefix)],
        transform=EnrichTransform(
            Enrich(prefix, metrics=EnricherMetrics(metrics.registry)),
            source=f"/newswire/{NAME}",
            batch_size=settings.enricher_batch_size,
            max_chars=settings.enricher_max_chars,
        ),
        batch_max_records=settings.enricher_max_records,
    )
