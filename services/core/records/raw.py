"""The ``news.raw`` record: one item as the ingester saw it, before any cleaning."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .common import Contract, Source, Timestamp, UtcDatetime


class Enclosure(Contract):
    url: str
    type: str | None = None
    length: int | None = None


class HttpMeta(Contract):
    """How the item's document was fetched, when it came over HTTP."""

    status: int
    final_url: str
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None


class RawItem(Contract):
    """One feed item or seed file. Key: ``item_id``."""

    schema_version: Literal[1] = 1
    item_id: str = Field(description="Stable id: from the GUID, else the link, else a hash.")
    revision: int = Field(ge=1, description="Starts at 1; grows when the item's content changes.")
    content_hash: str = Field(description="SHA-256 of the item's content fields.")
    source: Source
    format: Literal["rss", "atom", "jsonfeed", "text", "markdown", "html", "json"]
    link: str | None = None
    title: str | None = None
    summary_html: str | None = None
    content_html: str | None = None
    content_text: str | None = Field(
        default=None, description="Plain text content (text and Markdown files)."
    )
    page_html: str | None = Field(
        default=None, description="The linked article page, when full text was fetched."
    )
    authors: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    enclosures: list[Enclosure] = Field(default_factory=list)
    published: Timestamp = Field(default_factory=Timestamp)
    updated: Timestamp = Field(default_factory=Timestamp)
    language: str | None = Field(
        default=None,
        description="The language the feed declares for the item (a BCP 47 tag such as "
        "'en' or 'pt-BR'): the item's own, else the feed's.",
    )
    file_mtime: UtcDatetime | None = None
    fetched_at: UtcDatetime
    first_seen_at: UtcDatetime
    http: HttpMeta | None = None
