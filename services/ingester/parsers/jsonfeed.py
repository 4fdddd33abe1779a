"""JSON Feed 1.0 and 1.1 (jsonfeed.org), validated with pydantic, into ``ParsedFeed``."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import FeedParseError
from .model import ParsedEnclosure, ParsedFeed, ParsedItem


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Author(_Model):
    name: str | None = None
    url: str | None = None


class Attachment(_Model):
    url: str
    mime_type: str | None = None
    size_in_bytes: int | None = None


class Item(_Model):
    id: str | None = None
    url: str | None = None
    external_url: str | None = None
    title: str | None = None
    content_html: str | None = None
    content_text: str | None = None
    summary: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    author: Author | None = None  # 1.0
    authors: list[Author] = Field(default_factory=list)  # 1.1
    tags: list[str] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int | float) else value


class Feed(_Model):
    version: str
    title: str | None = None
    home_page_url: str | None = None
    items: list[Item] = Field(default_factory=list)

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: str) -> str:
        if not value.startswith("https://jsonfeed.org/version/1"):
            raise ValueError(f"not a JSON Feed version 1.x: {value!r}")
        return value


def _utc(value: str | None) -> datetime | None:
    """RFC 3339 as the spec says, or the RFC 822 dates some feeds use instead."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)


def _text_to_html(text: str) -> str:
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def _item(item: Item) -> ParsedItem:
    authors = [a.name for a in item.authors or ([item.author] if item.author else []) if a.name]
    content = item.content_html or (_text_to_html(item.content_text) if item.content_text else None)
    return ParsedItem(
        guid=item.id,
        link=item.url or item.external_url,
        title=item.title,
        summary_html=html.escape(item.summary) if item.summary else None,
        content_html=content,
        authors=authors,
        categories=list(item.tags),
        enclosures=[ParsedEnclosure(a.url, a.mime_type, a.size_in_bytes) for a in item.attachments],
        published_raw=item.date_published,
        published_utc=_utc(item.date_published),
        updated_raw=item.date_modified,
        updated_utc=_utc(item.date_modified),
    )


def parse_json_feed(body: bytes) -> ParsedFeed:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FeedParseError(f"not valid JSON: {exc}") from None
    try:
        feed = Feed.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(root)"
        raise FeedParseError(f"not a JSON Feed: {where}: {first['msg']}") from None
    return ParsedFeed(
        format="jsonfeed",
        title=feed.title,
        link=feed.home_page_url,
        items=[_item(i) for i in feed.items],
    )
