"""examples/claims_consumer.py reads news.claims as the contract says: committed records
only, its own ce_type, fields added later accepted, duplicates dropped, offsets kept."""

from __future__ import annotations

import asyncio
import json
import subprocess
import uuid
from datetime import UTC, datetime

from services.core.admin import create_topic
from services.core.clients import as_clients
from services.core.records import AttributedClaim, Claim, ClaimSource, Cue, Extractor, Span
from services.core.topics import CLAIMS
from services.core.transform import Output, Produce, encode
from tests.conftest import ROOT

from .conftest import PYTHON

NOW = datetime(2024, 10, 22, 12, tzinfo=UTC)


def claim_output(topic: str, n: int, content: str, **added: object) -> Output:
    record = AttributedClaim(
        article_id=f"article-{n}",
        revision=1,
        claim=Claim(
            claim_id=f"c{n}",
            source=ClaimSource(start=0, end=11, text="John Kirby", name="John Kirby"),
            cue=Cue(start=12, end=16, text="said", lemma="say"),
            content=Span(start=17, end=17 + len(content), text=content),
            kind="indirect",
            check_worthiness=0.5,
        ),
        extractor=Extractor(name="newswire", version="0"),
    )
    out = encode(
        Produce(topic, record.article_id, record, CLAIMS.ce_type),
        source="/newswire/enricher",
        event_id=f"news.articles/0/{n}/0",
        time=NOW,
    )
    if added:  # a field a later release adds
        value = json.loads(out.value)
        value["claim"].update(added)
        out = Output(out.topic, out.key, json.dumps(value).encode(), out.headers)
    return out


async def write(bootstrap: str, topic: str, outputs: list[Output], *, commit: bool) -> None:
    kafka = as_clients(bootstrap)
    producer = kafka.producer(transactional_id=f"example-{uuid.uuid4().hex[:6]}")
    await kafka.start(producer)
    try:
        await producer.begin_transaction()
        for out in outputs:
            await producer.send(out.topic, out.value, key=out.key, headers=list(out.headers))
        if commit:
            await producer.commit_transaction()
        else:
            await producer.abort_transaction()
    finally:
        await producer.stop()


def run_example(bootstrap: str, topic: str, group: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, str(ROOT / "examples" / "claims_consumer.py"), "--bootstrap", bootstrap,
         "--topic", topic, "--group", group, "--idle-exit", "2",
         "--schema", str(ROOT / "schemas" / "released" / "news.claims.v1.json")],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip


async def test_the_example_consumer_follows_the_contract(kafka_bootstrap: str) -> None:
    topic = f"example{uuid.uuid4().hex[:6]}.claims"
    await create_topic(kafka_bootstrap, topic, 3)
    first = claim_output(topic, 1, "the talks would resume")
    later = claim_output(topic, 2, "the ferry strike would end", rule="said-that")
    await write(kafka_bootstrap, topic, [first, later], commit=True)
    await write(kafka_bootstrap, topic, [claim_output(topic, 3, "never written")], commit=False)
    newer = claim_output(topic, 4, "a later version")
    newer.headers = [
        (k, b"io.newswire.claim.v2" if k == "ce_type" else v) for k, v in newer.headers
    ]
    await write(kafka_bootstrap, topic, [first, newer], commit=True)  # first: a duplicate

    done = await asyncio.to_thread(run_example, kafka_bootstrap, topic, f"g-{topic}")
    assert sorted(done.stdout.splitlines()) == [
        "article-1 r1  John Kirby | said | the talks would resume",
        "article-2 r1  John Kirby | said | the ferry strike would end",
    ]
    assert done.stderr.strip().endswith("2 claims, 1 duplicates, 1 other types, 0 invalid")
    again = await asyncio.to_thread(run_example, kafka_bootstrap, topic, f"g-{topic}")
    assert again.stdout == ""  # its offsets were committed
