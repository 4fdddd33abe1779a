"""The enricher's per-article transform: ``Article`` -> ``Enrichment`` (+ entities, claims).

Entity and claim extraction plug in through ``Extract``. ``extract_entities_only`` runs
the entity layer (``entities.py``); claim extraction is not built yet, so claims are empty.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..core.records import (
    Article,
    AttributedClaim,
    Claim,
    Enrichment,
    Entity,
    EntityMention,
    Extractor,
    utc_now,
)
from ..core.topics import CLAIMS, ENRICHED, ENTITIES
from ..core.transform import Produce, Record
from .entities import MODEL, MODEL_VERSION, extract_entities
from .metrics import EnricherMetrics

Extract = Callable[[Article], tuple[list[Entity], list[Claim]]]

NO_EXTRACTOR = Extractor(name="newswire-none", version="0")


def extract_nothing(article: Article) -> tuple[list[Entity], list[Claim]]:
    return [], []


ENTITY_EXTRACTOR = Extractor(
    name="newswire-entities", version="0.1", model=MODEL, model_version=MODEL_VERSION
)


def extract_entities_only(article: Article) -> tuple[list[Entity], list[Claim]]:
    return extract_entities(article.text, article.title), []


@dataclass(frozen=True)
class Enrich:
    prefix: str
    extract: Extract = extract_entities_only
    extractor: Extractor = ENTITY_EXTRACTOR
    metrics: EnricherMetrics | None = None

    def __call__(self, article: Article, record: Record) -> Sequence[Produce]:
        started = time.perf_counter()
        entities: list[Entity] = []
        claims: list[Claim] = []
        if article.duplicate_of is None:  # a copy's enrichment is the original's
            entities, claims = self.extract(article)
        enrichment = Enrichment(
            article_id=article.article_id,
            revision=article.revision,
            duplicate_of=article.duplicate_of,
            entities=entities,
            claims=claims,
            extractor=self.extractor,
            first_seen_at=article.first_seen_at,
            enriched_at=utc_now(),
        )
        if self.metrics is not None:
            m = self.metrics
            m.enriched.labels("duplicate" if article.duplicate_of else "analysed").inc()
            if article.duplicate_of is None:
                m.entities.observe(len(entities))
                m.claims.observe(len(claims))
            m.seconds.observe(time.perf_counter() - started)
            m.freshness.observe(
                max(0.0, (enrichment.enriched_at - article.first_seen_at).total_seconds())
            )
        key = article.article_id
        out = [Produce(ENRICHED.full_name(self.prefix), key, enrichment, ENRICHED.ce_type)]
        out += [
            Produce(
                ENTITIES.full_name(self.prefix),
                key,
                EntityMention(
                    article_id=key, revision=article.revision, entity=e, extractor=self.extractor
                ),
                ENTITIES.ce_type,
            )
            for e in entities
        ]
        out += [
            Produce(
                CLAIMS.full_name(self.prefix),
                key,
                AttributedClaim(
                    article_id=key, revision=article.revision, claim=c, extractor=self.extractor
                ),
                CLAIMS.ce_type,
            )
            for c in claims
        ]
        return out
