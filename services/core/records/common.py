"""Value types shared by several record contracts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamps must carry a time zone")
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]
"""A timezone-aware timestamp, stored in UTC."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class Contract(BaseModel):
    """Base of every record contract: strict about unknown fields, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Contract):
    """Where an item came from: a feed, or a file in the seeds folder."""

    kind: Literal["feed", "file"]
    uri: str = Field(description="Feed URL, or the file path relative to the seeds folder.")
    name: str | None = Field(default=None, description="Human name of the feed or outlet.")
    tags: list[str] = Field(default_factory=list)


class Timestamp(Contract):
    """A date as the source wrote it, and parsed to UTC when that was possible."""

    raw: str | None = None
    utc: UtcDatetime | None = None


class Span(Contract):
    """A character span of an article's text: ``text == article.text[start:end]``."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
