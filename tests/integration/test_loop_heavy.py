"""A CPU-heavy transform (one batch longer than the session timeout) keeps its partitions."""

from __future__ import annotations

import time

from pydantic import BaseModel

from services.core.admin import create_topic
from services.core.loop import StreamLoop
from services.core.metrics import Metrics
from services.core.testing import (
    loop_config,
    metric_value,
    produce,
    read_topic,
    running,
    unique_topic,
    wait_until,
)
from services.core.transform import Produce, Record, model_transform

SESSION_TIMEOUT_S = 10  # aiokafka's default


class Doc(BaseModel):
    n: int


def burn(doc: Doc, record: Record) -> list[Produce]:
    time.sleep(0.03)  # CPU-bound work that never yields to the event loop by itself
    return [Produce(record.topic + ".out", str(doc.n), doc, "test.doc.v1")]


async def test_heavy_batches_do_not_cost_the_group_membership(kafka_bootstrap: str) -> None:
    source = unique_topic("heavy")
    await create_topic(kafka_bootstrap, source, 1)
    await create_topic(kafka_bootstrap, source + ".out", 1)
    await create_topic(kafka_bootstrap, source + ".dlq", 1)
    n = 450  # 13.5 s of work, more than the session timeout, in one or two batches
    await produce(kafka_bootstrap, source, [(str(i).encode(), b'{"n": %d}' % i) for i in range(n)])
    metrics = Metrics()
    loop = StreamLoop(
        kafka_bootstrap,
        loop_config("heavy", source, source, batch_max_records=1000),
        model_transform(Doc, burn, source="/test"),
        metrics,
    )
    async with running(loop):
        await wait_until(
            lambda: metric_value(metrics.consumed.labels("heavy", source)) >= n, 120, "all"
        )
    assert n * 0.03 > SESSION_TIMEOUT_S
    fenced = metric_value(metrics.transactions.labels("heavy", "fenced"))
    assert fenced == 0
    out = await read_topic(kafka_bootstrap, source + ".out", expect=n)
    assert sorted(int(r.key or b"-1") for r in out) == list(range(n))
