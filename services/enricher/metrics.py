"""The enricher's metrics."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from ..core.metrics import counter, histogram

PER_ARTICLE = (0, 1, 2, 5, 10, 20, 50, 100, 200)
# From 50 ms: a seed file or a feed item is through the pipeline in well under a second
# when nothing lags, and a delay of hours is what the alert is about.
FRESHNESS_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200)


class EnricherMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.enriched = counter(
            "newswire_articles_enriched_total",
            "Article revisions enriched, by kind (analysed, duplicate: points to the original).",
            ["kind"],
            registry=registry,
        )
        self.entities = histogram(
            "newswire_entities_per_article",
            "Entities found per analysed article.",
            buckets=PER_ARTICLE,
            registry=registry,
        )
        self.claims = histogram(
            "newswire_claims_per_article",
            "Attributed claims found per analysed article.",
            buckets=PER_ARTICLE,
            registry=registry,
        )
        self.claim_kinds = counter(
            "newswire_claims_total",
            "Attributed claims found, by kind (direct, indirect, mixed, according_to, embed).",
            ["kind"],
            registry=registry,
        )
        self.seconds = histogram(
            "newswire_enrichment_duration_seconds",
            "Time to enrich one article.",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=registry,
        )
        self.worker_restarts = counter(
            "newswire_enricher_worker_restarts_total",
            "Analysis worker processes replaced after one died (killed, out of memory, crash).",
            registry=registry,
        )
        self.freshness = histogram(
            "newswire_freshness_seconds",
            "End-to-end freshness: enriched time minus the time the item was first seen.",
            buckets=FRESHNESS_BUCKETS,
            registry=registry,
        )
