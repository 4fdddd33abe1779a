"""CloudEvents 1.0 headers for Kafka records (Kafka protocol binding, binary content mode)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

Headers = Sequence[tuple[str, bytes]]

CONTENT_TYPE = "application/json"
SPEC_VERSION = "1.0"


def ce_headers(
    *, event_id: str, source: str, type_: str, time: datetime, dataschema: str | None = None
) -> list[tuple[str, bytes]]:
    """The required CloudEvents attributes plus ``time``, ``dataschema`` (the URI of the
    value's JSON Schema) and ``content-type``."""
    headers = [
        ("ce_specversion", SPEC_VERSION.encode()),
        ("ce_id", event_id.encode()),
        ("ce_source", source.encode()),
        ("ce_type", type_.encode()),
        ("ce_time", time.isoformat().replace("+00:00", "Z").encode()),
    ]
    if dataschema is not None:
        headers.append(("ce_dataschema", dataschema.encode()))
    headers.append(("content-type", CONTENT_TYPE.encode()))
    return headers


def header(headers: Iterable[tuple[str, bytes]], name: str) -> str | None:
    """The last value of header ``name`` as text, or None."""
    found: str | None = None
    for key, value in headers:
        if key == name:
            found = value.decode("utf-8", "replace")
    return found
