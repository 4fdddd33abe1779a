"""Turning a failed record into a dead-letter record.

The dead-letter record keeps the original key, and the original headers followed by the
``newswire_error_*`` and ``newswire_source_*`` headers. Its value is a ``DeadLetter``
document that carries the original value whole, so the record can be inspected and replayed.
"""

from __future__ import annotations

import base64
from datetime import datetime

from .records import DeadLetter
from .transform import Failure, Output, Record

MAX_MESSAGE_CHARS = 2000


def error_headers(
    *, service: str, failure: Failure, record: Record | None
) -> list[tuple[str, bytes]]:
    headers = [
        ("newswire_error_service", service.encode()),
        ("newswire_error_stage", failure.stage.encode()),
        ("newswire_error_class", failure.error_class.encode()),
        ("newswire_error_message", failure.message[:MAX_MESSAGE_CHARS].encode()),
    ]
    if record is not None:
        headers += [
            ("newswire_source_topic", record.topic.encode()),
            ("newswire_source_partition", str(record.partition).encode()),
            ("newswire_source_offset", str(record.offset).encode()),
        ]
    return headers


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
    """The dead-letter record for a consumed record that failed."""
    value, encoding = _as_text(record.value)
    key, _ = _as_text(record.key)
    letter = DeadLetter(
        service=service,
        stage=failure.stage,
        error_class=failure.error_class,
        error_message=failure.message[:MAX_MESSAGE_CHARS],
        source_topic=record.topic,
        source_partition=record.partition,
        source_offset=record.offset,
        original_key=key,
        original_value=value,
        original_value_encoding=encoding,
        failed_at=now,
    )
    return Output(
        topic=topic,
        key=record.key,
        value=letter.model_dump_json().encode(),
        headers=[*record.headers, *error_headers(service=service, failure=failure, record=record)],
    )


def original_value(letter: DeadLetter) -> bytes | None:
    """The failed record's value, as it was consumed."""
    if letter.original_value is None:
        return None
    if letter.original_value_encoding == "base64":
        return base64.b64decode(letter.original_value)
    return letter.original_value.encode()
