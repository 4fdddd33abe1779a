"""The enricher's transform: ``Article`` -> ``Enrichment`` (+ one record per entity, claim).

Articles of a consumed batch go through ``nlp.pipe`` together (spaCy is faster on batches
than on single texts), in a worker thread, so that the event loop (heartbeats, metrics)
never waits on the analysis. Only the first ``max_chars`` characters of an article are
analysed (spans stay offsets into the whole text). An article marked
``duplicate_of`` is not analysed: its enrichment is empty and points to the original.
A record that cannot be decoded, or whose analysis raises, becomes a ``Failure``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator, Sequence
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
from .analysis import MAX_CHARS, Analysis, analyse_doc
from .metrics import EnricherMetrics
from .pipeline import MODEL, MODEL_VERSION, nlp

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


def _analysed(
    articles: Sequence[Article], batch_size: int, max_chars: int
) -> Iterator[Analysis | Exception]:
    """One analysis (or the error that stopped it) per article, batched through spaCy."""
    done = 0
    while done < len(articles):
        rest = articles[done:]
        docs = nlp().pipe((a.text[:max_chars] for a in rest), batch_size=batch_size)
        try:
            for article, doc in zip(rest, docs, strict=False):
                try:
                    yield analyse_doc(doc, article.title, article.embeds)
                except Exception as exc:  # routed as a Failure by the caller
                    yield exc
                done += 1
        except Exception as exc:  # spaCy itself failed on the next text: fail only it
            yield exc
            done += 1


@dataclass
class EnrichTransform:
    """The batch ``Transform`` the enricher's loop runs."""

    enrich: Enrich
    source: str
    batch_size: int = 16
    max_chars: int = MAX_CHARS
    now: Callable[[], datetime] = field(default=utc_now)
    _nlp_lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False, repr=False)

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
        analyses = _analysed(fresh, self.batch_size, self.max_chars)
        async with self._nlp_lock:  # one pipeline, used by one thread at a time
            return await self._outcomes(records, decoded, analyses)

    async def _outcomes(
        self,
        records: Sequence[Record],
        decoded: list[Article | Failure],
        analyses: Iterator[Analysis | Exception],
    ) -> list[Outcome]:
        outcomes: list[Outcome] = []
        for record, item in zip(records, decoded, strict=True):
            if isinstance(item, Failure):
                outcomes.append(item)
                continue
            started = time.perf_counter()
            # spaCy runs in a worker thread: the event loop keeps the consumer's heartbeats
            # and the metrics server going however long an article takes.
            result: Analysis | Exception = (
                Analysis()
                if item.duplicate_of is not None
                else await asyncio.to_thread(next, analyses)
            )
            outcomes.append(self._outcome(record, item, result, time.perf_counter() - started))
        return outcomes

    def _outcome(
        self, record: Record, article: Article, result: Analysis | Exception, seconds: float
    ) -> Outcome:
        if isinstance(result, Exception):
            return Failure.from_exception(result)
        try:
            produced = self.enrich.outputs(article, result, seconds)
        except Exception as exc:  # every failure is routed, none is swallowed
            return Failure.from_exception(exc)
        return emit(record, produced, source=self.source, time=self.now())
