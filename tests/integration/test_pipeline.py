"""`newswire run --once` over a seeds folder: the whole pipeline through the real broker."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import uuid
from pathlib import Path

from services.core.records import Article, AttributedClaim, DeadLetter, Enrichment, RawItem
from services.core.testing import read_topic
from tests.conftest import SEED

from .conftest import PYTHON, run_once, service_env


async def test_seed_folder_through_the_pipeline(kafka_bootstrap: str, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    (seeds / "broken.txt").write_bytes(b"\xff\xfe\x00binary")
    prefix, done = await run_once(kafka_bootstrap, seeds)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"{prefix}.articles" in done.stdout  # the summary names what was written

    [raw] = await read_topic(kafka_bootstrap, f"{prefix}.raw")
    assert raw.value is not None
    item = RawItem.model_validate_json(raw.value)
    assert item.source.uri == SEED.name and raw.key == item.item_id.encode()
    assert raw.header("ce_type") == "io.newswire.raw-item.v1"

    [art] = await read_topic(kafka_bootstrap, f"{prefix}.articles")
    assert art.value is not None
    article = Article.model_validate_json(art.value)
    assert article.text.startswith("Western officials have claimed")
    assert "“fair game and fair targets.”" in article.text
    assert article.title.startswith("Western officials have claimed") and len(article.title) <= 161
    assert article.word_count > 400

    [enr] = await read_topic(kafka_bootstrap, f"{prefix}.enriched")
    assert enr.value is not None
    enrichment = Enrichment.model_validate_json(enr.value)
    assert enrichment.article_id == article.article_id
    names = {e.name: e.type for e in enrichment.entities}
    assert names["John Kirby"] == "PERSON" and names["Storm Shadow"] == "WEAPON"
    entity_records = await read_topic(kafka_bootstrap, f"{prefix}.entities")
    assert len(entity_records) == len(enrichment.entities)
    assert {r.key for r in entity_records} == {article.article_id.encode()}
    claim_records = await read_topic(kafka_bootstrap, f"{prefix}.claims")
    claims = [AttributedClaim.model_validate_json(r.value or b"") for r in claim_records]
    assert [c.claim for c in claims] == enrichment.claims
    warned = next(c.claim for c in claims if c.claim.cue and c.claim.cue.text == "warned")
    assert warned.source is not None and warned.source.name == "John Kirby"
    assert any(c.claim.kind == "embed" for c in claims)

    [dead] = await read_topic(kafka_bootstrap, f"{prefix}.deadletter.ingester")
    assert dead.value is not None
    assert dead.header("ce_type") == "io.newswire.dead-letter.v1"  # a CloudEvent of its own
    assert dead.header("ce_source") == "/newswire/ingester" and dead.header("ce_id")
    assert dead.header("__connect.errors.exception.class.name") == dead.header(
        "newswire_error_class"
    )
    letter = DeadLetter.model_validate_json(dead.value)
    assert letter.source_uri and letter.source_uri.endswith("broken.txt")
    assert letter.stage == "read" and "not UTF-8" in letter.error_message


async def test_topics_command_creates_every_topic_once(kafka_bootstrap: str) -> None:
    from services.core.topics import ALL_TOPICS

    prefix = f"topics{uuid.uuid4().hex[:6]}"
    env = service_env(kafka_bootstrap, NEWSWIRE_TOPIC_PREFIX=prefix)
    command = [PYTHON, "-m", "services", "topics"]
    first = await asyncio.to_thread(
        subprocess.run, command, env=env, capture_output=True, text=True
    )
    assert first.returncode == 0 and first.stdout.startswith(f"{len(ALL_TOPICS)} topics created")
    again = await asyncio.to_thread(
        subprocess.run, command, env=env, capture_output=True, text=True
    )
    assert again.stdout.startswith(f"0 topics created, {len(ALL_TOPICS)} already there")

    # Configured otherwise: reported, --check fails, --alter sets it.
    changed = {
        **env,
        "NEWSWIRE_KAFKA_RETENTION_DAYS": '{"raw": 2}',
        "NEWSWIRE_KAFKA_PARTITIONS": "4",
    }
    check = await asyncio.to_thread(
        subprocess.run, [*command, "--check"], env=changed, capture_output=True, text=True
    )
    assert check.returncode == 1
    assert f"differs: {prefix}.raw: retention.ms is 604800000, newswire wants 172800000" in (
        check.stdout
    )
    assert f"differs: {prefix}.claims: 3 partitions, newswire would create 4" in check.stdout
    altered = await asyncio.to_thread(
        subprocess.run, [*command, "--alter", "--check"], env=changed, capture_output=True,
        text=True,
    )  # fmt: skip
    assert "retention.ms" not in altered.stdout and "partitions" in altered.stdout
    assert altered.returncode == 1  # the partitions still differ: Kafka's tools do that
    kept = await asyncio.to_thread(
        subprocess.run, [*command, "--check"], env={**changed, "NEWSWIRE_KAFKA_PARTITIONS": "3"},
        capture_output=True, text=True,
    )  # fmt: skip
    assert kept.returncode == 0 and "differs" not in kept.stdout, kept.stdout
