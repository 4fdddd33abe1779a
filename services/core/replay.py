"""Listing dead letters, and replaying them to their input topic exactly once.

A replay re-publishes each chosen dead letter's original key, value and headers to the
topic it was consumed from, and in the same Kafka transaction writes a ``ReplayedLetter``
for it to the compacted ``<prefix>.deadletter.replayed`` topic. Before choosing, it reads
that topic: a letter listed there was replayed before and is skipped. The transactional id
is one per service (``<group_prefix>.replay.<service>``), so starting a replay fences any
other replay of the same service still running, and what it committed is what the next
replay reads. A letter is therefore re-published once, whatever crashes in between, and a
replay never removes or changes a dead letter.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaProducer
from pydantic import ValidationError

from .admin import existing_topics, topic_partitions
from .clients import Kafka, as_clients
from .cloudevents import ce_headers
from .deadletters import original_value, restored_headers
from .errors import ConfigurationError, TopicMissing
from .reading import latest_values, read_to_end
from .records import DeadLetter, ReplayedLetter, utc_now
from .topics import REPLAYED, dead_letter_topic

BATCH = 500
"""Letters re-published per transaction."""


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """``--since``: an ISO 8601 date or time (UTC unless it says), or an age: 90m, 6h, 2d."""
    now = now or utc_now()
    age = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*", text)
    if age:
        unit = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}[age.group(2)]
        return now - timedelta(seconds=float(age.group(1)) * unit)
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ConfigurationError(
            f"--since {text!r}: give an ISO 8601 date or time (2024-10-22, "
            "2024-10-22T08:00) or an age (90m, 6h, 2d)"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Selection:
    """Which dead letters of one service: by reason (the error class, the stage, or a
    part of the message; any case) and by age."""

    service: str
    reason: str | None = None
    since: datetime | None = None

    def matches(self, letter: DeadLetter) -> bool:
        if self.since is not None and letter.failed_at < self.since:
            return False
        if self.reason is None:
            return True
        wanted = self.reason.casefold()
        return (
            wanted in (letter.error_class.casefold(), letter.stage.casefold())
            or wanted in letter.error_message.casefold()
        )


@dataclass(frozen=True, slots=True)
class Letter:
    """A dead letter as read from its topic."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    headers: tuple[tuple[str, bytes], ...]
    letter: DeadLetter

    @property
    def ref(self) -> str:
        return f"{self.topic}/{self.partition}/{self.offset}"


@dataclass
class ReplayReport:
    replayed: dict[str, int] = field(default_factory=dict)
    """Input topic -> letters re-published to it by this replay."""
    before: int = 0
    """Chosen letters that an earlier replay re-published already."""
    not_chosen: int = 0
    no_input: int = 0
    """Chosen letters with no input topic or no value to re-publish (files, feeds)."""
    unreadable: int = 0

    @property
    def total(self) -> int:
        return sum(self.replayed.values())

    def summary(self, service: str) -> str:
        where = ", ".join(f"{n} to {t}" for t, n in sorted(self.replayed.items()))
        head = f"replayed {self.total} dead letters of the {service}"
        lines = [head + (f" ({where})" if where else "")]
        if self.before:
            lines.append(f"{self.before} chosen letters were replayed before: skipped")
        if self.no_input:
            lines.append(
                f"{self.no_input} chosen letters have no input topic to go back to (files and "
                "feeds are read again when they change)"
            )
        if self.not_chosen:
            lines.append(f"{self.not_chosen} letters do not match --reason/--since")
        if self.unreadable:
            lines.append(f"{self.unreadable} records of the topic are not dead letters: skipped")
        return "\n".join(lines)


async def _require(kafka: Kafka, *topics: str) -> None:
    present = await existing_topics(kafka)
    for topic in topics:
        if topic not in present:
            raise TopicMissing.of(topic, present)


async def letters(kafka: Kafka, topic: str) -> AsyncIterator[Letter | None]:
    """Every committed dead letter of ``topic``; None for a record that is not one."""
    async for batch in read_to_end(kafka, await topic_partitions(kafka, topic)):
        for m in batch:
            try:
                letter = DeadLetter.model_validate_json(m.value or b"")
            except ValidationError:
                yield None
                continue
            yield Letter(m.topic, m.partition, m.offset, m.key, tuple(m.headers), letter)


async def replayed_refs(kafka: Kafka, prefix: str) -> set[str]:
    """The dead letters replayed so far (``<topic>/<partition>/<offset>``)."""
    ledger = REPLAYED.full_name(prefix)
    latest = await latest_values(kafka, await topic_partitions(kafka, ledger))
    return {key.decode() for key in latest}


async def list_letters(
    kafka: Kafka, prefix: str, selection: Selection
) -> tuple[list[Letter], set[str]]:
    """The chosen dead letters of a service, and the refs of those already replayed."""
    topic = dead_letter_topic(selection.service).full_name(prefix)
    await _require(kafka, topic, REPLAYED.full_name(prefix))
    done = await replayed_refs(kafka, prefix)
    chosen = [
        item
        async for item in letters(kafka, topic)
        if item is not None and selection.matches(item.letter)
    ]
    return chosen, done


async def replay(
    kafka: Kafka, *, prefix: str, group_prefix: str, selection: Selection
) -> ReplayReport:
    """Re-publish the chosen dead letters of a service to their input topics, exactly once."""
    clients = as_clients(kafka)
    service = selection.service
    topic = dead_letter_topic(service).full_name(prefix)
    ledger = REPLAYED.full_name(prefix)
    await _require(kafka, topic, ledger)
    producer = clients.producer(
        client_id=f"{clients.client_id}-replay",
        transactional_id=f"{group_prefix}.replay.{service}",
        enable_idempotence=True,
    )
    # Starting the producer fences (and aborts) any replay of this service still running,
    # so the ledger read next holds everything any replay committed.
    await clients.start(producer)
    report = ReplayReport()
    try:
        done = await replayed_refs(kafka, prefix)
        todo: list[tuple[Letter, bytes]] = []
        async for item in letters(kafka, topic):
            if item is None:
                report.unreadable += 1
            elif not selection.matches(item.letter):
                report.not_chosen += 1
            elif item.ref in done:
                report.before += 1
            else:
                value = original_value(item.letter)
                if item.letter.source_topic is None or value is None:
                    report.no_input += 1
                else:
                    todo.append((item, value))
        for start in range(0, len(todo), BATCH):
            await _publish(producer, todo[start : start + BATCH], ledger, service, report)
    finally:
        await producer.stop()
    return report


async def _publish(
    producer: AIOKafkaProducer,
    batch: Sequence[tuple[Letter, bytes]],
    ledger: str,
    service: str,
    report: ReplayReport,
) -> None:
    now = utc_now()
    async with producer.transaction():
        for item, value in batch:
            target = item.letter.source_topic
            assert target is not None
            headers = [
                *restored_headers(item.headers),
                ("newswire_replayed_from", item.ref.encode()),
            ]
            await producer.send(target, value, key=item.key, headers=headers)
            entry = ReplayedLetter(
                dead_letter_topic=item.topic,
                dead_letter_partition=item.partition,
                dead_letter_offset=item.offset,
                service=service,
                replayed_to=target,
                replayed_at=now,
            )
            event = ce_headers(
                event_id=item.ref,
                source=f"/newswire/replay/{service}",
                type_=REPLAYED.ce_type,
                time=now,
                dataschema=REPLAYED.dataschema,
            )
            await producer.send(
                ledger, entry.model_dump_json().encode(), key=item.ref.encode(), headers=event
            )
    for item, _ in batch:
        target = item.letter.source_topic or ""
        report.replayed[target] = report.replayed.get(target, 0) + 1
