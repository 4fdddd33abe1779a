"""Every setting newswire reads, from ``NEWSWIRE_*`` environment variables.

This is the only module that reads the environment (``NO_COLOR`` too). The defaults make
the local run (``newswire run``) need no configuration at all.

Every default is written here and nowhere else: the value classes the services use
(``LoopConfig``, ``FetchConfig``, ``PollPolicy``, ``DuplicateWindow``...) are built from a
``Settings`` (``from_settings``), and where they have defaults of their own, those are
read from ``DEFAULTS`` (a test fails on a default written twice).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Final, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigurationError

SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"]
Compression = Literal["none", "gzip", "lz4", "zstd"]


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
    kafka_min_insync_replicas: int | None = Field(
        default=None,
        ge=1,
        description="min.insync.replicas of created topics; unset: the replication factor "
        "minus one, at least 1.",
    )
    kafka_retention_days: dict[str, float] = Field(
        default_factory=dict,
        description="Retention per topic, in days, overriding the catalogue's (JSON object "
        'of topic names without the prefix, e.g. {"raw": 3, "deadletter.enricher": 90}).',
    )
    kafka_compression: Compression = Field(
        default="zstd",
        description="Compression of every record newswire produces: none, gzip, lz4 or zstd "
        "(figures: docs/operations.md). Consumers need a client that reads it.",
    )
    kafka_start_timeout_s: float = Field(
        default=30.0,
        gt=0,
        description="How long a Kafka client may take to connect at start (or a topic to "
        "appear) before newswire gives up with an error.",
    )
    kafka_request_timeout_ms: int = Field(
        default=30_000,
        ge=1000,
        description="How long a producer or admin request may wait for the broker's answer "
        "(consumers keep the Kafka client's longer default: their fetches wait on purpose).",
    )

    # Kafka security: TLS and SASL, for every client newswire creates
    kafka_security_protocol: SecurityProtocol = Field(
        default="PLAINTEXT",
        description="PLAINTEXT, SSL (TLS, optionally mutual), SASL_PLAINTEXT or SASL_SSL.",
    )
    kafka_ssl_ca_file: Path | None = Field(
        default=None,
        description="CA certificates (PEM) that signed the brokers' certificates; unset: the "
        "system's trusted CAs.",
    )
    kafka_ssl_cert_file: Path | None = Field(
        default=None, description="Client certificate (PEM) for mutual TLS."
    )
    kafka_ssl_key_file: Path | None = Field(
        default=None, description="Private key (PEM) of the client certificate."
    )
    kafka_ssl_key_password: SecretStr | None = Field(
        default=None, description="Password of the private key, if it is encrypted."
    )
    kafka_ssl_check_hostname: bool = Field(
        default=True,
        description="Check that the broker's certificate names the host connected to.",
    )
    kafka_sasl_mechanism: SaslMechanism | None = Field(
        default=None,
        description="PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER; needed with the "
        "SASL_* protocols.",
    )
    kafka_sasl_username: str | None = Field(
        default=None, description="SASL user name (PLAIN, SCRAM)."
    )
    kafka_sasl_password: SecretStr | None = Field(
        default=None, description="SASL password (PLAIN, SCRAM); or use the password file."
    )
    kafka_sasl_password_file: Path | None = Field(
        default=None,
        description="File holding the SASL password (a mounted Kubernetes Secret, say); read "
        "when a client connects.",
    )
    kafka_sasl_oauth_token_file: Path | None = Field(
        default=None,
        description="File holding the OAUTHBEARER token; read again on every connection, so "
        "a token that is renewed in place is picked up.",
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
        default=60_000,
        ge=1000,
        description="Kafka transaction timeout of the transactional producers (the loop's "
        "and the ingester's); also how long a new owner of a partition waits for the "
        "previous owner's pending transaction to settle.",
    )
    max_record_bytes: int = Field(
        default=1_000_000,
        ge=1024,
        description="Largest record (key, value and headers) a service writes; one whose "
        "outputs are larger is dead-lettered. Keep it under the brokers' message.max.bytes.",
    )
    retry_backoff_base_s: float = Field(
        default=0.2,
        gt=0,
        description="First delay of the backoff on transient broker errors; it doubles "
        "with each retry, up to the cap.",
    )
    retry_backoff_max_s: float = Field(
        default=30.0, gt=0, description="Cap of the backoff on transient broker errors."
    )
    ready_probe_interval_s: float = Field(
        default=2.0,
        gt=0,
        description="How often a service asks the broker for metadata to know it is "
        "reachable (/readyz).",
    )
    ready_probe_timeout_s: float = Field(
        default=5.0,
        gt=0,
        description="How long that question may wait for an answer before the broker counts "
        "as unreachable.",
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
        default="INFO", description="Lowest level logged; DEBUG also shows tracebacks."
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
    feed_backoff_base_s: float = Field(
        default=60.0,
        gt=0,
        description="Delay after a feed's first failed poll; it doubles with each failure "
        "after it, up to the cap (with jitter).",
    )
    feed_backoff_max_s: float = Field(
        default=6 * 3600.0, gt=0, description="Cap of the backoff of a failing feed."
    )
    feed_seen_items: int = Field(
        default=500,
        ge=10,
        description="Item hashes remembered per feed or seed file (revision detection).",
    )
    feed_max_items: int = Field(
        default=1000,
        ge=1,
        description="Entries of one feed document (a poll, or a feed file in the seeds "
        "folder) kept, at most (feeds list the newest first); the rest is reported as a "
        "problem.",
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
    fetch_connect_timeout_s: float = Field(
        default=10.0, gt=0, description="Time to connect to a feed's server (TCP and TLS)."
    )
    fetch_read_timeout_s: float = Field(
        default=20.0, gt=0, description="Longest wait for the next bytes of a response."
    )
    fetch_max_redirects: int = Field(
        default=5, ge=0, description="Redirects one fetch follows, at most."
    )
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
    example_feeds_port: int = Field(
        default=9401,
        ge=0,
        le=65535,
        description="Port of the example feeds on 127.0.0.1 (a fixed port keeps the feeds' "
        "URLs, and so their identity, from run to run); taken: any free port.",
    )

    # Normalizer
    dedup_window: int = Field(
        default=20_000,
        ge=100,
        description="Recent articles the normalizer compares new ones with (duplicates).",
    )
    dedup_max_distance: int = Field(
        default=6,
        ge=0,
        le=7,
        description="Differing bits (of 64) between the SimHash signatures of two texts "
        "that still count as near-duplicates; at most 7, the most its 8 bands of 8 bits "
        "are sure to find.",
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

    # Names and levels read the same in any case: info, INFO, Info.
    @field_validator("log_level", "kafka_security_protocol", "kafka_sasl_mechanism", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("log_format", "kafka_compression", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _security_is_complete(self) -> Settings:
        """The security settings are checked together: what is missing, what clashes."""
        protocol = self.kafka_security_protocol
        mechanism = self.kafka_sasl_mechanism
        sasl = protocol.startswith("SASL_")
        if sasl and mechanism is None:
            raise ValueError(
                f"NEWSWIRE_KAFKA_SECURITY_PROTOCOL is {protocol}: set NEWSWIRE_KAFKA_SASL_MECHANISM"
                " (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER)"
            )
        if not sasl and mechanism is not None:
            raise ValueError(
                f"NEWSWIRE_KAFKA_SASL_MECHANISM is set but NEWSWIRE_KAFKA_SECURITY_PROTOCOL is "
                f"{protocol}: use SASL_SSL (or SASL_PLAINTEXT)"
            )
        if self.kafka_sasl_password is not None and self.kafka_sasl_password_file is not None:
            raise ValueError(
                "set NEWSWIRE_KAFKA_SASL_PASSWORD or NEWSWIRE_KAFKA_SASL_PASSWORD_FILE, not both"
            )
        if mechanism in ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"):
            if not self.kafka_sasl_username:
                raise ValueError(f"SASL {mechanism} needs NEWSWIRE_KAFKA_SASL_USERNAME")
            if self.kafka_sasl_password is None and self.kafka_sasl_password_file is None:
                raise ValueError(
                    f"SASL {mechanism} needs NEWSWIRE_KAFKA_SASL_PASSWORD or "
                    "NEWSWIRE_KAFKA_SASL_PASSWORD_FILE"
                )
        if mechanism == "OAUTHBEARER" and self.kafka_sasl_oauth_token_file is None:
            raise ValueError("SASL OAUTHBEARER needs NEWSWIRE_KAFKA_SASL_OAUTH_TOKEN_FILE")
        if (self.kafka_ssl_cert_file is None) != (self.kafka_ssl_key_file is None):
            raise ValueError(
                "mutual TLS needs both NEWSWIRE_KAFKA_SSL_CERT_FILE and NEWSWIRE_KAFKA_SSL_KEY_FILE"
            )
        isr = self.kafka_min_insync_replicas
        if isr is not None and isr > self.kafka_replication_factor:
            raise ValueError(
                f"NEWSWIRE_KAFKA_MIN_INSYNC_REPLICAS ({isr}) is larger than "
                f"NEWSWIRE_KAFKA_REPLICATION_FACTOR ({self.kafka_replication_factor}): no write "
                "could ever be acknowledged"
            )
        if unknown := sorted(set(self.kafka_retention_days) - _topic_names()):
            raise ValueError(
                f"NEWSWIRE_KAFKA_RETENTION_DAYS names unknown topics {unknown}; known: "
                f"{sorted(_topic_names())}"
            )
        return self


DEFAULTS: Final = Settings.model_construct()
"""Every setting at its default as written above, without reading the environment: the
defaults of the value classes that are built from the settings."""


def _topic_names() -> set[str]:
    from .topics import ALL_TOPICS  # the catalogue names topics with the default prefix

    return {t.name for t in ALL_TOPICS}


def color_wanted() -> bool:
    """False when ``NO_COLOR`` is set to anything but the empty string (no-color.org)."""
    return not os.environ.get("NO_COLOR")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once (``ConfigurationError`` when one is invalid)."""
    try:
        return Settings()
    except ValidationError as exc:
        raise ConfigurationError(describe_invalid(exc)) from None


def describe_invalid(exc: ValidationError) -> str:
    """One line for a ``ValidationError`` of the settings: which variable, what is wrong."""
    problems = []
    for error in exc.errors():
        message = error["msg"].removeprefix("Value error, ")
        if error["loc"]:
            name = "NEWSWIRE_" + str(error["loc"][0]).upper()
            given = error.get("input")
            shown = f" (got {given!r})" if isinstance(given, str | int | float) else ""
            problems.append(f"{name}: {message}{shown}")
        else:
            problems.append(message)
    return (
        "invalid setting: "
        + "; ".join(problems)
        + " (every setting is listed in docs/configuration.md)"
    )
