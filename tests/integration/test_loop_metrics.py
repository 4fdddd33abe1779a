"""/metrics and /readyz of a running loop, read over HTTP, against what the test produced."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import httpx

from services.core.http import HealthServer
from services.core.loop import StreamLoop
from services.core.metrics import Metrics
from services.core.testing import (
    loop_config,
    loop_topics,
    metric_value,
    produce,
    running,
    wait_until,
)
from services.core.transform import Outcome, Record
from services.relay.transform import Relay

from .relaying import records, relay_loop


def sample(text: str, name: str, **labels: str) -> float | None:
    for line in text.splitlines():
        if line.startswith(f"{name}{{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


async def test_metrics_and_readiness(kafka_bootstrap: str) -> None:
    source, target = await loop_topics(kafka_bootstrap, "m")
    n = 1_234
    await produce(kafka_bootstrap, source, records(n))
    metrics = Metrics()
    loop = relay_loop(kafka_bootstrap, source, target, metrics)
    server = HealthServer(metrics.registry, "127.0.0.1", 0)
    server.add_check("relay", lambda: loop.ready)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url()) as http:
            before = await http.get("/readyz")
            assert before.status_code == 503 and before.json()["checks"] == {"relay": False}
            async with running(loop):
                await wait_until(lambda: loop.ready, what="partitions assigned")
                assert (await http.get("/readyz")).status_code == 200
                await wait_until(
                    lambda: metric_value(metrics.consumed.labels("relay", source)) >= n,
                    what="all consumed",
                )
                await asyncio.sleep(0.5)  # one more poll updates the lag gauges
                text = (await http.get("/metrics")).text
            assert (
                sample(text, "newswire_records_consumed_total", service="relay", topic=source) == n
            )
            assert (
                sample(text, "newswire_records_produced_total", service="relay", topic=target) == n
            )
            lags = [
                sample(text, "newswire_consumer_lag_records", topic=source, partition=str(p))
                for p in range(3)
            ]
            assert lags == [0.0, 0.0, 0.0]
            assert sample(text, "newswire_transactions_total", service="relay", outcome="committed")
            assert sample(text, "newswire_last_processed_timestamp_seconds", service="relay")
            assert "newswire_build_info{" in text
            assert "newswire_transform_duration_seconds_bucket" in text
            after = await http.get("/readyz")
            assert after.status_code == 503  # stopped: no partitions any more
    finally:
        await server.stop()


class Gated:
    """Relays the first step's batches, then holds every batch until ``gate`` opens."""

    def __init__(self, target: str, metrics: Metrics, source: str) -> None:
        self.inner = Relay(target)
        self.metrics = metrics
        self.source = source
        self.gate = asyncio.Event()
        self.held = asyncio.Event()

    async def __call__(self, batch: Sequence[Record]) -> Sequence[Outcome]:
        if metric_value(self.metrics.consumed.labels("relay", self.source)) > 0:
            self.held.set()
            await self.gate.wait()
        return await self.inner(batch)


async def test_lag_is_what_remains_to_process(kafka_bootstrap: str) -> None:
    source, target = await loop_topics(kafka_bootstrap, "lag")
    n = 3_000
    await produce(kafka_bootstrap, source, records(n))
    metrics = Metrics()
    gated = Gated(target, metrics, source)
    config = loop_config("relay", source, target, batch_max_records=100)
    loop = StreamLoop(kafka_bootstrap, config, gated, metrics)

    def lag() -> float:
        values = metrics.lag_values()
        return sum(values.get(("relay", source, str(p)), -(10**9)) for p in range(3))

    async with running(loop):
        try:
            await asyncio.wait_for(gated.held.wait(), 60)
            consumed = metric_value(metrics.consumed.labels("relay", source))
            assert 0 < consumed < n
            # Held: nothing more is committed, and the gauges settle on what is left.
            await wait_until(lambda: lag() == n - consumed, 10, f"lag {n - consumed}")
            assert metric_value(metrics.consumed.labels("relay", source)) == consumed
        finally:
            gated.gate.set()
        await wait_until(lambda: lag() == 0, 60, "lag 0 once everything is processed")
