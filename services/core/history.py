"""Reading the most recent committed records of a topic (to rebuild state on start)."""

from __future__ import annotations

from .admin import topic_partitions
from .clients import Kafka
from .reading import last, read_to_end


async def recent_values(kafka: Kafka, topic: str, total: int) -> list[bytes]:
    """The values of about the last ``total`` committed records, spread over partitions."""
    tps = await topic_partitions(kafka, topic)
    per_partition = -(-total // max(1, len(tps)))
    values: list[bytes] = []
    async for batch in read_to_end(kafka, tps, start_at=last(per_partition)):
        values.extend(m.value for m in batch if m.value is not None)
    return values
