"""The topic catalogue: every topic newswire writes, its key, value contract and retention."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .records import (
    Article,
    AttributedClaim,
    Contract,
    DeadLetter,
    Enrichment,
    EntityMention,
    RawItem,
    ReplayedLetter,
    SourceState,
)
from .settings import DEFAULTS

DAY_MS = 24 * 3600 * 1000
SCHEMA_BASE = "https://newswire.dev/schemas"


@dataclass(frozen=True, slots=True)
class Topic:
    """One topic: ``name`` is relative to the prefix (``raw`` -> ``news.raw``)."""

    name: str
    key: str
    model: type[Contract] | None
    ce_type: str
    description: str
    ordering: str = ""
    """What reading one key's records in partition order gives a consumer."""
    cleanup_policy: str = "delete"
    retention_ms: int = 7 * DAY_MS

    def full_name(self, prefix: str) -> str:
        return f"{prefix}.{self.name}"

    @property
    def schema_version(self) -> int:
        """The ``schema_version`` of the records newswire writes to this topic now."""
        assert self.model is not None
        return int(self.model.model_fields["schema_version"].default)

    @property
    def dataschema(self) -> str:
        """The URI of this topic's schema at its current version: the ``$id`` of
        ``schemas/<topic>.json`` and of its released copy, and the ``ce_dataschema``
        header of every record."""
        return f"{SCHEMA_BASE}/{self.full_name(DEFAULTS.topic_prefix)}.v{self.schema_version}.json"

    def configs(self) -> dict[str, str]:
        configs = {"cleanup.policy": self.cleanup_policy}
        if self.cleanup_policy == "delete":
            configs["retention.ms"] = str(self.retention_ms)
        return configs


RAW = Topic(
    "raw",
    key="item_id",
    model=RawItem,
    ce_type="io.newswire.raw-item.v1",
    description="Every new or changed feed item and seed file, as ingested.",
    ordering="The revisions of one item, oldest first (`revision` grows).",
)
ARTICLES = Topic(
    "articles",
    key="article_id",
    model=Article,
    ce_type="io.newswire.article.v1",
    description="Clean, canonical, de-duplicated article revisions.",
    ordering="The revisions of one article, oldest first; a later one replaces an earlier.",
    retention_ms=30 * DAY_MS,
)
ENRICHED = Topic(
    "enriched",
    key="article_id",
    model=Enrichment,
    ce_type="io.newswire.enrichment.v1",
    description="One record per article revision: its entities and claims.",
    ordering="One record per revision of an article, oldest first; the latest is current.",
    retention_ms=30 * DAY_MS,
)
ENTITIES = Topic(
    "entities",
    key="article_id",
    model=EntityMention,
    ce_type="io.newswire.entity.v1",
    description="One record per entity per article revision.",
    ordering="An article's entities, revision by revision; those of one revision were "
    "committed together, with its `news.enriched` record.",
    retention_ms=30 * DAY_MS,
)
CLAIMS = Topic(
    "claims",
    key="article_id",
    model=AttributedClaim,
    ce_type="io.newswire.claim.v1",
    description="One record per attributed claim per article revision.",
    ordering="An article's claims, revision by revision; those of one revision were "
    "committed together, with its `news.enriched` record.",
    retention_ms=30 * DAY_MS,
)


INGESTER_STATE = Topic(
    "ingester.state",
    key="source_id",
    model=SourceState,
    ce_type="io.newswire.ingester-state.v1",
    description="The ingester's memory of each feed and seed file (validators, schedule, "
    "health, seen item hashes); read on start, and its partitions decide which replica "
    "polls which source.",
    ordering="The states of one source, latest last (compaction keeps the latest).",
    cleanup_policy="compact",
)


def dead_letter_topic(service: str) -> Topic:
    """The dead-letter topic of one service: ``<prefix>.deadletter.<service>``."""
    return Topic(
        f"deadletter.{service}",
        key="the failed record's key",
        model=DeadLetter,
        ce_type="io.newswire.dead-letter.v1",
        description=f"Records the {service} could not process, with the reason.",
        ordering="The failures of one key in the order they happened.",
        retention_ms=30 * DAY_MS,
    )


REPLAYED = Topic(
    "deadletter.replayed",
    key="<dead-letter topic>/<partition>/<offset>",
    model=ReplayedLetter,
    ce_type="io.newswire.dead-letter-replayed.v1",
    description="Which dead letters `newswire deadletters replay` re-published, in the same "
    "transaction as the re-published records; a replay skips what is listed here.",
    ordering="One record per replayed dead letter.",
    cleanup_policy="compact",
)


SERVICES = ("ingester", "normalizer", "enricher")
DATA_TOPICS = (RAW, ARTICLES, ENRICHED, ENTITIES, CLAIMS)
ALL_TOPICS = (
    *DATA_TOPICS,
    INGESTER_STATE,
    *(dead_letter_topic(s) for s in SERVICES),
    REPLAYED,
)


@cache
def dataschema_of(ce_type: str) -> str | None:
    """The schema URI of newswire's records of CloudEvents type ``ce_type``."""
    for topic in ALL_TOPICS:
        if topic.ce_type == ce_type:
            return topic.dataschema
    return None
