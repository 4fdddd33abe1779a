"""Compression on the wire: bytes and throughput per codec, against no compression.

For each codec (none, gzip, lz4, zstd) the same records go to a fresh one-partition topic
through a producer made as newswire makes its own (KafkaClients: idempotent, linger 5 ms,
batches up to 256 KiB), and are read back. The broker stores the producer's record
batches as they were sent (compression.type=producer), so the size of the partition's
log is the bytes that went over the wire, framing aside. The bench starts its own broker
in a temporary state folder, to read those logs.

Two payloads: ``news.raw`` records of generated article pages (bench/articles.py: many
repeated phrases, so they compress better than real text), and the real feed documents
of the shared corpus (../shared/corpus/feeds, read where they are).

    python -m bench.compression [--records 2000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from aiokafka import TopicPartition

from services.core import logs
from services.core.admin import create_topic
from services.core.clients import KafkaClients, as_clients
from services.core.reading import read_to_end
from services.core.settings import Compression
from services.core.topics import RAW
from services.core.transform import Produce, encode

from .articles import raw_items
from .table import table

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "feeds"
CODECS: tuple[Compression, ...] = ("none", "gzip", "lz4", "zstd")


def raw_records(count: int) -> list[tuple[bytes, bytes]]:
    """``news.raw`` records as the ingester writes them (JSON values)."""
    records = []
    for item in raw_items(count):
        out = encode(
            Produce("news.raw", item.item_id, item, RAW.ce_type),
            source="/newswire/ingester",
            event_id=item.item_id,
            time=item.fetched_at,
        )
        records.append((out.key or b"", out.value))
    return records


def corpus_records(count: int) -> list[tuple[bytes, bytes]]:
    """The shared corpus's feed documents (RSS, Atom, JSON Feed), repeated up to ``count``."""
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.stat().st_size < 1 << 20)
    documents = [p.read_bytes() for p in files if p.suffix in (".xml", ".rss", ".atom", ".json")]
    if not documents:
        raise SystemExit(f"no feed documents under {CORPUS}")
    return [(b"feed-%d" % i, documents[i % len(documents)]) for i in range(count)]


def log_bytes(data: Path, topic: str) -> int:
    return sum(f.stat().st_size for f in (data / f"{topic}-0").glob("*.log"))


async def one_codec(
    kafka: KafkaClients, data: Path, codec: Compression, records: Sequence[tuple[bytes, bytes]]
) -> tuple[int, float, float]:
    """Bytes stored, produce seconds and consume seconds of ``records`` with ``codec``."""
    clients = dataclasses.replace(kafka, compression=codec)
    topic = f"bench.compression.{codec}.{uuid.uuid4().hex[:6]}"
    await create_topic(clients, topic, 1)
    producer = clients.producer(enable_idempotence=True, linger_ms=5, max_batch_size=256 * 1024)
    await clients.start(producer)
    try:
        began = time.perf_counter()
        futures = [await producer.send(topic, value, key=key) for key, value in records]
        await producer.flush()
        await asyncio.gather(*futures)
        produced = time.perf_counter() - began
    finally:
        await producer.stop()
    partitions = [TopicPartition(topic, 0)]
    began = time.perf_counter()
    read = 0
    async for batch in read_to_end(clients, partitions):
        read += len(batch)
    consumed = time.perf_counter() - began
    assert read == len(records), f"{codec}: read {read} of {len(records)} records"
    await asyncio.sleep(0.5)  # the log segment's size on disk settles after the append
    return log_bytes(data, topic), produced, consumed


async def run(kafka: KafkaClients, data: Path, records: int, rounds: int) -> None:
    payloads = {
        "news.raw (generated pages)": raw_records(records),
        "feed documents (corpus)": corpus_records(records),
    }
    rows = []
    for name, recs in payloads.items():
        size = sum(len(k) + len(v) for k, v in recs)
        print(f"{name}: {len(recs)} records, {size / 1e6:.1f} MB of keys and values",
              file=sys.stderr)  # fmt: skip
        results: dict[str, list[tuple[int, float, float]]] = {c: [] for c in CODECS}
        for _ in range(rounds):
            for codec in CODECS:  # interleaved: the machine's drift hits every codec alike
                results[codec].append(await one_codec(kafka, data, codec, recs))
        base_bytes = statistics.median(r[0] for r in results["none"])
        base_produce = statistics.median(len(recs) / r[1] for r in results["none"])
        base_consume = statistics.median(len(recs) / r[2] for r in results["none"])
        for codec in CODECS:
            stored = statistics.median(r[0] for r in results[codec])
            produce_rate = statistics.median(len(recs) / r[1] for r in results[codec])
            consume_rate = statistics.median(len(recs) / r[2] for r in results[codec])
            rows.append([
                name, codec,
                f"{stored / 1e6:.2f}", f"{stored / base_bytes:.2f}",
                f"{produce_rate:,.0f}", f"{produce_rate / base_produce:.2f}",
                f"{consume_rate:,.0f}", f"{consume_rate / base_consume:.2f}",
            ])  # fmt: skip
    headers = [
        "payload", "codec", "MB on the wire", "ratio", "produced/s", "ratio", "consumed/s", "ratio"
    ]  # fmt: skip
    print(table(headers, rows))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    logs.configure("console", "WARNING")
    script = ROOT / "deploy" / "kafka" / "kafka.sh"
    with tempfile.TemporaryDirectory(prefix="newswire-bench-") as state:
        env = {**os.environ, "NEWSWIRE_KAFKA_STATE_DIR": state}
        started = subprocess.run(
            ["bash", str(script), "start"], env=env, stdout=subprocess.PIPE, text=True
        )
        if started.returncode != 0:
            raise SystemExit("the bench's broker did not start (its log is above)")
        try:
            kafka = as_clients(started.stdout.strip().splitlines()[-1])
            asyncio.run(run(kafka, Path(state) / "data", args.records, args.rounds))
        finally:
            subprocess.run(["bash", str(script), "stop"], env=env, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
