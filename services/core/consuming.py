"""Building a consuming service from its transform: names, topics, and the loop."""

from __future__ import annotations

from collections.abc import Sequence

from .clients import kafka_clients
from .loop import LoopConfig, StreamLoop
from .metrics import Metrics
from .retry import Backoff
from .settings import Settings
from .topics import dead_letter_topic
from .transform import Transform


def consuming_service(
    *,
    service: str,
    settings: Settings,
    bootstrap: str,
    metrics: Metrics,
    input_topics: Sequence[str],
    transform: Transform,
    group_id: str | None = None,
    transactional_id_prefix: str | None = None,
    batch_max_records: int | None = None,
) -> StreamLoop:
    """A ``StreamLoop`` for ``service`` with the clients and names the settings give
    (``bootstrap``: the broker's address, which the local run finds at run time)."""
    config = LoopConfig(
        service=service,
        input_topics=tuple(input_topics),
        dead_letter_topic=dead_letter_topic(service).full_name(settings.topic_prefix),
        group_id=group_id or f"{settings.group_prefix}.{service}",
        transactional_id_prefix=transactional_id_prefix or settings.group_prefix,
        client_id=settings.kafka_client_id,
        batch_max_records=batch_max_records or settings.batch_max_records,
        batch_timeout_ms=settings.batch_timeout_ms,
        transaction_timeout_ms=settings.transaction_timeout_ms,
        backoff=Backoff.from_settings(settings),
        max_record_bytes=settings.max_record_bytes,
        ready_probe_interval_s=settings.ready_probe_interval_s,
        ready_probe_timeout_s=settings.ready_probe_timeout_s,
    )
    return StreamLoop(kafka_clients(settings, bootstrap), config, transform, metrics)
