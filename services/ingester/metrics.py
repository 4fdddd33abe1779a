"""The ingester's metrics, on the process registry next to the loop's."""

from __future__ import annotations

import contextlib

from prometheus_client import CollectorRegistry

from ..core.metrics import counter, gauge, histogram


class IngesterMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        r = registry
        self.feeds = gauge(
            "newswire_feeds", "Feeds owned by this replica, by health.", ["state"], registry=r
        )
        self.fetches = counter(
            "newswire_fetches_total",
            "Feed fetches by outcome (200, 304, 4xx, 5xx, timeout, too_large, refused, "
            "redirect_loop, bad_response, transport, parse_error, internal).",
            ["outcome"],
            registry=r,
        )
        self.fetch_bytes = counter(
            "newswire_fetch_bytes_total", "Response body bytes read.", registry=r
        )
        self.fetch_seconds = histogram(
            "newswire_fetch_duration_seconds",
            "Time one feed poll took (fetch and parse).",
            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
            registry=r,
        )
        self.items = counter(
            "newswire_items_total",
            "Feed items seen, by result (new, revised, unchanged; repeated: an entry that "
            "repeats the identity of another entry of its document).",
            ["result"],
            registry=r,
        )
        self.lateness = histogram(
            "newswire_poll_lateness_seconds",
            "How late a poll started after its scheduled time.",
            buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900),
            registry=r,
        )
        self.parse_problems = counter(
            "newswire_feed_parse_problems_total",
            "Recoverable problems in feeds that were still read, polled or in the seeds folder "
            "(malformed XML, a link that is no http(s) URL...).",
            registry=r,
        )
        self.pages = counter(
            "newswire_article_pages_total",
            "Article pages fetched for full text, by result (ok, failed).",
            ["result"],
            registry=r,
        )
        self.seed_files = counter(
            "newswire_seed_files_total",
            "Seed files ingested, by result (processed, failed).",
            ["result"],
            registry=r,
        )
        self.oversize = counter(
            "newswire_raw_items_oversize_total",
            "Raw items whose record was over the record limit, by action (trimmed: their "
            "page_html cut to fit; dead_lettered).",
            ["action"],
            registry=r,
        )
        self.feed_errors = gauge(
            "newswire_feed_consecutive_errors",
            "Consecutive failed polls, per feed (0 when healthy).",
            ["feed"],
            registry=r,
        )
        self.feed_last_success = gauge(
            "newswire_feed_last_success_timestamp_seconds",
            "Unix time of the last successful poll, per feed.",
            ["feed"],
            registry=r,
        )

    def forget_feed(self, url: str) -> None:
        """Drop a feed's series: it left the feed list, or another replica polls it now."""
        for per_feed in (self.feed_errors, self.feed_last_success):
            with contextlib.suppress(KeyError):
                per_feed.remove(url)
