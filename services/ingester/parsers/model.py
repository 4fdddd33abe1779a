"""What every parser produces: one structure for RSS, Atom and JSON Feed alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal


@dataclass(frozen=True, slots=True)
class ParsedEnclosure:
    url: str
    type: str | None = None
    length: int | None = None


@dataclass(frozen=True, slots=True)
class ParsedItem:
    guid: str | None = None
    link: str | None = None
    title: str | None = None
    summary_html: str | None = None
    content_html: str | None = None
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    enclosures: list[ParsedEnclosure] = field(default_factory=list)
    published_raw: str | None = None
    published_utc: datetime | None = None
    updated_raw: str | None = None
    updated_utc: datetime | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    format: Literal["rss", "atom", "jsonfeed"]
    title: str | None = None
    link: str | None = None
    items: list[ParsedItem] = field(default_factory=list)
    ttl_s: float | None = None
    update_period_s: float | None = None
    problems: list[str] = field(default_factory=list)
