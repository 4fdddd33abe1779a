"""Watching the seeds folder: an initial scan, then changes.

Each file is a boundary: whatever reading it gives (its items, or a failure with the
reason, a bug of ours included) is one ``SeedChange``, whose state records the file's
signature, so a file that failed is not read again until it changes. ``scan`` is plain
blocking code: the service runs it in a worker thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..core.errors import RecordError
from ..core.records import RawItem, SourceState
from ..core.settings import DEFAULTS
from .files import SUFFIXES, FileReadError, read_seed, seed_items, source_id
from .parsers import RejectedItem
from .walk import Entry, walk

SETTLE_S = 1.0
"""A file modified less than this long ago may still be being written: read it later."""


@dataclass
class SeedChange:
    """One file's outcome: its items (or the error) and its next state."""

    relative: str
    state: SourceState
    items: list[RawItem]
    error: Exception | None = None
    """A ``RecordError`` with the reason, or any other exception: a bug of ours."""
    rejected: list[RejectedItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def internal(self) -> bool:
        return self.error is not None and not isinstance(self.error, RecordError)


@dataclass
class SeedFolder:
    root: Path
    seen_limit: int = DEFAULTS.feed_seen_items
    max_items: int = DEFAULTS.feed_max_items
    unsettled: int = 0
    """Files seen changing in the last scan, left for a later one."""
    truncated: bool = False
    """The last scan stopped at the walk's bound on entries."""

    def scan(
        self,
        now: datetime,
        state_of: Callable[[str], SourceState | None],
        owns: Callable[[str], bool] = lambda _: True,
    ) -> Iterator[SeedChange]:
        """The files that changed since their state was recorded (owned ones only)."""
        self.unsettled = 0
        listing = walk(self.root, SUFFIXES)
        self.truncated = listing.truncated
        for entry in listing.entries:
            sid = source_id(entry.relative)
            if not owns(sid):
                continue
            state = state_of(sid) or SourceState(source_id=sid, kind="file", uri=entry.relative)
            if state.file_signature == entry.signature:
                continue
            if entry.refusal is None and time.time() - entry.mtime < SETTLE_S:
                self.unsettled += 1
                continue  # still being written, perhaps: next scan
            state = state.model_copy(
                update={"file_signature": entry.signature, "last_polled_at": now}
            )
            yield self._read(entry, state, now)

    def _read(self, entry: Entry, state: SourceState, now: datetime) -> SeedChange:
        relative = entry.relative
        try:
            if entry.refusal is not None:
                raise FileReadError(f"{relative} {entry.refusal}")
            seed = read_seed(self.root, entry.path, relative)
            got = seed_items(seed, state, now, seen_limit=self.seen_limit, max_items=self.max_items)
        except OSError as exc:
            return _failed(relative, state, FileReadError(f"{relative}: cannot read: {exc}"))
        except Exception as exc:  # the reason (a RecordError), or a bug of ours
            return _failed(relative, state, exc)
        done = state.model_copy(
            update={
                "seen": got.seen,
                "health": "healthy",
                "last_error": None,
                "last_outcome": "read",
                "last_success_at": now,
            }
        )
        return SeedChange(relative, done, got.items, None, got.rejected, got.problems)


def _failed(relative: str, state: SourceState, error: Exception) -> SeedChange:
    stage = error.stage if isinstance(error, RecordError) else "internal"
    message = str(error) if isinstance(error, RecordError) else f"{relative}: {error!r}"
    failed = state.model_copy(
        update={"health": "failing", "last_error": message[:2000], "last_outcome": stage}
    )
    return SeedChange(relative, failed, [], error)
