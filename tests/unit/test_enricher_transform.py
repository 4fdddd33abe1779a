"""The enricher's batch transform: outputs per article, duplicates, failures routed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from services.core.records import Article, AttributedClaim, Enrichment, EntityMention
from services.core.topics import CLAIMS, ENRICHED, ENTITIES
from services.core.transform import Emit, Failure, Record
from services.enricher import workers as enricher_workers
from services.enricher.transform import Enrich, EnrichTransform
from services.enricher.workers import AnalysisWorkers
from services.normalizer.transform import normalize
from tests.conftest import seed_article

PREFIX = "t"
ENRICHED_T, ENTITIES_T, CLAIMS_T = (t.full_name(PREFIX) for t in (ENRICHED, ENTITIES, CLAIMS))


def article(text: str, article_id: str, duplicate_of: str | None = None) -> Article:
    base = normalize(seed_article())
    return base.model_copy(
        update={"text": text, "article_id": article_id, "duplicate_of": duplicate_of}
    )


def record(offset: int, value: bytes | None) -> Record:
    return Record(topic="t.articles", partition=0, offset=offset, key=b"k", value=value)


def outputs(outcome: Any) -> dict[str, list[bytes]]:
    assert isinstance(outcome, Emit), outcome
    by_topic: dict[str, list[bytes]] = {}
    for out in outcome.outputs:
        by_topic.setdefault(out.topic, []).append(out.value)
    return by_topic


async def test_articles_duplicates_and_poison_in_one_batch() -> None:
    said = article("The mayor said that the bridge would reopen in March.", "a1")
    copy = article(said.text, "a2", duplicate_of="a1")
    records = [
        record(0, said.model_dump_json().encode()),
        record(1, b"not json"),
        record(2, copy.model_dump_json().encode()),
        record(3, None),
    ]
    transform = EnrichTransform(Enrich(PREFIX), source="/test")
    first, poison, duplicate, tombstone = await transform(records)

    produced = outputs(first)
    enrichment = Enrichment.model_validate_json(produced[ENRICHED_T][0])
    assert enrichment.article_id == "a1" and enrichment.extractor.model_version == "3.8.0"
    claims = [AttributedClaim.model_validate_json(v) for v in produced[CLAIMS_T]]
    assert [c.claim.claim_id for c in claims] == [c.claim_id for c in enrichment.claims]
    assert claims[0].claim.source is not None and claims[0].claim.source.text == "The mayor"
    entities = [EntityMention.model_validate_json(v) for v in produced.get(ENTITIES_T, [])]
    assert [e.entity.entity_id for e in entities] == [e.entity_id for e in enrichment.entities]

    copied = outputs(duplicate)
    assert list(copied) == [ENRICHED_T]  # a copy is not analysed again
    assert Enrichment.model_validate_json(copied[ENRICHED_T][0]).duplicate_of == "a1"

    assert isinstance(poison, Failure) and poison.stage == "decode"
    assert isinstance(tombstone, Failure) and "tombstone" in tombstone.message


async def test_an_article_whose_analysis_fails_is_routed_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = enricher_workers.analyse_doc

    def fragile(doc: Any, title: str = "", embeds: Any = (), max_chars: int = 10**6) -> Any:
        if "explode" in doc.text:
            raise ValueError("cannot analyse this one")
        return real(doc, title, embeds, max_chars)

    monkeypatch.setattr(enricher_workers, "analyse_doc", fragile)
    texts = ["Officials said it rained.", "This will explode.", "Police said it snowed."]
    records = [
        record(i, article(t, f"a{i}").model_dump_json().encode()) for i, t in enumerate(texts)
    ]
    in_thread = AnalysisWorkers(processes=0, batch_size=2)
    outcomes = await EnrichTransform(Enrich(PREFIX), source="/test", workers=in_thread)(records)
    assert isinstance(outcomes[1], Failure) and "cannot analyse" in outcomes[1].message
    for ok in (outcomes[0], outcomes[2]):
        assert ENRICHED_T in outputs(ok)


async def test_event_ids_are_stable_across_retries() -> None:
    value = article("The mayor said that it rained.", "a1").model_dump_json().encode()
    transform = EnrichTransform(Enrich(PREFIX), source="/test")
    first = await transform([record(7, value)])
    again = await transform([record(7, value)])

    def ids(outcome: Any) -> Iterator[bytes]:
        for out in outcome.outputs:
            yield dict(out.headers)["ce_id"]

    assert list(ids(first[0])) == list(ids(again[0]))
