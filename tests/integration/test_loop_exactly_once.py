"""10,000 records through the loop: each exactly once in the output, in order per key."""

from __future__ import annotations

from collections import defaultdict

from services.core.admin import create_topic
from services.core.loop import LoopConfig, StreamLoop
from services.core.metrics import Metrics
from services.core.testing import Consumed, produce, read_topic, unique_topic
from services.relay.transform import Relay

from .conftest import running, wait_until

N = 10_000
KEYS = 97


def records(n: int = N) -> list[tuple[bytes, bytes]]:
    return [(f"key-{i % KEYS}".encode(), f"{i % KEYS}:{i // KEYS}".encode()) for i in range(n)]


def assert_exactly_once_in_order(out: list[Consumed], n: int = N) -> None:
    values = [r.value for r in out]
    assert len(values) == n, f"{len(values)} records out, {len(set(values))} distinct"
    assert set(values) == {v for _, v in records(n)}
    per_key: dict[bytes | None, list[int]] = defaultdict(list)
    for r in sorted(out, key=lambda r: (r.partition, r.offset)):
        assert r.value is not None
        key_no, seq = r.value.decode().split(":")
        assert r.key == f"key-{key_no}".encode()
        per_key[r.key].append(int(seq))
    for key, seqs in per_key.items():
        assert seqs == sorted(seqs), f"out of order for {key!r}"


def relay_loop(bootstrap: str, source: str, target: str, metrics: Metrics) -> StreamLoop:
    config = LoopConfig(
        service="relay",
        input_topics=(source,),
        dead_letter_topic=f"{target}.dlq",
        group_id=f"group-{target}",
        transactional_id_prefix=f"txn-{target}",
    )
    return StreamLoop(bootstrap, config, Relay(target), metrics)


async def test_ten_thousand_records_exactly_once(kafka_bootstrap: str) -> None:
    source, target = unique_topic("in"), unique_topic("out")
    for topic in (source, target, f"{target}.dlq"):
        await create_topic(kafka_bootstrap, topic, 3)
    await produce(kafka_bootstrap, source, records())
    metrics = Metrics()
    loop = relay_loop(kafka_bootstrap, source, target, metrics)
    async with running(loop):
        await wait_until(
            lambda: metrics.consumed.labels("relay", source)._value.get() >= N,
            what="10,000 records consumed",
        )
    out = await read_topic(kafka_bootstrap, target, expect=N, quiet_s=2)
    assert_exactly_once_in_order(out)
    assert await read_topic(kafka_bootstrap, f"{target}.dlq") == []
