"""The enricher's records: ``news.enriched``, ``news.entities`` and ``news.claims``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .common import Contract, Span, UtcDatetime


class Extractor(Contract):
    """Which code and model produced an enrichment."""

    name: str
    version: str
    model: str | None = None
    model_version: str | None = None


class Entity(Contract):
    """One entity mentioned in an article, its aliases merged.

    An entity of an embedded post (``embed`` set) was found by the same analysis in the
    post's text, and its mentions index ``article.embeds[embed].text``; the post's author
    is one too, named by the post's byline, which has no offsets (no mentions, count 1).
    """

    entity_id: str = Field(
        description="Stable within the article: type and canonical name (and the embed)."
    )
    name: str
    type: str
    mentions: list[Span]
    count: int = Field(ge=1, description="Times it is named: its mentions, or the byline.")
    salience: float = Field(ge=0.0, le=1.0)
    embed: int | None = Field(
        default=None,
        ge=0,
        description="Index into article.embeds: the entity comes from that embedded post.",
    )


class ClaimSource(Contract):
    """Who a claim is attributed to.

    ``start``/``end`` index the article's text (``text`` is that slice); both are null for
    an embedded post, whose author is not in the text. ``name`` and ``entity_id`` say whom
    the span refers to when that is known: a pronoun ("he") resolved to the nearest
    compatible entity before it, a surname to its full name.
    """

    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    text: str
    name: str | None = None
    entity_id: str | None = None


class Cue(Span):
    lemma: str


class Claim(Contract):
    """One attribution: who (source) says (cue) what (content).

    Kinds: ``direct`` (the content is a quotation), ``indirect`` (reported speech, "said
    that..."), ``mixed`` (paraphrase with a quoted part), ``according_to`` ("..., according
    to X"), ``embed`` (a social-media post embedded in the article). For ``embed`` the
    content's offsets index ``article.embeds[embed].text`` instead of the article's text.
    """

    claim_id: str
    source: ClaimSource | None
    cue: Cue | None
    content: Span
    kind: Literal["direct", "indirect", "mixed", "according_to", "embed"]
    rule: str | None = Field(
        default=None,
        description="The name of the rule that found the claim (the enricher's rule table, "
        "docs/enricher.md): e.g. verb-clause, according-to, quote-continued; embed for an "
        "embedded post. Always set by this version; absent from records written before "
        "claims named their rule.",
    )
    hedges: list[str] = Field(default_factory=list)
    parent: str | None = Field(default=None, description="claim_id of the enclosing claim.")
    check_worthiness: float = Field(ge=0.0, le=1.0)
    embed: int | None = Field(default=None, ge=0, description="Index into article.embeds.")


class Enrichment(Contract):
    """Everything the enricher found in one article revision. Key: ``article_id``."""

    schema_version: Literal[1] = 1
    article_id: str
    revision: int = Field(ge=1)
    duplicate_of: str | None = None
    entities: list[Entity] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    extractor: Extractor
    first_seen_at: UtcDatetime
    enriched_at: UtcDatetime


class EntityMention(Contract):
    """One entity of one article revision. Key: ``article_id``."""

    schema_version: Literal[1] = 1
    article_id: str
    revision: int = Field(ge=1)
    entity: Entity
    extractor: Extractor


class AttributedClaim(Contract):
    """One claim of one article revision. Key: ``article_id``."""

    schema_version: Literal[1] = 1
    article_id: str
    revision: int = Field(ge=1)
    claim: Claim
    extractor: Extractor
