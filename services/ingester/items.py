"""From a parsed feed item to a raw item: stable identity and revisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..core.ids import content_hash, stable_id
from ..core.records import (
    Enclosure,
    HttpMeta,
    RawItem,
    SeenItem,
    Source,
    SourceState,
    Timestamp,
    seen_key,
)
from .parsers import ParsedFeed, ParsedItem


def item_key(item: ParsedItem) -> str:
    """The identity of an item in its feed: the GUID, else the link, else title and date."""
    if item.guid:
        return "guid:" + item.guid.strip()
    if item.link:
        return "link:" + item.link.strip()
    return "hash:" + stable_id(item.title or "", item.published_raw or "", length=24)


def item_hash(item: ParsedItem) -> str:
    return content_hash(item.title, item.link, item.summary_html, item.content_html)


@dataclass
class Counts:
    new: int = 0
    revised: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class FetchContext:
    source: Source
    fetched_at: datetime
    http: HttpMeta | None


def raw_items(
    feed: ParsedFeed,
    state: SourceState,
    context: FetchContext,
    *,
    seen_limit: int,
) -> tuple[list[RawItem], dict[str, str], Counts]:
    """The new and changed items of ``feed``, and the updated memory of seen items."""
    seen = dict(state.seen)
    counts = Counts()
    out: list[RawItem] = []
    for item in feed.items:
        key = item_key(item)
        digest = item_hash(item)
        packed = seen.get(seen_key(key))
        before = SeenItem.unpack(packed) if packed else None
        if before is not None and before.same_content(digest):
            counts.unchanged += 1
            continue
        revision = before.revision + 1 if before else 1
        first_seen = before.first_seen_at if before else context.fetched_at
        if before:
            counts.revised += 1
        else:
            counts.new += 1
        seen.pop(seen_key(key), None)  # re-insert: most recent last
        seen[seen_key(key)] = SeenItem(digest, revision, first_seen).pack()
        out.append(
            RawItem(
                item_id=stable_id("item", state.source_id, key),
                revision=revision,
                content_hash=digest,
                source=context.source,
                format=feed.format,
                link=item.link,
                title=item.title,
                summary_html=item.summary_html,
                content_html=item.content_html,
                authors=item.authors,
                categories=item.categories,
                enclosures=[
                    Enclosure(url=e.url, type=e.type, length=e.length) for e in item.enclosures
                ],
                published=Timestamp(raw=item.published_raw, utc=item.published_utc),
                updated=Timestamp(raw=item.updated_raw, utc=item.updated_utc),
                fetched_at=context.fetched_at,
                first_seen_at=first_seen,
                http=context.http,
            )
        )
    while len(seen) > seen_limit:
        seen.pop(next(iter(seen)))
    return out, seen, counts
