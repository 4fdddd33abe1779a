"""JSON Feed 1.0 and 1.1 (jsonfeed.org), validated with pydantic, into ``ParsedFeed``.

The document is read within bounds (``jsonscan``): its depth is checked before it is
decoded, and its items are decoded one at a time, the first ``max_items`` kept. Each item
is validated on its own: one that is not a valid JSON Feed item is a rejected item with
the reason, and the feed's other items go on.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ...core.settings import DEFAULTS
from .errors import FeedParseError
from .jsonscan import JsonError, feed_parts
from .model import ParsedEnclosure, ParsedFeed, ParsedItem, RejectedItem, rejected


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
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    try:
        return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):  # out of range once in UTC
        return None


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


def _reason(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(root)"
    return f"{where}: {first['msg']}"


def _items(raw: list[object]) -> tuple[list[ParsedItem], list[RejectedItem]]:
    items: list[ParsedItem] = []
    refused: list[RejectedItem] = []
    for index, value in enumerate(raw):
        try:
            items.append(_item(Item.model_validate(value)))
        except Exception as exc:
            known = value if isinstance(value, dict) else {}
            key = str(known.get("id") or known.get("url") or f"item {index}")
            error: Exception = exc
            if isinstance(exc, ValidationError):
                error = FeedParseError(f"not a JSON Feed item: {_reason(exc)}")
            refused.append(rejected(key, json.dumps(value, default=repr)[:100_000], error))
    return items, refused


def parse_json_feed(body: bytes, *, max_items: int = DEFAULTS.feed_max_items) -> ParsedFeed:
    try:
        parts = feed_parts(body.decode("utf-8-sig"), max_items)
    except UnicodeDecodeError as exc:
        raise FeedParseError(f"not valid JSON: not UTF-8 ({exc.reason} at {exc.start})") from None
    except JsonError as exc:
        raise FeedParseError(f"not valid JSON: {exc}") from None
    if "items" in parts.members:
        raise FeedParseError("not a JSON Feed: items: not an array")
    try:
        feed = Feed.model_validate(parts.members)
    except ValidationError as exc:
        raise FeedParseError(f"not a JSON Feed: {_reason(exc)}") from None
    problems = []
    if parts.count > max_items:
        problems.append(f"the feed has {parts.count} entries; the first {max_items} are kept")
    items, refused = _items(parts.items)
    return ParsedFeed(
        format="jsonfeed",
        title=feed.title,
        link=feed.home_page_url,
        items=items,
        problems=problems,
        rejected=refused,
    )
