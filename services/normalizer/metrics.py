"""The normalizer's metrics (dead letters by reason are the loop's)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from ..core.metrics import counter, histogram


class NormalizerMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.articles = counter(
            "newswire_articles_total",
            "Articles written, by kind (original, duplicate).",
            ["kind"],
            registry=registry,
        )
        self.text_chars = histogram(
            "newswire_article_text_chars",
            "Length of article texts, in characters.",
            buckets=(100, 300, 1000, 2000, 4000, 8000, 16000, 32000, 64000),
            registry=registry,
        )
        self.extraction_seconds = histogram(
            "newswire_extraction_duration_seconds",
            "Time to turn one raw item into an article (extraction, cleaning, duplicates).",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
            registry=registry,
        )
        self.canonical_ignored = counter(
            "newswire_canonical_links_ignored_total",
            "Canonical links of fetched pages not taken: on another site than the item's "
            "link (or the item has no link).",
            registry=registry,
        )
