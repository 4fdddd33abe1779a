"""From a parsed feed item to a raw item: stable identity, revisions, safe output.

The one adapter of every format. An item's identity (its key) and its content hash come
from what the parser read (lone surrogates replaced, nothing else changed), so that they
do not move when the output rules do, nor with the URL the feed was fetched from; what is
written is made safe: the link, the enclosures and the URLs inside its HTML only when
they are http(s) (resolved and in one spelling, ``core.urls``), its HTML through the one
sanitizer (``sanitize``). What is dropped is a recorded problem of the feed.

A document gives one item per identity (``identity``): copies of an entry are one item.
Relative URLs resolve against the base the document gives itself
(JSON Feed's ``feed_url``), else the URL it was fetched from, else the feed's own link (a
file of the seeds folder); a summary's or content's ``xml:base`` wins inside it. A date
more than a day after the fetch is recorded as a problem and kept only as written.

Adapting one item is a boundary: whatever fails on it (a bug of ours included) makes it a
``RejectedItem``, remembered like an item so that it is reported once, and the feed's other
items go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from ..core.ids import stable_id
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
from .identity import distinct, item_hash, item_key, shown
from .parsers import ParsedEnclosure, ParsedFeed, ParsedItem, RejectedItem, rejected
from .sanitize import sanitize_html


@dataclass
class Counts:
    new: int = 0
    revised: int = 0
    unchanged: int = 0
    rejected: int = 0
    repeated: int = 0
    """Entries that repeat the identity of another entry of the document (one is kept)."""


@dataclass(frozen=True, slots=True)
class FetchContext:
    source: Source
    fetched_at: datetime
    http: HttpMeta | None
    base: str | None = None
    """The URL the document was fetched from (None for a file of the seeds folder)."""


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
        summary_base=well_formed_or_none(item.summary_base),
        content_base=well_formed_or_none(item.content_base),
    )


FUTURE_SLACK = timedelta(days=1)
"""How far after the fetch a date may be (clocks and zones are wrong by hours) before
it is taken for an error."""


def document_base(feed: ParsedFeed, fetched_from: str | None) -> str | None:
    """What relative URLs of a document resolve against: the base it gives itself (JSON
    Feed's ``feed_url``), else the URL it was fetched from, else the feed's own link."""
    own = http_url(feed.base, fetched_from) if feed.base else None
    return own or fetched_from or http_url(feed.link)


def _timestamp(
    raw: str | None, utc: datetime | None, what: str, key: str, context: FetchContext,
    problems: list[str],
) -> Timestamp:  # fmt: skip
    if utc is not None and utc > context.fetched_at + FUTURE_SLACK:
        problems.append(
            f"{shown(key)}: {what} date {shown(raw or '')} is in the future: kept as written only"
        )
        utc = None
    return Timestamp(raw=raw, utc=utc)


def _raw_item(
    item: ParsedItem,
    key: str,
    digest: str,
    seen: SeenItem,
    feed: ParsedFeed,
    state: SourceState,
    context: FetchContext,
    base: str | None,
    problems: list[str],
) -> RawItem:
    link = http_url(item.link, base)
    if item.link and link is None:
        problems.append(f"item link {shown(item.link)} is not an http(s) URL: dropped")
    enclosures = []
    for e in item.enclosures:
        url = http_url(e.url, link or base)
        if url is None:
            problems.append(f"enclosure {shown(e.url)} is not an http(s) URL: dropped")
        else:
            enclosures.append(Enclosure(url=url, type=e.type, length=e.length))
    around = link or base
    return RawItem(
        item_id=stable_id("item", state.source_id, key),
        revision=seen.revision,
        content_hash=digest,
        source=context.source,
        format=feed.format,
        link=link,
        title=item.title,
        summary_html=sanitize_html(item.summary_html, http_url(item.summary_base, base) or around),
        content_html=sanitize_html(item.content_html, http_url(item.content_base, base) or around),
        authors=item.authors,
        categories=item.categories,
        enclosures=enclosures,
        published=_timestamp(
            item.published_raw, item.published_utc, "published", key, context, problems
        ),
        updated=_timestamp(item.updated_raw, item.updated_utc, "updated", key, context, problems),
        language=item.language,
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
    entries: list[tuple[str, ParsedItem]] = []
    for index, parsed in enumerate(feed.items):
        key = f"item {index}"
        try:
            item = well_formed_item(parsed)
            entries.append((item_key(item), item))
        except Exception as exc:  # a bug of ours on this item: reported, the others go on
            reject(rejected(key, repr(parsed)[:100_000], exc))
    kept, repeated = distinct(entries)
    base = document_base(feed, context.base)
    counts.repeated = len(entries) - len(kept)
    out.problems.extend(repeated)
    for key, item in kept:
        try:
            digest = item_hash(item)
            memory = judged(key, digest)
            if memory is None:
                counts.unchanged += 1
                continue
            problems: list[str] = []
            raw = _raw_item(item, key, digest, memory, feed, state, context, base, problems)
        except Exception as exc:  # a bug of ours on this item: reported, the others go on
            reject(rejected(key, repr(item)[:100_000], exc))
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
