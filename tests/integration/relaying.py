"""Helpers of the tests that relay numbered records and check each arrived once, in order."""

from __future__ import annotations

from collections import defaultdict

from services.core.loop import StreamLoop
from services.core.metrics import Metrics
from services.core.testing import Consumed, loop_config
from services.relay.transform import Relay

N = 10_000
KEYS = 97


def records(n: int = N) -> list[tuple[bytes, bytes]]:
    """``n`` records over ``KEYS`` keys, each value its key and its number within the key."""
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
    return StreamLoop(bootstrap, loop_config("relay", source, target), Relay(target), metrics)
