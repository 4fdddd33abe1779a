"""Helpers for tests against a real broker and real HTTP servers: newswire's own, and its
users'.

await produce(bootstrap, "in", [(b"k", b"v")])
records = await read_topic(bootstrap, "out", expect=1)

The Kafka helpers take a bootstrap address or a ``KafkaClients`` (a secured cluster).
``WebServer`` serves routes on 127.0.0.1 and keeps every request it got. Only tests use
this module; the services read topics through ``services.core.reading``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from prometheus_client import Counter, Gauge

from .admin import create_topic, topic_partitions
from .clients import Kafka, as_clients
from .cloudevents import Headers
from .httpserver import Handler, HttpServer, Reply, Request
from .loop import LoopConfig
from .reading import read_to_end
from .records import RawItem, Source
from .runtime import Service

__all__ = [
    "Consumed",
    "Reply",
    "Request",
    "WebServer",
    "loop_config",
    "loop_topics",
    "metric_value",
    "produce",
    "raw_item",
    "read_topic",
    "running",
    "unique_topic",
    "wait_until",
    "written",
]


FETCHED_AT = datetime(2024, 10, 22, 9, 0, tzinfo=UTC)


def raw_item(at: datetime = FETCHED_AT, **fields: Any) -> RawItem:
    """A raw item as the ingester writes it: item ``i``, revision 1 of a feed, fetched and
    first seen ``at``; any field given replaces its placeholder."""
    placeholders: dict[str, Any] = {
        "item_id": "i",
        "revision": 1,
        "content_hash": "h",
        "source": Source(kind="feed", uri="https://news.example/feed"),
        "format": "rss",
        "fetched_at": at,
        "first_seen_at": at,
    }
    return RawItem(**(placeholders | fields))


@dataclass(frozen=True, slots=True)
class Consumed:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k == name]
        return values[-1].decode() if values else None

    @classmethod
    def of(cls, m: Any) -> Consumed:
        return cls(m.topic, m.partition, m.offset, m.key, m.value, tuple(m.headers))


def metric_value(metric: Counter | Gauge) -> float:
    """The value of a counter or gauge without labels, or of one labelled series
    (``metrics.consumed.labels("relay", topic)``), read through its ``collect()``: the one
    metric alone, cheap enough to poll in a loop."""
    [family] = metric.collect()
    [value] = [s.value for s in family.samples if not s.name.endswith("_created")]
    return value


@asynccontextmanager
async def running(service: Service) -> AsyncIterator[asyncio.Event]:
    """Run a service (a ``StreamLoop``, the ingester...) in the background; on exit, set
    its stop event and wait for it to finish (it commits what it has)."""
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop))
    try:
        yield stop
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)


async def wait_until(predicate: Callable[[], bool], timeout_s: float = 60, what: str = "") -> None:
    """Return once ``predicate()`` holds; fail after ``timeout_s`` naming ``what``."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")
        await asyncio.sleep(0.05)


async def written(kafka: Kafka, topic: str) -> int:
    """Records written to ``topic`` so far, committed or not (its high-water marks)."""
    partitions = await topic_partitions(kafka, topic)
    clients = as_clients(kafka)
    reader = clients.consumer(group_id=None)
    await clients.start(reader)
    try:
        return sum((await reader.end_offsets(partitions)).values())
    finally:
        await reader.stop()


async def loop_topics(kafka: Kafka, stem: str, partitions: int = 3) -> tuple[str, str]:
    """Fresh topics for a test's loop: a source and a target, and the target's dead letters
    (``<target>.dlq``, as ``loop_config`` names them); returns (source, target)."""
    source, target = unique_topic(f"{stem}-in"), unique_topic(f"{stem}-out")
    for topic in (source, target, f"{target}.dlq"):
        await create_topic(kafka, topic, partitions)
    return source, target


def loop_config(service: str, source: str, target: str, **options: Any) -> LoopConfig:
    """The ``LoopConfig`` of a test's loop from ``source`` towards ``target``: its dead
    letters to ``<target>.dlq``, a consumer group and transactional ids of its own (named
    after ``target``); ``options`` sets any other field."""
    return LoopConfig(
        service=service,
        input_topics=(source,),
        dead_letter_topic=f"{target}.dlq",
        group_id=f"group-{target}",
        transactional_id_prefix=f"txn-{target}",
        **options,
    )


def unique_topic(stem: str) -> str:
    return f"test.{stem}.{uuid.uuid4().hex[:8]}"


async def produce(
    kafka: Kafka,
    topic: str,
    records: Iterable[tuple[bytes | None, bytes | None]],
    headers: Sequence[tuple[str, bytes]] = (),
) -> int:
    """Produce ``(key, value)`` pairs (idempotent, acks=all); returns how many."""
    clients = as_clients(kafka)
    producer = clients.producer(enable_idempotence=True, linger_ms=5)
    await clients.start(producer)
    count = 0
    try:
        futures = []
        for key, value in records:
            futures.append(await producer.send(topic, value, key=key, headers=list(headers)))
            count += 1
        await producer.flush()
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return count


async def read_topic(
    kafka: Kafka,
    topic: str,
    *,
    expect: int | None = None,
    timeout_s: float = 60.0,
    quiet_s: float = 1.0,
) -> list[Consumed]:
    """Every committed record of ``topic`` (read_committed), from the beginning.

    Reads until ``expect`` records arrived and then ``quiet_s`` passed without more (so
    that extra records, such as duplicates, are seen too), or until ``timeout_s``.
    With ``expect=None`` it reads up to the end offsets at the time of the call.
    """
    partitions = await topic_partitions(kafka, topic, timeout_s)
    if expect is None:
        return [Consumed.of(m) async for batch in read_to_end(kafka, partitions) for m in batch]
    clients = as_clients(kafka)
    consumer = clients.reader(auto_offset_reset="earliest")
    await clients.start(consumer)
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        out: list[Consumed] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        last_new = loop.time()
        while loop.time() < deadline:
            batches = await consumer.getmany(timeout_ms=200, max_records=5000)
            for msgs in batches.values():
                out.extend(Consumed.of(m) for m in msgs)
                last_new = loop.time()
            if len(out) >= expect and loop.time() - last_new >= quiet_s:
                break
        return out
    finally:
        await consumer.stop()


class WebServer(HttpServer):
    """A real HTTP/1.1 server for tests, on ``host`` (127.0.0.1 unless told: 127.0.0.2,
    ::1...) and ``port`` (0: a free one). ``route`` maps a path (or, for requests sent to it
    as a proxy, an absolute URL) to a ``Reply`` or a handler; other paths get 404. Every
    request is kept, in order (``requests``, ``hits(path)``)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(self._dispatch, host, port)
        self.routes: dict[str, Handler] = {}
        self.requests: list[Request] = []

    def route(self, path: str, handler: Handler | Reply) -> str:
        """Serve ``handler`` (or always the same ``Reply``) at ``path``; returns its URL."""
        if isinstance(handler, Reply):
            reply = handler
            self.routes[path] = lambda _request: reply
        else:
            self.routes[path] = handler
        return self.url(path)

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def _dispatch(self, request: Request) -> Reply | Awaitable[Reply]:
        self.requests.append(request)
        handler = self.routes.get(request.path)
        return handler(request) if handler else Reply.text(404, "no such route\n")
