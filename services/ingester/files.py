"""Reading seed files into raw items: text, Markdown, HTML, JSON articles, and feed files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import RecordError
from ..core.ids import content_hash, stable_id
from ..core.records import RawItem, SeenItem, Source, SourceState, Timestamp, seen_key
from ..core.settings import DEFAULTS
from .items import FetchContext, raw_items
from .parsers import FeedParseError, looks_like_feed, parse_feed

ARTICLE_FORMATS = {".txt": "text", ".md": "markdown", ".html": "html", ".htm": "html"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}
SUFFIXES = {*ARTICLE_FORMATS, *FEED_SUFFIXES, ".json"}
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


def source_id(relative: str) -> str:
    return stable_id("file", relative)


def read_seed(root: Path, path: Path) -> SeedFile:
    resolved_root = root.resolve()
    resolved = path.resolve()
    if not resolved.is_relative_to(resolved_root):
        raise FileReadError(f"{path} links outside the seeds folder {root}: refused")
    stat = resolved.stat()
    if stat.st_size > MAX_FILE_BYTES:
        raise FileReadError(f"{path} is {stat.st_size} bytes, over the {MAX_FILE_BYTES} limit")
    with resolved.open("rb") as handle:  # bounded: the file may grow while it is read
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise FileReadError(f"{path} grew past the {MAX_FILE_BYTES}-byte limit while read")
    return SeedFile(
        path=path,
        relative=path.relative_to(root).as_posix(),
        mtime=datetime.fromtimestamp(stat.st_mtime, UTC),
        data=data,
    )


def _text(seed: SeedFile) -> str:
    try:
        text = seed.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileReadError(
            f"{seed.relative} is not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    if "\x00" in text:
        raise FileReadError(f"{seed.relative} is binary (contains NUL bytes)")
    if not text.strip():
        raise FileReadError(f"{seed.relative} is empty: it is read again once it has text")
    return text


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    """YAML front matter between ``---`` lines at the top (title, url, date, source)."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---", 4)
    if end < 0:
        return {}, text
    try:
        meta = yaml.safe_load(text[4:end]) or {}
    except yaml.YAMLError:
        return {}, text
    if not isinstance(meta, dict):
        return {}, text
    rest = text[end + 4 :].lstrip("-").lstrip("\n")
    return {str(k): v for k, v in meta.items()}, rest


def _timestamp(value: Any) -> Timestamp:
    if value is None:
        return Timestamp()
    if isinstance(value, datetime):
        when = value if value.tzinfo else value.replace(tzinfo=UTC)
        return Timestamp(raw=value.isoformat(), utc=when)
    raw = str(value)
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return Timestamp(raw=raw)
    return Timestamp(raw=raw, utc=parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC))


def _article(
    seed: SeedFile, key: str, fields: dict[str, Any], state: SourceState, now: datetime
) -> tuple[RawItem | None, SeenItem]:
    title, link = fields.get("title"), fields.get("url")
    text, html = fields.get("text"), fields.get("html")
    digest = content_hash(title, link, text, html)
    before = state.seen_item(key)
    if before is not None and before.same_content(digest):
        return None, before
    seen = SeenItem(
        content_hash=digest,
        revision=before.revision + 1 if before else 1,
        first_seen_at=before.first_seen_at if before else now,
    )
    item = RawItem(
        item_id=stable_id("item", state.source_id, key),
        revision=seen.revision,
        content_hash=digest,
        source=Source(kind="file", uri=seed.relative, name=fields.get("source")),
        format=fields["format"],
        link=link,
        title=title,
        content_text=text,
        content_html=html,
        published=_timestamp(fields.get("date")),
        file_mtime=seed.mtime,
        fetched_at=now,
        first_seen_at=seen.first_seen_at,
    )
    return item, seen


def seed_items(
    seed: SeedFile, state: SourceState, now: datetime, *, seen_limit: int = DEFAULTS.feed_seen_items
) -> tuple[list[RawItem], dict[str, str]]:
    """The new or changed items of one seed file, and what to remember of it."""
    suffix = seed.path.suffix.lower()
    if suffix not in SUFFIXES:
        raise FileReadError(f"{seed.relative}: unsupported file type {seed.path.suffix!r}")
    if suffix in FEED_SUFFIXES or (suffix == ".json" and looks_like_feed(seed.data)):
        try:
            feed = parse_feed(seed.data)
        except FeedParseError as exc:
            raise FileReadError(f"{seed.relative}: {exc}") from None
        context = FetchContext(
            source=Source(kind="file", uri=seed.relative, name=feed.title),
            fetched_at=now,
            http=None,
        )
        items, seen, _ = raw_items(feed, state, context, seen_limit=seen_limit)
        return [i.model_copy(update={"file_mtime": seed.mtime}) for i in items], seen
    text = _text(seed)
    entries: list[tuple[str, dict[str, Any]]]
    if suffix == ".json":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FileReadError(f"{seed.relative} is not valid JSON: {exc}") from None
        objects = obj if isinstance(obj, list) else [obj]
        if not objects or not all(isinstance(o, dict) for o in objects):
            raise FileReadError(f"{seed.relative}: expected an article object or a list of them")
        entries = [
            (str(o.get("url") or o.get("id") or i), {**o, "format": "json"})
            for i, o in enumerate(objects)
        ]
    else:
        meta, body = front_matter(text)
        fmt = ARTICLE_FORMATS[suffix]
        key_fields = {"text": body} if fmt != "html" else {"html": body}
        entries = [("article", {**meta, **key_fields, "format": fmt})]
    seen = dict(state.seen)
    items = []
    for key, fields in entries:
        item, remembered = _article(seed, key, fields, state, now)
        seen[seen_key(key)] = remembered.pack()
        if item is not None:
            items.append(item)
    return items, seen
