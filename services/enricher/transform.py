"""The enricher's transform: ``Article`` -> ``Enrichment`` (+ one record per entity, claim).

The articles of a consumed batch are analysed by ``AnalysisWorkers`` (``workers.py``: worker
processes, spaCy batches), so that the event loop (fetches, transactions, heartbeats,
metrics) never waits on the analysis, nor the analysis on the event loop. An article
marked ``duplicate_of`` is not analysed: its enrichment is empty and points to the
original. A record that cannot be decoded, or whose analysis fails, becomes a ``Failure``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ..core.errors import RecordError
from ..core.records import (
    Article,
    AttributedClaim,
    Enrichment,
    EntityMention,
    Extractor,
    utc_now,
)
from ..core.topics import CLAIMS, ENRICHED, ENTITIES
from ..core.transform import Failure, Outcome, Produce, Record, decode, emit
from .analysis import Analysis, Text
from .metrics import EnricherMetrics
from .pipeline import MODEL, MODEL_VERSION
from .workers import Analysed, AnalysisWorkers

VERSION = "0.2"
EXTRACTOR = Extractor(
    name="newswire-enricher", version=VERSION, model=MODEL, model_version=MODEL_VERSION
)


@dataclass(frozen=True)
class Enrich:
    """What one analysed article publishes."""

    prefix: str
    extractor: Extractor = EXTRACTOR
    metrics: EnricherMetrics | None = None

    def outputs(self, article: Article, analysis: Analysis, seconds: float) -> list[Produce]:
        enrichment = Enrichment(
            article_id=article.article_id,
            revision=article.revision,
            duplicate_of=article.duplicate_of,
            entities=analysis.entities,
            claims=analysis.claims,
            extractor=self.extractor,
            first_seen_at=article.first_seen_at,
            enriched_at=utc_now(),
        )
        self._observe(article, analysis, seconds, enrichment)
        key, revision = article.article_id, article.revision
        out = [Produce(ENRICHED.full_name(self.prefix), key, enrichment, ENRICHED.ce_type)]
        out += [
            Produce(
                ENTITIES.full_name(self.prefix),
                key,
                EntityMention(
                    article_id=key, revision=revision, entity=e, extractor=self.extractor
                ),
                ENTITIES.ce_type,
            )
            for e in analysis.entities
        ]
        out += [
            Produce(
                CLAIMS.full_name(self.prefix),
                key,
                AttributedClaim(
                    article_id=key, revision=revision, claim=c, extractor=self.extractor
                ),
                CLAIMS.ce_type,
            )
            for c in analysis.claims
        ]
        return out

    def _observe(
        self, article: Article, analysis: Analysis, seconds: float, enrichment: Enrichment
    ) -> None:
        m = self.metrics
        if m is None:
            return
        m.enriched.labels("duplicate" if article.duplicate_of else "analysed").inc()
        if article.duplicate_of is None:
            m.entities.observe(len(analysis.entities))
            m.claims.observe(len(analysis.claims))
            for claim in analysis.claims:
                m.claim_kinds.labels(claim.kind).inc()
        m.seconds.observe(seconds)
        m.freshness.observe(
            max(0.0, (enrichment.enriched_at - article.first_seen_at).total_seconds())
        )


@dataclass
class EnrichTransform:
    """The batch ``Transform`` the enricher's loop runs."""

    enrich: Enrich
    source: str
    workers: AnalysisWorkers = field(default_factory=lambda: AnalysisWorkers(processes=0))
    now: Callable[[], datetime] = field(default=utc_now)

    async def __call__(self, records: Sequence[Record]) -> Sequence[Outcome]:
        decoded: list[Article | Failure] = []
        for record in records:
            try:
                decoded.append(decode(Article, record))
            except RecordError as exc:
                decoded.append(Failure.from_exception(exc))
        for i, item in enumerate(decoded):
            if isinstance(item, Article) and item.duplicate_of is None and not item.text.strip():
                decoded[i] = Failure(
                    "transform", "TransformError", f"article {item.article_id} has no text"
                )
        fresh = [a for a in decoded if isinstance(a, Article) and a.duplicate_of is None]
        analysed = iter(
            await self.workers.analyse([Text(a.text, a.title, a.embeds) for a in fresh])
        )
        outcomes: list[Outcome] = []
        for record, item in zip(records, decoded, strict=True):
            if isinstance(item, Failure):
                outcomes.append(item)
            elif item.duplicate_of is not None:
                outcomes.append(self._outcome(record, item, Analysed(Analysis(), 0.0)))
            else:
                outcomes.append(self._outcome(record, item, next(analysed)))
        return outcomes

    def close(self) -> None:
        """Stop the analysis workers (the loop calls this when it stops)."""
        self.workers.close()

    def _outcome(self, record: Record, article: Article, analysed: Analysed) -> Outcome:
        result = analysed.result
        if isinstance(result, Failure):
            return result
        try:
            produced = self.enrich.outputs(article, result, analysed.seconds)
        except Exception as exc:  # every failure is routed, none is swallowed
            return Failure.from_exception(exc)
        return emit(record, produced, source=self.source, time=self.now())
