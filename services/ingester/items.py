"""From a parsed feed item to a raw item: stable identity, revisions, safe output.

The one adapter of every format. An item's identity (its key) and its content hash come
from what the feed said (lone surrogates replaced, nothing else changed), so that they do
not move when the output rules do; what is written is made safe: the link, the enclosures
and the URLs inside its HTML only when they are http(s) (resolved and in one spelling,
``core.urls``), its HTML through the one sanitizer (``sanitize``). What is dropped is a
recorded problem of the feed.

Adapting one item is a boundary: whatever fails on it (a bug of ours included) makes it a
``RejectedItem``, remembered like an item so that it is reported once, and the feed's other
items go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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
from ..core.strings import well_formed, well_formed_or_none
from ..core.urls import http_url
from .parsers import ParsedEnclosure, ParsedFeed, ParsedItem, RejectedItem, rejected
from .sanitize import sanitize_html


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
    rejected: int = 0


@dataclass(frozen=True, slots=True)
class FetchContext:
    source: Source
    fetched_at: datetime
    http: HttpMeta | None
    base: str | None = None
    """What relative URLs of the document resolve against (the URL it was fetched from)."""


@dataclass
class Adapted:
    """The new and changed items of a document, its new rejections, and its memory."""

    items: list[RawItem] = field(default_factory=list)
    rejected: list[RejectedItem] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)
    counts: Counts = field(default_factory=Counts)
    problems: list[str] = field(default_factory=list)


def well_formed_item(item: ParsedItem) -> ParsedItem:
    """``item`` with lone surrogates replaced in every text (any other text unchanged)."""
    return replace(
        item,
        guid=well_formed_or_none(item.guid),
        link=well_formed_or_none(item.link),
        title=well_formed_or_none(item.title),
        summary_html=well_formed_or_none(item.summary_html),
        content_html=well_formed_or_none(item.content_html),
        authors=[well_formed(a) for a in item.authors],
        categories=[well_formed(c) for c in item.categories],
        enclosures=[
            ParsedEnclosure(well_formed(e.url), well_formed_or_none(e.type), e.length)
            for e in item.enclosures
        ],
        published_raw=well_formed_or_none(item.published_raw),
        updated_raw=well_formed_or_none(item.updated_raw),
    )


def _shown(url: str) -> str:
    return repr(url[:80] + ("..." if len(url) > 80 else ""))


def _raw_item(
    item: ParsedItem,
    key: str,
    digest: str,
    seen: SeenItem,
    feed: ParsedFeed,
    state: SourceState,
    context: FetchContext,
    problems: list[str],
) -> RawItem:
    link = http_url(item.link, context.base)
    if item.link and link is None:
        problems.append(f"item link {_shown(item.link)} is not an http(s) URL: dropped")
    enclosures = []
    for e in item.enclosures:
        url = http_url(e.url, link or context.base)
        if url is None:
            problems.append(f"enclosure {_shown(e.url)} is not an http(s) URL: dropped")
        else:
            enclosures.append(Enclosure(url=url, type=e.type, length=e.length))
    base = link or context.base
    return RawItem(
        item_id=stable_id("item", state.source_id, key),
        revision=seen.revision,
        content_hash=digest,
        source=context.source,
        format=feed.format,
        link=link,
        title=item.title,
        summary_html=sanitize_html(item.summary_html, base),
        content_html=sanitize_html(item.content_html, base),
        authors=item.authors,
        categories=item.categories,
        enclosures=enclosures,
        published=Timestamp(raw=item.published_raw, utc=item.published_utc),
        updated=Timestamp(raw=item.updated_raw, utc=item.updated_utc),
        fetched_at=context.fetched_at,
        first_seen_at=seen.first_seen_at,
        http=context.http,
    )


def raw_items(
    feed: ParsedFeed,
    state: SourceState,
    context: FetchContext,
    *,
    seen_limit: int,
) -> Adapted:
    """The new and changed items of ``feed``, and the updated memory of seen items."""
    out = Adapted(seen=dict(state.seen), problems=list(feed.problems))
    seen, counts = out.seen, out.counts

    def judged(key: str, digest: str) -> SeenItem | None:
        """The item's next memory if it is new or changed; None if seen as it is."""
        packed = seen.get(seen_key(key))
        before = SeenItem.unpack(packed) if packed else None
        if before is not None and before.same_content(digest):
            return None
        return SeenItem(
            digest,
            before.revision + 1 if before else 1,
            before.first_seen_at if before else context.fetched_at,
        )

    def remember(key: str, memory: SeenItem) -> None:
        seen.pop(seen_key(key), None)  # re-insert: most recent last
        seen[seen_key(key)] = memory.pack()

    def reject(refused: RejectedItem) -> None:
        key = "rejected:" + refused.key
        memory = judged(key, refused.digest)
        if memory is not None:
            remember(key, memory)
            counts.rejected += 1
            out.rejected.append(refused)

    for refused in feed.rejected:
        reject(refused)
    for index, parsed in enumerate(feed.items):
        key = f"item {index}"
        try:
            item = well_formed_item(parsed)
            key = item_key(item)
            digest = item_hash(item)
            memory = judged(key, digest)
            if memory is None:
                counts.unchanged += 1
                continue
            problems: list[str] = []
            raw = _raw_item(item, key, digest, memory, feed, state, context, problems)
        except Exception as exc:  # a bug of ours on this item: reported, the others go on
            reject(rejected(key, repr(parsed)[:100_000], exc))
            continue
        remember(key, memory)
        out.problems.extend(problems)
        if memory.revision > 1:
            counts.revised += 1
        else:
            counts.new += 1
        out.items.append(raw)
    while len(seen) > seen_limit:
        seen.pop(next(iter(seen)))
    return out
