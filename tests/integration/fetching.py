"""Fetchers for the tests, closed after each test (``close_fetchers`` in conftest)."""

from __future__ import annotations

from services.ingester.fetch import FetchConfig, Fetcher, Limits, Lookup, Timeouts, system_lookup

LOCAL = ("127.0.0.1/32",)
OPEN: list[Fetcher] = []


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
