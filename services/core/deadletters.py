"""Turning a failed record into a dead-letter record.

A dead letter is a CloudEvent of its own: ``ce_type`` ``io.newswire.dead-letter.v1``,
its own ``ce_id``, ``ce_source`` the service that failed. It keeps the original key; the
original headers follow renamed ``newswire_original_<name>`` (so that the original
``ce_*`` headers cannot be taken for the dead letter's), then the ``newswire_error_*`` and
``newswire_source_*`` headers, and the same facts under Kafka Connect's names
(``__connect.errors.*``) for tools made for Connect's dead-letter queues. The value is a
``DeadLetter`` document that carries the original value whole, so the record can be
inspected and replayed (``newswire deadletters replay``).
"""

from __future__ import annotations

import base64
from datetime import datetime

from .cloudevents import Headers, ce_headers
from .records import DeadLetter
from .strings import well_formed
from .topics import dead_letter_topic
from .transform import Failure, Output, Record

MAX_MESSAGE_CHARS = 2000
ORIGINAL_PREFIX = "newswire_original_"
CONNECT_PREFIX = "__connect.errors."


def error_message(failure: Failure) -> str:
    """The failure's message as a dead letter carries it: cut to ``MAX_MESSAGE_CHARS``,
    lone surrogates replaced (an exception's text may hold them; a record cannot)."""
    return well_formed(failure.message[:MAX_MESSAGE_CHARS])


def error_headers(
    *, service: str, failure: Failure, record: Record | None
) -> list[tuple[str, bytes]]:
    message = error_message(failure).encode()
    headers = [
        ("newswire_error_service", service.encode()),
        ("newswire_error_stage", failure.stage.encode()),
        ("newswire_error_class", failure.error_class.encode()),
        ("newswire_error_message", message),
    ]
    if record is not None:
        headers += [
            ("newswire_source_topic", record.topic.encode()),
            ("newswire_source_partition", str(record.partition).encode()),
            ("newswire_source_offset", str(record.offset).encode()),
            (f"{CONNECT_PREFIX}topic", record.topic.encode()),
            (f"{CONNECT_PREFIX}partition", str(record.partition).encode()),
            (f"{CONNECT_PREFIX}offset", str(record.offset).encode()),
        ]
    headers += [
        (f"{CONNECT_PREFIX}connector.name", service.encode()),
        (f"{CONNECT_PREFIX}stage", failure.stage.encode()),
        (f"{CONNECT_PREFIX}exception.class.name", failure.error_class.encode()),
        (f"{CONNECT_PREFIX}exception.message", message),
    ]
    return headers


def original_headers(headers: Headers) -> list[tuple[str, bytes]]:
    """A failed record's headers as a dead letter keeps them."""
    return [(f"{ORIGINAL_PREFIX}{name}", value) for name, value in headers]


def restored_headers(headers: Headers) -> list[tuple[str, bytes]]:
    """The failed record's own headers, from its dead letter's."""
    return [
        (name.removeprefix(ORIGINAL_PREFIX), value)
        for name, value in headers
        if name.startswith(ORIGINAL_PREFIX)
    ]


def _letter_headers(service: str, event_id: str, now: datetime) -> list[tuple[str, bytes]]:
    topic = dead_letter_topic(service)
    return ce_headers(
        event_id=event_id,
        source=f"/newswire/{service}",
        type_=topic.ce_type,
        time=now,
        dataschema=topic.dataschema,
    )


def _as_text(value: bytes | None) -> tuple[str | None, str]:
    if value is None:
        return None, "utf-8"
    try:
        return value.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(value).decode("ascii"), "base64"


def dead_letter_output(
    record: Record, failure: Failure, *, service: str, topic: str, now: datetime
) -> Output:
    """The dead-letter record for a consumed record that failed.

    Its ``ce_id`` names the failed record (``<topic>/<partition>/<offset>``), so a batch
    retried after a crash writes the same dead letter again, with the same id."""
    value, encoding = _as_text(record.value)
    key, _ = _as_text(record.key)
    letter = DeadLetter(
        service=service,
        stage=failure.stage,
        error_class=failure.error_class,
        error_message=error_message(failure),
        source_topic=record.topic,
        source_partition=record.partition,
        source_offset=record.offset,
        original_key=key,
        original_value=value,
        original_value_encoding=encoding,
        failed_at=now,
    )
    event_id = f"{record.topic}/{record.partition}/{record.offset}"
    return Output(
        topic=topic,
        key=record.key,
        value=letter.model_dump_json().encode(),
        headers=[
            *_letter_headers(service, event_id, now),
            *original_headers(record.headers),
            *error_headers(service=service, failure=failure, record=record),
        ],
    )


def intake_dead_letter(
    uri: str,
    failure: Failure,
    *,
    service: str,
    topic: str,
    now: datetime,
    version: str,
    key: str | None = None,
) -> Output:
    """The dead-letter record for something read from outside Kafka (a file, a feed, one
    item of either) that could not be taken in. Key: ``key`` (an item's identity in its
    source), else the URI; ``ce_id``: the URI, the key and ``version``, which names what
    failed as it was (a file's size and time, an entry's content hash, an item's
    revision): a transaction retried writes the same dead letter, with the same id, and
    only a changed input a new one."""
    uri, key = well_formed(uri), well_formed(key) if key else None
    letter = DeadLetter(
        service=service,
        stage=failure.stage,
        error_class=failure.error_class,
        error_message=error_message(failure),
        source_uri=uri,
        original_key=key,
        failed_at=now,
    )
    event_id = f"{uri}#{key}@{version}" if key else f"{uri}@{version}"
    return Output(
        topic=topic,
        key=(key or uri).encode(),
        value=letter.model_dump_json().encode(),
        headers=[
            *_letter_headers(service, event_id, now),
            *error_headers(service=service, failure=failure, record=None),
        ],
    )


def original_value(letter: DeadLetter) -> bytes | None:
    """The failed record's value, as it was consumed."""
    if letter.original_value is None:
        return None
    if letter.original_value_encoding == "base64":
        return base64.b64decode(letter.original_value)
    return letter.original_value.encode()
