"""Every setting newswire reads, from ``NEWSWIRE_*`` environment variables.

This is the only module that reads the environment. The defaults make the local run
(``newswire run``) need no configuration at all.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """newswire's configuration. Each field is read from ``NEWSWIRE_<FIELD NAME>``."""

    model_config = SettingsConfigDict(env_prefix="NEWSWIRE_", extra="ignore")

    # Kafka
    kafka_bootstrap: str | None = Field(
        default=None,
        description="Kafka bootstrap servers (host:port,...). Unset: `newswire run` starts "
        "the local broker and uses it.",
    )
    kafka_client_id: str = Field(default="newswire", description="Kafka client id prefix.")
    kafka_create_topics: bool = Field(
        default=True, description="Create missing topics on start (partitions, retention)."
    )
    kafka_partitions: int = Field(default=3, ge=1, description="Partitions of created topics.")
    kafka_replication_factor: int = Field(
        default=1, ge=1, description="Replication factor of created topics."
    )
    topic_prefix: str = Field(
        default="news", description="Prefix of every topic name: <prefix>.raw, <prefix>.articles..."
    )
    group_prefix: str = Field(
        default="newswire", description="Prefix of consumer group and transactional ids."
    )

    # The consume-transform-produce loop
    batch_max_records: int = Field(
        default=2000,
        ge=1,
        description="Records one poll takes at most; a partition's batch grows by what arrives "
        "while its previous transaction commits.",
    )
    batch_timeout_ms: int = Field(
        default=200, ge=1, description="How long a poll waits for records to fill a batch."
    )
    transaction_timeout_ms: int = Field(
        default=60_000, ge=1000, description="Kafka transaction timeout of the loop's producers."
    )
    retry_backoff_max_s: float = Field(
        default=30.0, gt=0, description="Cap of the backoff on transient broker errors."
    )

    # HTTP server for /metrics, /healthz, /readyz
    http_host: str = Field(default="127.0.0.1", description="Address the metrics server binds.")
    http_port: int = Field(
        default=9400, ge=0, le=65535, description="Port of the metrics server (0: any free port)."
    )

    # Logging
    log_format: Literal["auto", "json", "console"] = Field(
        default="auto", description="auto: readable on a terminal, JSON otherwise."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Lowest level logged."
    )

    # Ingestion
    seeds_dir: Path = Field(default=Path("seeds"), description="Folder of seed files to ingest.")
    seeds_poll_s: float = Field(
        default=2.0, gt=0, description="How often the seeds folder is scanned for changes."
    )

    # Feeds
    feeds_file: Path = Field(
        default=Path("feeds.yaml"),
        description="YAML list of feeds; reloaded when it changes. Missing: no feeds.",
    )
    feed_min_interval_s: float = Field(
        default=300.0, gt=0, description="Shortest time between two polls of one feed."
    )
    feed_max_interval_s: float = Field(
        default=6 * 3600.0, gt=0, description="Longest time between two polls of one feed."
    )
    feed_backoff_max_s: float = Field(
        default=6 * 3600.0, gt=0, description="Cap of the backoff of a failing feed."
    )
    feed_seen_items: int = Field(
        default=500, ge=10, description="Item hashes remembered per feed (revision detection)."
    )
    fetch_concurrency: int = Field(default=100, ge=1, description="Fetches in flight at most.")
    fetch_per_host: int = Field(default=2, ge=1, description="Fetches in flight per host.")
    fetch_host_interval_s: float = Field(
        default=1.0, ge=0, description="Minimum time between two requests to one host."
    )
    fetch_max_bytes: int = Field(
        default=5 * 1024 * 1024, ge=1024, description="Largest response body read."
    )
    fetch_timeout_s: float = Field(default=45.0, gt=0, description="Total time one fetch may take.")
    fetch_user_agent: str = Field(
        default="newswire/0.1 (+https://github.com/newswire/newswire)",
        description="User-Agent of every request; put a contact URL in it.",
    )
    fetch_allow_networks: list[str] = Field(
        default_factory=list,
        description="CIDR ranges that may be fetched although private or loopback "
        '(JSON list, e.g. ["127.0.0.1/32"]).',
    )

    example_feeds: bool = Field(
        default=True,
        description="`newswire run` serves examples/feeds on 127.0.0.1 and polls them too.",
    )

    # Normalizer
    dedup_window: int = Field(
        default=20_000,
        ge=100,
        description="Recent articles the normalizer compares new ones with (duplicates).",
    )

    # Enricher
    enricher_max_records: int = Field(
        default=64,
        ge=1,
        description="Articles the enricher takes per poll (NLP is slow: keeps each "
        "transaction well inside the transaction timeout).",
    )
    enricher_batch_size: int = Field(
        default=16, ge=1, description="Articles spaCy processes together (nlp.pipe)."
    )
    enricher_processes: int = Field(
        default=1,
        ge=0,
        description="Worker processes that run the analysis, each with the model loaded "
        "(about 240 MB each); 0 runs it in a thread of the service's process (slower).",
    )
    enricher_max_chars: int = Field(
        default=100_000,
        ge=1000,
        description="Characters of an article the enricher analyses, at most (the rest is "
        "not searched for entities and claims).",
    )

    # Local broker
    kafka_script: Path | None = Field(
        default=None,
        description="Path of deploy/kafka/kafka.sh; unset: found next to the source tree.",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
