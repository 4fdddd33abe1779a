"""Main-content extraction from article pages (trafilatura), and page metadata."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import trafilatura


@dataclass(frozen=True, slots=True)
class Page:
    text: str
    canonical_url: str | None
    title: str | None
    authors: list[str]
    published: datetime | None


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def extract_page(html: str, url: str | None = None) -> Page:
    """The article text of a page (paragraphs on their own lines) and its metadata."""
    text = trafilatura.extract(
        html,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        deduplicate=True,
    )
    meta = trafilatura.extract_metadata(html, default_url=url)
    authors = [a.strip() for a in (meta.author or "").split(";") if a.strip()] if meta else []
    return Page(
        text=text or "",
        canonical_url=meta.url if meta else None,
        title=meta.title if meta else None,
        authors=authors,
        published=_date(meta.date) if meta else None,
    )
