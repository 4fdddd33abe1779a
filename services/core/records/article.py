"""The ``news.articles`` record: one clean, canonical article revision."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .common import Contract, Source, UtcDatetime


class Embed(Contract):
    """A social-media post embedded in the article, cut out of its text."""

    platform: str
    author: str | None = None
    handle: str | None = None
    date: str | None = None
    text: str
    url: str | None = None


class Article(Contract):
    """One article revision. Key: ``article_id``."""

    schema_version: Literal[1] = 1
    article_id: str = Field(description="Stable id: from the canonical URL, else the source.")
    revision: int = Field(ge=1)
    item_id: str = Field(description="The news.raw item this article came from.")
    source: Source
    url: str | None = None
    canonical_url: str | None = None
    title: str
    text: str = Field(description="Clean text, paragraphs separated by a blank line, NFC.")
    summary: str | None = None
    authors: list[str] = Field(default_factory=list)
    published_at: UtcDatetime | None = None
    published_at_source: Literal["item", "page", "file", "fetch"] | None = None
    language: str | None = Field(default=None, description="ISO 639-1 code.")
    word_count: int = Field(ge=0)
    categories: list[str] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list)
    images: list[str] = Field(default_factory=list)
    embeds: list[Embed] = Field(default_factory=list)
    content_hash: str
    simhash: str | None = Field(
        default=None, description="64-bit SimHash of the text (16 hex digits), for near copies."
    )
    duplicate_of: str | None = Field(
        default=None, description="article_id of the first copy when this is a duplicate."
    )
    first_seen_at: UtcDatetime
    normalized_at: UtcDatetime
