"""Reading seed files into raw items: text, Markdown, HTML, JSON articles, and feed files.

A file is opened only when it is a regular file inside the seeds folder: opened without
blocking (``O_NONBLOCK``: a FIFO swapped in after the walk cannot hang the read), checked
with ``fstat`` on what was opened, and read up to the size limit. Everything here runs in a
worker thread, never on the event loop. JSON is depth-checked before it is decoded, and an
article's fields are typed by ``frontmatter.ArticleFields``; a feed file goes through the
same parsers and adapter as a fetched feed.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core.errors import RecordError
from ..core.ids import content_hash, stable_id
from ..core.records import RawItem, SeenItem, Source, SourceState, Timestamp, seen_key
from ..core.settings import DEFAULTS
from .frontmatter import ArticleFields, FieldError, article_fields, front_matter
from .items import FetchContext, raw_items
from .parsers import FeedParseError, RejectedItem, looks_like_feed, parse_feed
from .parsers.jsonscan import JsonError, check_depth
from .sanitize import sanitize_html

_WHOLE_PAGE = re.compile(r"<(html|body)[\s>]", re.IGNORECASE)
ARTICLE_FORMATS = {".txt": "text", ".md": "markdown", ".html": "html", ".htm": "html"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}
SUFFIXES = frozenset({*ARTICLE_FORMATS, *FEED_SUFFIXES, ".json"})
MAX_FILE_BYTES = 16 * 1024 * 1024
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


class FileReadError(RecordError):
    """A seed file cannot be read or decoded."""

    stage = "read"


@dataclass(frozen=True, slots=True)
class SeedFile:
    path: Path
    relative: str
    mtime: datetime
    data: bytes


@dataclass
class SeedItems:
    """What one seed file gave: its new or changed items, what to remember, rejections."""

    items: list[RawItem] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)
    rejected: list[RejectedItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def source_id(relative: str) -> str:
    return stable_id("file", relative)


def _read(fd: int, relative: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_FILE_BYTES:  # bounded: the file may grow while it is read
        chunk = os.read(fd, min(1 << 20, MAX_FILE_BYTES + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > MAX_FILE_BYTES:
        raise FileReadError(f"{relative} grew past the {MAX_FILE_BYTES}-byte limit while read")
    return b"".join(chunks)


def read_seed(root: Path, path: Path, relative: str | None = None) -> SeedFile:
    """The bytes of one seed file, if it is a regular file inside ``root``."""
    relative = relative or path.relative_to(root).as_posix()
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    if not real.startswith(real_root + os.sep):
        raise FileReadError(f"{relative} links outside the seeds folder {root}: refused")
    fd = os.open(path, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FileReadError(f"{relative} is not a regular file: not read")
        if (st.st_dev, st.st_ino) != (os.stat(real).st_dev, os.stat(real).st_ino):
            raise FileReadError(f"{relative} changed while it was opened: read again later")
        if st.st_size > MAX_FILE_BYTES:
            raise FileReadError(
                f"{relative} is {st.st_size} bytes, over the {MAX_FILE_BYTES} limit"
            )
        data = _read(fd, relative)
    finally:
        os.close(fd)
    return SeedFile(
        path=path,
        relative=relative,
        mtime=datetime.fromtimestamp(st.st_mtime, UTC),
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


def _timestamp(value: str | None) -> Timestamp:
    """A date as written; in UTC too when it is an ISO 8601 date within range."""
    if value is None:
        return Timestamp()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        utc = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        return Timestamp(raw=value)
    return Timestamp(raw=value, utc=utc)


def _article(
    seed: SeedFile, key: str, fields: ArticleFields, fmt: str, state: SourceState, now: datetime
) -> tuple[RawItem | None, SeenItem]:
    digest = content_hash(fields.title, fields.url, fields.text, fields.html)
    before = state.seen_item(key)
    if before is not None and before.same_content(digest):
        return None, before
    seen = SeenItem(
        content_hash=digest,
        revision=before.revision + 1 if before else 1,
        first_seen_at=before.first_seen_at if before else now,
    )
    link = fields.link
    # A whole saved page (not an article's markup alone) is read as the article's page, as
    # a fetched one is: the normalizer extracts its main content from it.
    whole_page = fmt == "html" and fields.html is not None and _WHOLE_PAGE.search(fields.html)
    item = RawItem(
        item_id=stable_id("item", state.source_id, key),
        revision=seen.revision,
        content_hash=digest,
        source=Source(kind="file", uri=seed.relative, name=fields.source),
        format=fmt,
        link=link,
        title=fields.title,
        content_text=fields.text,
        content_html=None if whole_page else sanitize_html(fields.html, link),
        page_html=fields.html if whole_page else None,
        published=_timestamp(fields.date),
        file_mtime=seed.mtime,
        fetched_at=now,
        first_seen_at=seen.first_seen_at,
    )
    return item, seen


def _feed_items(
    seed: SeedFile, state: SourceState, now: datetime, seen_limit: int, max_items: int
) -> SeedItems:
    try:
        feed = parse_feed(seed.data, max_items=max_items)
    except FeedParseError as exc:
        raise FileReadError(f"{seed.relative}: {exc}") from None
    context = FetchContext(
        source=Source(kind="file", uri=seed.relative, name=feed.title),
        fetched_at=now,
        http=None,
    )
    adapted = raw_items(feed, state, context, seen_limit=seen_limit)
    return SeedItems(
        items=[i.model_copy(update={"file_mtime": seed.mtime}) for i in adapted.items],
        seen=adapted.seen,
        rejected=adapted.rejected,
        problems=adapted.problems,
    )


def _json_articles(seed: SeedFile, text: str) -> list[tuple[str, ArticleFields]]:
    try:
        check_depth(text)
        obj = json.loads(text)
    except (JsonError, json.JSONDecodeError) as exc:
        raise FileReadError(f"{seed.relative} is not valid JSON: {exc}") from None
    objects = obj if isinstance(obj, list) else [obj]
    if not objects or not all(isinstance(o, dict) for o in objects):
        raise FileReadError(f"{seed.relative}: expected an article object or a list of them")
    entries = []
    for i, o in enumerate(objects):
        fields = _fields(seed, o, f"article {i}: " if len(objects) > 1 else "")
        entries.append((fields.url or fields.id or str(i), fields))
    return entries


def _fields(seed: SeedFile, values: dict[str, Any], where: str = "") -> ArticleFields:
    try:
        return article_fields(values)
    except FieldError as exc:
        raise FileReadError(f"{seed.relative}: {where}{exc}") from None


def seed_items(
    seed: SeedFile,
    state: SourceState,
    now: datetime,
    *,
    seen_limit: int = DEFAULTS.feed_seen_items,
    max_items: int = DEFAULTS.feed_max_items,
) -> SeedItems:
    """The new or changed items of one seed file, and what to remember of it."""
    suffix = seed.path.suffix.lower()
    if suffix not in SUFFIXES:
        raise FileReadError(f"{seed.relative}: unsupported file type {seed.path.suffix!r}")
    if suffix in FEED_SUFFIXES or (suffix == ".json" and looks_like_feed(seed.data)):
        return _feed_items(seed, state, now, seen_limit, max_items)
    text = _text(seed)
    entries: list[tuple[str, ArticleFields]]
    if suffix == ".json":
        entries = _json_articles(seed, text)
        fmt = "json"
    else:
        try:
            meta, body = front_matter(text)
        except FieldError as exc:
            raise FileReadError(f"{seed.relative}: {exc}") from None
        fmt = ARTICLE_FORMATS[suffix]
        meta = {k: v for k, v in meta.items() if k not in ("text", "html")}
        meta["text" if fmt != "html" else "html"] = body
        entries = [("article", _fields(seed, meta, "front matter "))]
    seen = dict(state.seen)
    items = []
    for key, fields in entries:
        item, remembered = _article(seed, key, fields, fmt, state, now)
        seen[seen_key(key)] = remembered.pack()
        if item is not None:
            items.append(item)
    return SeedItems(items=items, seen=seen)
