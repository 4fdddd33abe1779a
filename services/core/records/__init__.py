"""The record contracts: one pydantic model for the values of each topic."""

from .article import Article, Embed
from .common import Contract, Source, Span, Timestamp, UtcDatetime, utc_now
from .deadletter import DeadLetter, ReplayedLetter
from .enrichment import (
    AttributedClaim,
    Claim,
    ClaimSource,
    Cue,
    Enrichment,
    Entity,
    EntityMention,
    Extractor,
)
from .raw import Enclosure, HttpMeta, RawItem
from .state import SeenItem, SourceState, seen_key

__all__ = [
    "Article",
    "AttributedClaim",
    "Claim",
    "ClaimSource",
    "Contract",
    "Cue",
    "DeadLetter",
    "Embed",
    "Enclosure",
    "Enrichment",
    "Entity",
    "EntityMention",
    "Extractor",
    "HttpMeta",
    "RawItem",
    "ReplayedLetter",
    "SeenItem",
    "Source",
    "SourceState",
    "Span",
    "Timestamp",
    "UtcDatetime",
    "seen_key",
    "utc_now",
]
