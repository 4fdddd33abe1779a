"""What the ingester remembers per source, kept in the compacted ``ingester.state`` topic.

One record per feed or seed file, keyed by ``source_id``. Replicas restore it on start, and
the partition of that key decides which replica owns the source.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import Field

from .common import Contract, UtcDatetime

Health = Literal["new", "healthy", "backing_off", "failing"]


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class SeenItem:
    """What the ingester remembers of one item: stored packed, ``hash:revision:micros``
    under a short hash of the item's key, to keep thousands of feeds small in memory."""

    content_hash: str
    revision: int
    first_seen_at: datetime

    def pack(self) -> str:
        micros = (self.first_seen_at - EPOCH) // timedelta(microseconds=1)
        return f"{self.content_hash[:32]}:{self.revision}:{micros}"

    @classmethod
    def unpack(cls, packed: str) -> SeenItem:
        digest, revision, micros = packed.rsplit(":", 2)
        first_seen = EPOCH + timedelta(microseconds=int(micros))
        return cls(digest, int(revision), first_seen)

    def same_content(self, content_hash: str) -> bool:
        return self.content_hash[:32] == content_hash[:32]


def seen_key(item_key: str) -> str:
    return hashlib.sha256(item_key.encode()).hexdigest()[:16]


class SourceState(Contract):
    """The ingester's memory of one feed or seed file."""

    schema_version: Literal[1] = 1
    source_id: str
    kind: Literal["feed", "file"]
    uri: str = Field(description="Feed URL as configured, or file path in the seeds folder.")
    fetch_url: str | None = Field(default=None, description="Current URL after 301/308 moves.")
    etag: str | None = None
    last_modified: str | None = None
    health: Health = "new"
    error_count: int = Field(default=0, ge=0, description="Consecutive failed polls.")
    last_error: str | None = None
    last_outcome: str | None = None
    interval_s: float | None = None
    next_poll_at: UtcDatetime | None = None
    last_polled_at: UtcDatetime | None = None
    last_success_at: UtcDatetime | None = None
    file_signature: str | None = Field(default=None, description="mtime and size of a file.")
    seen: dict[str, str] = Field(
        default_factory=dict,
        description="Short hash of an item's key -> 'content hash:revision:first seen (Unix "
        "microseconds)', most recent last.",
    )

    def seen_item(self, item_key: str) -> SeenItem | None:
        packed = self.seen.get(seen_key(item_key))
        return SeenItem.unpack(packed) if packed else None
