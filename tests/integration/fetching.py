"""Helpers of the fetcher and poller tests: fetchers, closed after each test
(``close_fetchers`` in conftest), a poll policy and a feed."""

from __future__ import annotations

from datetime import UTC, datetime

from services.ingester.fetch import FetchConfig, Fetcher, Limits, Lookup, Timeouts, system_lookup
from services.ingester.poller import PollPolicy
from services.ingester.schedule import Backoff, Bounds

LOCAL = ("127.0.0.1/32",)
OPEN: list[Fetcher] = []
NOW = datetime(2024, 10, 22, 12, tzinfo=UTC)
POLICY = PollPolicy(bounds=Bounds(300, 6 * 3600), backoff=Backoff(base_s=60, cap_s=3600))


def rss(*titles: str, ttl: int | None = None) -> bytes:
    """An RSS feed of items with these titles (each its own GUID)."""
    items = "".join(f"<item><guid>{t}</guid><title>{t}</title></item>" for t in titles)
    extra = f"<ttl>{ttl}</ttl>" if ttl else ""
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{extra}{items}</channel></rss>'.encode()


def fetcher(
    *,
    allow: tuple[str, ...] = LOCAL,
    lookup: Lookup = system_lookup,
    **limits: float,
) -> Fetcher:
    config = FetchConfig(
        timeouts=Timeouts(total_s=limits.pop("total_s", 10.0)),
        limits=Limits(
            max_body_bytes=int(limits.pop("max_body_bytes", 1024 * 1024)),
            min_host_interval_s=limits.pop("min_host_interval_s", 0.0),
        ),
        user_agent="newswire-test/1 (+https://example.org/contact)",
        allow_networks=allow,
    )
    made = Fetcher(config, lookup=lookup)
    OPEN.append(made)
    return made


async def close_fetchers() -> None:
    while OPEN:
        await OPEN.pop().aclose()
