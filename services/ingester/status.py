"""``newswire feeds status``: every source's health, read from the state topic."""

from __future__ import annotations

import sys
from typing import TextIO

from ..core.admin import existing_topics, topic_partitions
from ..core.clients import Kafka
from ..core.errors import TopicMissing
from ..core.reading import latest_values
from ..core.records import SourceState


async def latest_states(kafka: Kafka, topic: str) -> dict[str, SourceState]:
    topics = await existing_topics(kafka)
    if topic not in topics:
        raise TopicMissing.of(topic, topics, what=" (no ingester has run against this cluster?)")
    latest = await latest_values(kafka, await topic_partitions(kafka, topic))
    return {key.decode(): SourceState.model_validate_json(value) for key, value in latest.items()}


async def print_status(kafka: Kafka, topic: str, out: TextIO = sys.stdout) -> None:
    states = sorted((await latest_states(kafka, topic)).values(), key=lambda s: s.uri)
    print(
        f"{'health':<12} {'errors':>6}  {'last outcome':<12} {'next poll (UTC)':<20} source",
        file=out,
    )
    for s in states:
        when = s.next_poll_at.strftime("%Y-%m-%d %H:%M:%S") if s.next_poll_at else "-"
        print(
            f"{s.health:<12} {s.error_count:>6}  {s.last_outcome or '-':<12} {when:<20} {s.uri}",
            file=out,
        )
        if s.last_error:
            print(f"{'':<12} {'':>6}  last error: {s.last_error}", file=out)
