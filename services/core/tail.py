"""``newswire tail TOPIC``: print a topic's committed records as they arrive."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from typing import Any, TextIO

from .clients import Kafka, as_clients
from .cloudevents import header
from .errors import TopicMissing

MAX_FIELD_CHARS = 160


def _shorten(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
        return value[:MAX_FIELD_CHARS] + f"… (+{len(value) - MAX_FIELD_CHARS} chars)"
    if isinstance(value, dict):
        return {k: _shorten(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shorten(v) for v in value]
    return value


def render(msg: Any, *, as_json: bool) -> str:
    key = msg.key.decode("utf-8", "replace") if msg.key is not None else None
    headers = list(msg.headers or ())
    try:
        value: Any = json.loads(msg.value) if msg.value is not None else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        value = msg.value.decode("utf-8", "replace")
    if as_json:
        return json.dumps(
            {
                "topic": msg.topic,
                "partition": msg.partition,
                "offset": msg.offset,
                "key": key,
                "headers": {k: v.decode("utf-8", "replace") for k, v in headers},
                "value": value,
            },
            ensure_ascii=False,
        )
    kind = header(headers, "ce_type") or header(headers, "newswire_error_class") or "-"
    head = f"── {msg.topic}[{msg.partition}]@{msg.offset}  key={key}  {kind}"
    body = json.dumps(_shorten(value), indent=2, ensure_ascii=False)
    return f"{head}\n{body}"


async def tail(
    kafka: Kafka,
    topic: str,
    *,
    from_beginning: bool = True,
    limit: int | None = None,
    idle_exit_s: float | None = None,
    as_json: bool = False,
    out: TextIO = sys.stdout,
) -> int:
    """Print records of ``topic``; returns how many were printed."""
    clients = as_clients(kafka)
    consumer = clients.reader(auto_offset_reset="earliest" if from_beginning else "latest")
    await clients.start(consumer)
    printed = 0
    try:
        topics = await consumer.topics()
        if topic not in topics:
            raise TopicMissing.of(topic, topics)
        consumer.subscribe([topic])
        while limit is None or printed < limit:
            timeout_ms = int((idle_exit_s or 1.0) * 1000)
            batches = await consumer.getmany(timeout_ms=timeout_ms, max_records=100)
            if not batches and idle_exit_s is not None:
                break
            for msgs in batches.values():
                for msg in msgs:
                    print(render(msg, as_json=as_json), file=out, flush=True)
                    printed += 1
                    if limit is not None and printed >= limit:
                        return printed
    finally:
        with contextlib.suppress(Exception):
            await asyncio.shield(consumer.stop())
    return printed
