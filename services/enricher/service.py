"""The enricher as a service."""

from __future__ import annotations

from ..core.consuming import consuming_service
from ..core.loop import StreamLoop
from ..core.metrics import Metrics
from ..core.settings import Settings
from ..core.topics import ARTICLES
from .metrics import EnricherMetrics
from .transform import Enrich, EnrichTransform
from .workers import AnalysisWorkers

NAME = "enricher"


def build(settings: Settings, bootstrap: str, metrics: Metrics) -> StreamLoop:
    prefix = settings.topic_prefix
    enricher_metrics = EnricherMetrics(metrics.registry)
    workers = AnalysisWorkers(
        processes=settings.enricher_processes,
        batch_size=settings.enricher_batch_size,
        max_chars=settings.enricher_max_chars,
        on_restart=enricher_metrics.worker_restarts.inc,
    )
    workers.start()  # the model loads before the loop joins its group: ready means ready
    return consuming_service(
        service=NAME,
        settings=settings,
        bootstrap=bootstrap,
        metrics=metrics,
        input_topics=[ARTICLES.full_name(prefix)],
        transform=EnrichTransform(
            Enrich(prefix, metrics=enricher_metrics), source=f"/newswire/{NAME}", workers=workers
        ),
        batch_max_records=settings.enricher_max_records,
    )
