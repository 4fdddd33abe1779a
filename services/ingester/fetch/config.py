"""The fetcher's configuration: small value classes, built from the settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...core.settings import DEFAULTS, Settings


@dataclass(frozen=True, slots=True)
class Timeouts:
    connect_s: float = DEFAULTS.fetch_connect_timeout_s
    read_s: float = DEFAULTS.fetch_read_timeout_s
    total_s: float = DEFAULTS.fetch_timeout_s


@dataclass(frozen=True, slots=True)
class Limits:
    max_body_bytes: int = DEFAULTS.fetch_max_bytes
    per_host_concurrency: int = DEFAULTS.fetch_per_host
    min_host_interval_s: float = DEFAULTS.fetch_host_interval_s
    max_redirects: int = DEFAULTS.fetch_max_redirects


@dataclass(frozen=True, slots=True)
class FetchConfig:
    timeouts: Timeouts = field(default_factory=Timeouts)
    limits: Limits = field(default_factory=Limits)
    user_agent: str = DEFAULTS.fetch_user_agent
    allow_networks: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchConfig:
        return cls(
            timeouts=Timeouts(
                connect_s=settings.fetch_connect_timeout_s,
                read_s=settings.fetch_read_timeout_s,
                total_s=settings.fetch_timeout_s,
            ),
            limits=Limits(
                max_body_bytes=settings.fetch_max_bytes,
                per_host_concurrency=settings.fetch_per_host,
                min_host_interval_s=settings.fetch_host_interval_s,
                max_redirects=settings.fetch_max_redirects,
            ),
            user_agent=settings.fetch_user_agent,
            allow_networks=tuple(settings.fetch_allow_networks),
        )
