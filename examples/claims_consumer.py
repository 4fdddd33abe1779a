"""A consumer of news.claims that follows newswire's consumer contract (docs/topics.md).

It reads committed records only, takes the claim records of the version it knows
(``ce_type`` io.newswire.claim.v1) and skips others, validates each value with the
released schema when one is given (fields added later are accepted), ignores fields it
does not know, de-duplicates on ``ce_id``, and commits its offsets after each batch.
It depends on aiokafka (with cramjam for zstd) and, to validate, jsonschema; not on
newswire.

    python examples/claims_consumer.py --bootstrap 127.0.0.1:9092 \\
        --schema schemas/released/news.claims.v1.json --idle-exit 5
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import OrderedDict
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer

CLAIM_TYPE = "io.newswire.claim.v1"
SEEN_IDS = 100_000  # ce_ids remembered for de-duplication


def header(record: Any, name: str) -> str | None:
    for key, value in record.headers or ():
        if key == name:
            return str(value.decode("utf-8", "replace"))
    return None


def describe(value: dict[str, Any]) -> str:
    """One line per claim: who says what. Only fields of the contract are read."""
    claim = value["claim"]
    source = claim.get("source") or {}
    who = source.get("name") or source.get("text") or "(unattributed)"
    cue = (claim.get("cue") or {}).get("text") or "-"
    return f"{value['article_id']} r{value['revision']}  {who} | {cue} | {claim['content']['text']}"


async def consume(args: argparse.Namespace, schema: dict[str, Any] | None) -> dict[str, int]:
    validator = None
    if schema is not None:
        from jsonschema import Draft202012Validator

        validator = Draft202012Validator(schema)
    consumer = AIOKafkaConsumer(
        args.topic,
        bootstrap_servers=args.bootstrap,
        group_id=args.group,
        isolation_level="read_committed",  # the contract's first rule
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    counts = {"claims": 0, "duplicates": 0, "other types": 0, "invalid": 0}
    seen: OrderedDict[str, None] = OrderedDict()
    await consumer.start()
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=int(args.idle_exit * 1000))
            if not batches:
                break
            for records in batches.values():
                for record in records:
                    if header(record, "ce_type") != CLAIM_TYPE:
                        counts["other types"] += 1
                        continue
                    event_id = header(record, "ce_id") or ""
                    if event_id in seen:
                        counts["duplicates"] += 1
                        continue
                    seen[event_id] = None
                    if len(seen) > SEEN_IDS:
                        seen.popitem(last=False)
                    value = json.loads(record.value)
                    if validator is not None and not validator.is_valid(value):
                        counts["invalid"] += 1
                        continue
                    print(describe(value), flush=True)
                    counts["claims"] += 1
            await consumer.commit()  # after the batch is handled: at least once, de-duplicated
    finally:
        await consumer.stop()
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--topic", default="news.claims")
    parser.add_argument("--group", default="claims-example")
    parser.add_argument("--schema", help="the released schema to validate with")
    parser.add_argument("--idle-exit", type=float, default=5.0, help="stop after this quiet")
    args = parser.parse_args()
    schema = json.loads(Path(args.schema).read_text(encoding="utf-8")) if args.schema else None
    counts = asyncio.run(consume(args, schema))
    print(", ".join(f"{n} {what}" for what, n in counts.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
