"""A transform that fails on some records: exactly those reach the dead-letter topic."""

from __future__ import annotations

import json

from pydantic import BaseModel

from services.core.admin import create_topic
from services.core.errors import TransformError
from services.core.loop import StreamLoop
from services.core.metrics import Metrics
from services.core.records import DeadLetter
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


class Number(BaseModel):
    n: int


def reject_multiples_of_seven(doc: Number, record: Record) -> list[Produce]:
    if doc.n % 7 == 0:
        raise TransformError(f"{doc.n} is a multiple of seven")
    return [Produce(record.topic + ".out", str(doc.n), doc, "test.number.v1")]


async def test_failures_go_to_the_dead_letter_topic_with_error_headers(
    kafka_bootstrap: str,
) -> None:
    source = unique_topic("dl-in")
    target, dlq = source + ".out", source + ".dlq"
    for topic in (source, target, dlq):
        await create_topic(kafka_bootstrap, topic, 3)
    good = [(str(n).encode(), json.dumps({"n": n}).encode()) for n in range(1, 201)]
    poison = [(b"p1", b"not json"), (b"p2", b'{"n": "x"}'), (b"p3", None)]
    await produce(kafka_bootstrap, source, good + poison, headers=[("origin", b"test")])
    metrics = Metrics()
    loop = StreamLoop(
        kafka_bootstrap,
        loop_config("checker", source, source),  # dead letters to <source>.dlq
        model_transform(Number, reject_multiples_of_seven, source="/test"),
        metrics,
    )
    async with running(loop):
        await wait_until(
            lambda: metric_value(metrics.consumed.labels("checker", source)) >= 203,
            what="all records consumed",
        )
    sevens = {n for n in range(1, 201) if n % 7 == 0}
    out = await read_topic(kafka_bootstrap, target, expect=200 - len(sevens))
    assert sorted(int(r.key or b"0") for r in out) == [n for n in range(1, 201) if n not in sevens]

    letters = await read_topic(kafka_bootstrap, dlq, expect=len(sevens) + 3)
    by_key = {r.key: r for r in letters}
    assert len(letters) == len(by_key) == len(sevens) + 3
    assert set(by_key) == {str(n).encode() for n in sevens} | {b"p1", b"p2", b"p3"}
    for n in sevens:
        r = by_key[str(n).encode()]
        assert r.header("newswire_original_origin") == "test"  # original headers kept
        assert r.header("ce_type") == "io.newswire.dead-letter.v1"  # a CloudEvent of its own
        assert r.header("ce_id") == f"{source}/{r.header('newswire_source_partition')}/" + str(
            r.header("newswire_source_offset")
        )
        assert r.header("__connect.errors.exception.message") == f"{n} is a multiple of seven"
        assert r.header("newswire_error_stage") == "transform"
        assert r.header("newswire_error_class") == "TransformError"
        assert r.header("newswire_error_message") == f"{n} is a multiple of seven"
        assert r.header("newswire_source_topic") == source
        assert r.value is not None
        letter = DeadLetter.model_validate_json(r.value)
        assert letter.original_value == json.dumps({"n": n})
        assert (r.header("newswire_source_partition"), r.header("newswire_source_offset")) == (
            str(letter.source_partition),
            str(letter.source_offset),
        )
    for key in (b"p1", b"p2", b"p3"):
        assert by_key[key].header("newswire_error_stage") == "decode"
    assert metric_value(
        metrics.dead_lettered.labels("checker", source, "transform", "TransformError")
    ) == len(sevens)
    assert (
        metric_value(metrics.dead_lettered.labels("checker", source, "decode", "DecodeError")) == 3
    )
