"""Reading the most recent committed records of a topic (to rebuild state on start)."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer

from .admin import topic_partitions


async def recent_values(bootstrap: str, topic: str, total: int) -> list[bytes]:
    """The values of about the last ``total`` committed records, spread over partitions."""
    tps = await topic_partitions(bootstrap, topic)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        isolation_level="read_committed",
    )
    await consumer.start()
    values: list[bytes] = []
    per_partition = -(-total // max(1, len(tps)))
    try:
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        starts = await consumer.beginning_offsets(tps)
        pending = set()
        for tp in tps:
            consumer.seek(tp, max(starts[tp], ends[tp] - per_partition))
            if ends[tp] > starts[tp]:
                pending.add(tp)
        while pending:
            batches = await consumer.getmany(timeout_ms=500, max_records=5000)
            for msgs in batches.values():
                values.extend(m.value for m in msgs if m.value is not None)
            for tp in list(pending):
                if await consumer.position(tp) >= ends[tp]:
                    pending.discard(tp)
    finally:
        await consumer.stop()
    return values
