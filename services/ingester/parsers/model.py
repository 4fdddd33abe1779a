"""What every parser produces: one structure for RSS, Atom and JSON Feed alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from ...core.errors import RecordError
from ...core.ids import content_hash
from ...core.strings import well_formed


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
    language: str | None = None
    summary_base: str | None = None
    """What relative URLs in the summary resolve against (``xml:base``), when said."""
    content_base: str | None = None


@dataclass(frozen=True, slots=True)
class RejectedItem:
    """An entry of a document that could not be taken in: a value, not an exception.

    ``key`` is its identity in the feed and ``digest`` a hash of what it held, so that the
    same entry is reported once, not on every poll. ``stage`` is ``parse`` when the entry
    itself is not valid, ``internal`` when newswire's own code failed on it (``error``
    then carries the exception, for its traceback)."""

    key: str
    digest: str
    stage: str
    error_class: str
    message: str
    error: BaseException | None = None


def rejected(key: str, content: str, exc: BaseException) -> RejectedItem:
    """The rejection of the entry ``key`` (holding ``content``) for ``exc``."""
    known = isinstance(exc, RecordError)
    return RejectedItem(
        key=well_formed(key),
        digest=content_hash(well_formed(content)),
        stage=exc.stage if isinstance(exc, RecordError) else "internal",
        error_class=type(exc).__name__,
        message=well_formed(str(exc) or repr(exc)),
        error=None if known else exc,
    )


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    format: Literal["rss", "atom", "jsonfeed"]
    title: str | None = None
    link: str | None = None
    """The feed's own link (its web site): what relative URLs resolve against when the
    document has no URL (a file of the seeds folder)."""
    base: str | None = None
    """A URL the document gives as its own (JSON Feed's ``feed_url``, else its
    ``home_page_url``): what relative URLs resolve against, before the fetch URL."""
    language: str | None = None
    items: list[ParsedItem] = field(default_factory=list)
    ttl_s: float | None = None
    update_period_s: float | None = None
    problems: list[str] = field(default_factory=list)
    rejected: list[RejectedItem] = field(default_factory=list)
