"""The relay as a service."""

from __future__ import annotations

from ..core.consuming import consuming_service
from ..core.loop import StreamLoop
from ..core.metrics import Metrics
from ..core.settings import Settings
from .transform import Relay


def build(
    settings: Settings, bootstrap: str, metrics: Metrics, *, source: str, target: str
) -> StreamLoop:
    return consuming_service(
        service="relay",
        settings=settings,
        bootstrap=bootstrap,
        metrics=metrics,
        input_topics=[source],
        transform=Relay(target),
        group_id=f"{settings.group_prefix}.relay.{source}.{target}",
        transactional_id_prefix=f"{settings.group_prefix}.to.{target}",
    )
