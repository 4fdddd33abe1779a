from datetime import UTC, datetime

import pytest
from pydantic import BaseModel

from services.core.cloudevents import header
from services.core.errors import TransformError
from services.core.transform import Emit, Failure, Produce, Record, model_transform


class Doc(BaseModel):
    n: int


def rec(value: bytes | None, offset: int = 0) -> Record:
    return Record(topic="in", partition=2, offset=offset, key=b"k", value=value)


def double(doc: Doc, record: Record) -> list[Produce]:
    if doc.n < 0:
        raise TransformError(f"negative: {doc.n}")
    return [Produce("out", str(doc.n), Doc(n=doc.n * 2), "test.doc.v1")]


async def test_outcomes_are_one_per_record_in_order() -> None:
    t = model_transform(Doc, double, source="/test")
    t.now = lambda: datetime(2024, 1, 1, tzinfo=UTC)
    outcomes = await t([rec(b'{"n": 1}', 10), rec(b"not json", 11), rec(b'{"n": -1}', 12)])
    assert len(outcomes) == 3
    ok, bad_json, rejected = outcomes
    assert isinstance(ok, Emit)
    [out] = ok.outputs
    assert out.topic == "out" and out.key == b"1" and out.value == b'{"n":2}'
    assert header(out.headers, "ce_id") == "in/2/10/0"
    assert header(out.headers, "ce_type") == "test.doc.v1"
    assert header(out.headers, "ce_time") == "2024-01-01T00:00:00Z"
    assert header(out.headers, "ce_specversion") == "1.0"
    assert header(out.headers, "content-type") == "application/json"
    assert isinstance(bad_json, Failure) and bad_json.stage == "decode"
    assert bad_json.error_class == "DecodeError"
    assert isinstance(rejected, Failure) and rejected.stage == "transform"
    assert rejected.message == "negative: -1"


async def test_invalid_documents_name_the_field() -> None:
    t = model_transform(Doc, double, source="/test")
    [failure] = await t([rec(b'{"n": "many"}')])
    assert isinstance(failure, Failure)
    assert "first at n" in failure.message


async def test_tombstones_fail_to_decode() -> None:
    t = model_transform(Doc, double, source="/test")
    [failure] = await t([rec(None)])
    assert isinstance(failure, Failure) and "tombstone" in failure.message


async def test_async_functions_and_unexpected_exceptions() -> None:
    async def boom(doc: Doc, record: Record) -> list[Produce]:
        if doc.n == 0:
            raise ZeroDivisionError("division by zero")
        return []

    outcomes = await model_transform(Doc, boom, source="/t")([rec(b'{"n":0}'), rec(b'{"n":1}')])
    assert isinstance(outcomes[0], Failure) and outcomes[0].error_class == "ZeroDivisionError"
    assert outcomes[1] == Emit([])


@pytest.mark.parametrize("attempt", [1, 2, 5, 20])
def test_backoff_grows_and_is_capped(attempt: int) -> None:
    from services.core.retry import Backoff

    b = Backoff(base_s=0.5, cap_s=10)
    assert b.ceiling(attempt) == min(10, 0.5 * 2 ** (attempt - 1))
    assert 0 <= b.delay(attempt) <= b.ceiling(attempt)
