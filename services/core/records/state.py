"""What the ingester remembers per source, kept in the compacted ``ingester.state`` topic.

One record per feed or seed file, keyed by ``source_id``. Replicas restore it on start, and
the partition of that key decides which replica owns the source.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .common import Contract, UtcDatetime

Health = Literal["new", "healthy", "backing_off", "failing"]


class SeenItem(Contract):
    content_hash: str
    revision: int = Field(ge=1)
    first_seen_at: UtcDatetime


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
    seen: dict[str, SeenItem] = Field(
        default_factory=dict, description="Item key -> last content hash, most recent last."
    )
