"""What a service plugs into the loop: a transform from consumed records to outcomes.

A transform receives a batch of ``Record`` and returns one outcome per record, in order:
either ``Emit`` (the records to produce, possibly none) or ``Failure`` (the reason the record
cannot be processed). Failures are a second output stream that the loop routes to the
service's dead-letter topic; they are values, not exceptions.

``Record``, ``Output`` and ``Emit`` are plain slotted classes, not frozen ones (they are
made for every record, and frozen dataclasses are several times slower to build): treat
them as immutable all the same.

Most services write a per-record function over a pydantic model and wrap it with
``model_transform``, which decodes and validates the input, encodes the outputs with
CloudEvents headers, and turns a ``RecordError`` (or any exception) into a ``Failure``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from .cloudevents import Headers, ce_headers
from .errors import DecodeError, RecordError
from .records import utc_now
from .topics import dataschema_of


@dataclass(slots=True)
class Record:
    """One consumed Kafka record."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers = ()
    timestamp_ms: int = 0


@dataclass(slots=True)
class Output:
    """One record to produce."""

    topic: str
    key: bytes | None
    value: bytes
    headers: Headers = ()


def encoded_size(out: Output) -> int:
    """The bytes of ``out`` that count against the record limit (``NEWSWIRE_MAX_RECORD_BYTES``:
    the broker refuses about 1 MiB by default, and a refused record would abort its
    transaction again on every try)."""
    return len(out.value) + len(out.key or b"") + sum(len(k) + len(v) for k, v in out.headers)


@dataclass(slots=True)
class Emit:
    """The record was processed: produce these outputs (none is fine)."""

    outputs: Sequence[Output] = ()


@dataclass(frozen=True, slots=True)
class Failure:
    """The record cannot be processed: send it to the dead-letter topic with this reason."""

    stage: str
    error_class: str
    message: str

    @classmethod
    def from_exception(cls, exc: BaseException) -> Failure:
        stage = exc.stage if isinstance(exc, RecordError) else "transform"
        return cls(stage=stage, error_class=type(exc).__name__, message=str(exc) or repr(exc))


Outcome = Emit | Failure


class Transform(Protocol):
    """A batch transform: one outcome per record, in the order of the records.

    A transform that holds resources (processes, connections) may also have a ``close()``
    method: the loop calls it once, after its last batch."""

    async def __call__(self, records: Sequence[Record]) -> Sequence[Outcome]: ...


In = TypeVar("In", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Produce:
    """A model to produce, with its topic, key and CloudEvents type."""

    topic: str
    key: str
    value: BaseModel
    ce_type: str


def decode(model: type[In], record: Record) -> In:
    """Validate a record's JSON value against ``model``, or raise ``DecodeError``."""
    if record.value is None:
        raise DecodeError("the record has no value (a tombstone)")
    try:
        return model.model_validate_json(record.value)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] in ("json_invalid", "json_type"):
            raise DecodeError(f"not JSON: {first['msg']}") from None
        where = ".".join(str(p) for p in first["loc"]) or "(root)"
        raise DecodeError(
            f"not a valid {model.__name__}: {exc.error_count()} error(s), first at {where}: "
            f"{first['msg']}"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DecodeError(f"not JSON: {exc}") from None


def encode(item: Produce, *, source: str, event_id: str, time: datetime) -> Output:
    """A model as a Kafka record: compact JSON value, CloudEvents headers."""
    return Output(
        topic=item.topic,
        key=item.key.encode(),
        value=item.value.model_dump_json().encode(),
        headers=ce_headers(
            event_id=event_id,
            source=source,
            type_=item.ce_type,
            time=time,
            dataschema=dataschema_of(item.ce_type),
        ),
    )


def emit(record: Record, produced: Sequence[Produce], *, source: str, time: datetime) -> Emit:
    """``produced`` as the outcome of ``record``: event ids from its topic, partition, offset
    and the output's index, so a batch retried after a crash gets the same ``ce_id``."""
    return Emit(
        [
            encode(
                item,
                source=source,
                event_id=f"{record.topic}/{record.partition}/{record.offset}/{i}",
                time=time,
            )
            for i, item in enumerate(produced)
        ]
    )


PerRecord = Callable[[In, Record], Sequence[Produce] | Awaitable[Sequence[Produce]]]


@dataclass
class ModelTransform(Generic[In]):
    """Adapts a per-record function over a pydantic model into a batch ``Transform``.

    Event ids are deterministic (input topic, partition, offset and output index), so a
    batch that is retried after a crash produces records with the same ``ce_id``.
    """

    model: type[In]
    fn: PerRecord[In]
    source: str
    now: Callable[[], datetime] = field(default=utc_now)

    async def __call__(self, records: Sequence[Record]) -> Sequence[Outcome]:
        outcomes: list[Outcome] = []
        for record in records:
            try:
                value = decode(self.model, record)
                produced = self.fn(value, record)
                if asyncio.iscoroutine(produced) or isinstance(produced, Awaitable):
                    produced = await produced
                outcomes.append(emit(record, produced, source=self.source, time=self.now()))
            except Exception as exc:  # every failure is routed, none is swallowed
                outcomes.append(Failure.from_exception(exc))
            # Let the event loop breathe between records: a CPU-heavy transform must not
            # starve the consumer's heartbeats (the group would evict the process).
            await asyncio.sleep(0)
        return outcomes


def model_transform(model: type[In], fn: PerRecord[In], *, source: str) -> ModelTransform[In]:
    return ModelTransform(model=model, fn=fn, source=source)
