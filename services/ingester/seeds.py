"""Watching the seeds folder: an initial scan, then changes."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..core.errors import RecordError
from ..core.records import RawItem, SourceState
from ..core.settings import DEFAULTS
from .files import SUFFIXES, read_seed, seed_items, source_id

SETTLE_S = 1.0
"""A file modified less than this long ago may still be being written: read it later."""


@dataclass
class SeedChange:
    """One file's outcome: its items (or the error) and its next state."""

    relative: str
    state: SourceState
    items: list[RawItem]
    error: RecordError | None = None


@dataclass
class SeedFolder:
    root: Path
    seen_limit: int = DEFAULTS.feed_seen_items
    unsettled: int = 0
    """Files seen changing in the last scan, left for a later one."""

    def candidates(self) -> Iterator[Path]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            if path.suffix.lower() in SUFFIXES and (path.is_file() or path.is_symlink()):
                yield path

    def scan(
        self,
        now: datetime,
        state_of: Callable[[str], SourceState | None],
        owns: Callable[[str], bool] = lambda _: True,
    ) -> Iterator[SeedChange]:
        """The files that changed since their state was recorded (owned ones only)."""
        self.unsettled = 0
        for path in self.candidates():
            relative = path.relative_to(self.root).as_posix()
            sid = source_id(relative)
            if not owns(sid):
                continue
            try:
                stat = path.stat() if path.exists() else path.lstat()
            except OSError:
                continue  # gone since listed
            signature = f"{stat.st_mtime_ns}:{stat.st_size}"
            state = state_of(sid) or SourceState(source_id=sid, kind="file", uri=relative)
            if state.file_signature == signature:
                continue
            if time.time() - stat.st_mtime < SETTLE_S:
                self.unsettled += 1
                continue  # still being written, perhaps: next scan
            state = state.model_copy(update={"file_signature": signature, "last_polled_at": now})
            try:
                seed = read_seed(self.root, path)
                items, seen = seed_items(seed, state, now, seen_limit=self.seen_limit)
            except RecordError as exc:
                failed = state.model_copy(
                    update={"health": "failing", "last_error": str(exc), "last_outcome": exc.stage}
                )
                yield SeedChange(relative, failed, [], exc)
                continue
            except OSError as exc:
                error = RecordError(f"{relative}: cannot read: {exc.strerror or exc}")
                failed = state.model_copy(update={"health": "failing", "last_error": str(error)})
                yield SeedChange(relative, failed, [], error)
                continue
            done = state.model_copy(
                update={
                    "seen": seen,
                    "health": "healthy",
                    "last_error": None,
                    "last_outcome": "read",
                    "last_success_at": now,
                }
            )
            yield SeedChange(relative, done, items)
