"""Reading one seed file into a ``RawItem``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..core.errors import RecordError
from ..core.ids import content_hash, stable_id
from ..core.records import RawItem, Source, Timestamp

FORMATS = {".txt": "text", ".md": "markdown", ".html": "html", ".htm": "html", ".json": "json"}
MAX_FILE_BYTES = 16 * 1024 * 1024


class FileReadError(RecordError):
    """A seed file cannot be read or decoded."""

    stage = "read"


@dataclass(frozen=True, slots=True)
class SeedFile:
    path: Path
    relative: str
    mtime: datetime
    data: bytes


def read_seed(root: Path, path: Path) -> SeedFile:
    resolved_root = root.resolve()
    resolved = path.resolve()
    if not resolved.is_relative_to(resolved_root):
        raise FileReadError(f"{path} links outside the seeds folder {root}: refused")
    stat = resolved.stat()
    if stat.st_size > MAX_FILE_BYTES:
        raise FileReadError(f"{path} is {stat.st_size} bytes, over the {MAX_FILE_BYTES} limit")
    return SeedFile(
        path=path,
        relative=path.relative_to(root).as_posix(),
        mtime=datetime.fromtimestamp(stat.st_mtime, UTC),
        data=resolved.read_bytes(),
    )


def to_raw_item(seed: SeedFile, *, revision: int, now: datetime) -> RawItem:
    fmt = FORMATS.get(seed.path.suffix.lower())
    if fmt is None:
        raise FileReadError(f"{seed.relative}: unsupported file type {seed.path.suffix!r}")
    try:
        text = seed.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileReadError(
            f"{seed.relative} is not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    if "\x00" in text:
        raise FileReadError(f"{seed.relative} is binary (contains NUL bytes)")
    title: str | None = None
    link: str | None = None
    content_text: str | None = None
    content_html: str | None = None
    if fmt in ("text", "markdown"):
        content_text = text
    elif fmt == "html":
        content_html = text
    else:
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FileReadError(f"{seed.relative} is not valid JSON: {exc}") from None
        if not isinstance(obj, dict):
            raise FileReadError(f"{seed.relative}: expected a JSON object")
        title, link = obj.get("title"), obj.get("url")
        content_text, content_html = obj.get("text"), obj.get("html")
    return RawItem(
        item_id=stable_id("file", seed.relative),
        revision=revision,
        content_hash=content_hash(title, link, content_text, content_html),
        source=Source(kind="file", uri=seed.relative),
        format=fmt,
        link=link,
        title=title,
        content_text=content_text,
        content_html=content_html,
        published=Timestamp(),
        file_mtime=seed.mtime,
        fetched_at=now,
        first_seen_at=now,
    )
