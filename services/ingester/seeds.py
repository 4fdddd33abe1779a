"""Watching the seeds folder: an initial scan, then changes, one raw item per change."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..core.errors import RecordError
from ..core.records import RawItem
from .files import FORMATS, read_seed, to_raw_item


@dataclass
class _Seen:
    signature: tuple[int, int]
    content_hash: str
    revision: int
    first_seen_at: datetime


@dataclass
class SeedFolder:
    """Remembers what it emitted per file; ``scan`` yields new items and revisions."""

    root: Path
    seen: dict[str, _Seen] = field(default_factory=dict)

    def candidates(self) -> Iterator[Path]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            if path.suffix.lower() in FORMATS and (path.is_file() or path.is_symlink()):
                yield path

    def scan(self, now: datetime) -> Iterator[RawItem | tuple[Path, RecordError]]:
        for path in self.candidates():
            rel = path.relative_to(self.root).as_posix()
            try:
                stat = path.lstat()
                signature = (stat.st_mtime_ns, stat.st_size)
                previous = self.seen.get(rel)
                if previous is not None and previous.signature == signature:
                    continue
                seed = read_seed(self.root, path)
                revision = previous.revision + 1 if previous else 1
                item = to_raw_item(seed, revision=revision, now=now)
            except RecordError as exc:
                self.seen[rel] = _Seen(signature, "", 0, now)
                yield path, exc
                continue
            except OSError as exc:
                yield path, RecordError(f"{rel}: cannot read: {exc.strerror or exc}")
                continue
            if previous is not None and previous.content_hash == item.content_hash:
                self.seen[rel] = _Seen(
                    signature, previous.content_hash, previous.revision, previous.first_seen_at
                )
                continue
            first_seen = previous.first_seen_at if previous else now
            item = item.model_copy(update={"first_seen_at": first_seen})
            self.seen[rel] = _Seen(signature, item.content_hash, item.revision, first_seen)
            yield item
