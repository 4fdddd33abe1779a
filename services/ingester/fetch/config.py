"""The fetcher's configuration: small value classes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Timeouts:
    connect_s: float = 10.0
    read_s: float = 20.0
    total_s: float = 45.0


@dataclass(frozen=True, slots=True)
class Limits:
    max_body_bytes: int = 5 * 1024 * 1024
    per_host_concurrency: int = 2
    min_host_interval_s: float = 1.0
    max_redirects: int = 5


@dataclass(frozen=True, slots=True)
class FetchConfig:
    timeouts: Timeouts = field(default_factory=Timeouts)
    limits: Limits = field(default_factory=Limits)
    user_agent: str = "newswire/0.1 (+https://github.com/newswire/newswire)"
    allow_networks: tuple[str, ...] = ()
