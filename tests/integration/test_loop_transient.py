"""A transient broker error (here: the output topic is missing) is retried, not dead-lettered."""

from __future__ import annotations

from dataclasses import replace

from services.core.admin import create_topic
from services.core.clients import as_clients
from services.core.loop import StreamLoop
from services.core.metrics import Metrics
from services.core.retry import Backoff
from services.core.testing import (
    loop_config,
    metric_value,
    produce,
    read_topic,
    running,
    unique_topic,
    wait_until,
)
from services.relay.transform import Relay

from .relaying import assert_exactly_once_in_order, records


def errors(metrics: Metrics) -> float:
    return sum(
        s.value
        for family in metrics.broker_errors.collect()
        for s in family.samples
        if s.name.endswith("_total")
    )


async def test_missing_output_topic_is_retried_until_it_exists(kafka_bootstrap: str) -> None:
    source, target = unique_topic("tr-in"), unique_topic("tr-out")
    await create_topic(kafka_bootstrap, source, 3)
    await create_topic(kafka_bootstrap, f"{target}.dlq", 1)
    n = 300
    await produce(kafka_bootstrap, source, records(n))
    metrics = Metrics()
    loop = StreamLoop(
        replace(as_clients(kafka_bootstrap), request_timeout_ms=2_000),
        loop_config("relay", source, target, backoff=Backoff(base_s=0.1, cap_s=0.5)),
        Relay(target),
        metrics,
    )
    async with running(loop):
        await wait_until(lambda: errors(metrics) >= 2, 60, "retried broker errors")
        assert metric_value(metrics.consumed.labels("relay", source)) == 0
        assert not loop.ready  # /readyz reports the broker trouble
        await create_topic(kafka_bootstrap, target, 3)
        await wait_until(
            lambda: metric_value(metrics.consumed.labels("relay", source)) >= n, 120, "recovery"
        )
        assert loop.ready
    assert_exactly_once_in_order(await read_topic(kafka_bootstrap, target, expect=n), n)
    assert await read_topic(kafka_bootstrap, f"{target}.dlq") == []
