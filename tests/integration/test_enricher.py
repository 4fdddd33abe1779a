"""The enricher through Kafka: articles in; enrichments, entities and claims out, exactly
once, even when the process is killed with SIGKILL mid-stream and restarted."""

from __future__ import annotations

import signal
import subprocess
import uuid
from collections import Counter
from pathlib import Path

from services.core.admin import ensure_topics
from services.core.records import AttributedClaim, DeadLetter, Enrichment, EntityMention
from services.core.testing import produce, read_topic
from services.core.topics import ALL_TOPICS
from services.normalizer.transform import normalize
from tests.conftest import seed_article

from .conftest import PYTHON, service_env
from .reliability import kill_once_written

N = 60
KILL_AT = (12, 30)  # news.enriched records written (committed or not) at each kill
PEOPLE = ["Maria Lopez", "John Kirby", "Angela Merkel", "Ahmed Kamil", "Sarah Chen"]
PLACES = ["Kharkiv", "Marino", "Berlin", "Basra", "Odesa"]


def text(i: int) -> str:
    who, where = PEOPLE[i % len(PEOPLE)], PLACES[i % len(PLACES)]
    return (
        f"{who} said that {i + 3} buildings in {where} were damaged overnight. "
        f"\u201cWe need help now,\u201d the mayor of {where} told reporters. "
        f"According to the regional police, {i + 1} people were injured.\n\n"
        f"Officials in {where} have claimed that the strikes came from the north."
    )


def articles() -> list[tuple[bytes | None, bytes | None]]:
    template = normalize(seed_article())
    out: list[tuple[bytes | None, bytes | None]] = []
    for i in range(N):
        article = template.model_copy(
            update={"article_id": f"a{i:03d}", "text": text(i), "title": f"Story {i}", "embeds": []}
        )
        out.append((article.article_id.encode(), article.model_dump_json().encode()))
        if i == N // 2:
            out.append((b"poison", b"{not an article"))
    return out


def start(bootstrap: str, prefix: str, log: Path) -> subprocess.Popen[bytes]:
    env = service_env(
        bootstrap,
        prefix=prefix,
        NEWSWIRE_ENRICHER_MAX_RECORDS="4",
        NEWSWIRE_ENRICHER_BATCH_SIZE="2",
    )
    with log.open("ab") as out:
        return subprocess.Popen(
            [PYTHON, "-m", "services", "enricher"], env=env, stdout=out, stderr=subprocess.STDOUT
        )


async def test_enrichments_entities_and_claims_exactly_once_through_kills(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    prefix = f"enr{uuid.uuid4().hex[:6]}"
    await ensure_topics(kafka_bootstrap, ALL_TOPICS, prefix=prefix, partitions=3)
    await produce(kafka_bootstrap, f"{prefix}.articles", articles())
    log = tmp_path / "enricher.log"
    for threshold in KILL_AT:
        await kill_once_written(
            lambda: start(kafka_bootstrap, prefix, log),
            kafka_bootstrap,
            f"{prefix}.enriched",
            threshold,
            log,
            timeout_s=180,
        )
    so_far = await read_topic(kafka_bootstrap, f"{prefix}.enriched")
    assert 0 < len(so_far) < N, "the kills must land mid-stream"

    proc = start(kafka_bootstrap, prefix, log)
    try:
        enriched = await read_topic(
            kafka_bootstrap, f"{prefix}.enriched", expect=N, timeout_s=240, quiet_s=3
        )
        entities = await read_topic(kafka_bootstrap, f"{prefix}.entities")
        claims = await read_topic(kafka_bootstrap, f"{prefix}.claims")
        dead = await read_topic(kafka_bootstrap, f"{prefix}.deadletter.enricher")
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0, log.read_text()[-3000:]

    records = [Enrichment.model_validate_json(r.value or b"") for r in enriched]
    ids = Counter(e.article_id for e in records)
    assert len(records) == N and set(ids) == {f"a{i:03d}" for i in range(N)}
    assert max(ids.values()) == 1, "an article was enriched twice"
    by_id = {e.article_id: e for e in records}

    mentions = [EntityMention.model_validate_json(r.value or b"") for r in entities]
    said = [AttributedClaim.model_validate_json(r.value or b"") for r in claims]
    for article_id, enrichment in by_id.items():
        mine = [m.entity for m in mentions if m.article_id == article_id]
        assert mine == enrichment.entities  # each once, in the enrichment's order
        theirs = [c.claim for c in said if c.article_id == article_id]
        assert theirs == enrichment.claims
        assert len(enrichment.claims) >= 3, (article_id, enrichment.claims)
    assert {r.key for r in entities} <= {k.encode() for k in by_id}

    sample = by_id["a001"]
    kinds = {c.kind for c in sample.claims}
    assert {"indirect", "direct", "according_to"} <= kinds
    names = {e.name for e in sample.entities}
    assert "John Kirby" in names and "Marino" in names

    [letter] = [DeadLetter.model_validate_json(r.value or b"") for r in dead]
    assert letter.stage == "decode"
