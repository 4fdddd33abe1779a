"""10,000 records through the loop: each exactly once in the output, in order per key."""

from __future__ import annotations

from services.core.metrics import Metrics
from services.core.testing import (
    loop_topics,
    metric_value,
    produce,
    read_topic,
    running,
    wait_until,
)

from .relaying import N, assert_exactly_once_in_order, records, relay_loop


async def test_ten_thousand_records_exactly_once(kafka_bootstrap: str) -> None:
    source, target = await loop_topics(kafka_bootstrap, "eo")
    await produce(kafka_bootstrap, source, records())
    metrics = Metrics()
    loop = relay_loop(kafka_bootstrap, source, target, metrics)
    async with running(loop):
        await wait_until(
            lambda: metric_value(metrics.consumed.labels("relay", source)) >= N,
            what="10,000 records consumed",
        )
    out = await read_topic(kafka_bootstrap, target, expect=N, quiet_s=2)
    assert_exactly_once_in_order(out)
    assert await read_topic(kafka_bootstrap, f"{target}.dlq") == []
