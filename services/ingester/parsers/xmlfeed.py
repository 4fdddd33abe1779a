"""RSS 0.9x/1.0/2.0 and Atom, through feedparser, into ``ParsedFeed``.

The document is read in its encoding and checked by ``xmlguard`` first; feedparser gets
the UTF-8 document that comes out of it, with nothing declared in it. A feed that is
malformed but readable ("bozo") keeps its items; the problem is recorded for the caller to
count. Whatever feedparser raises on a document is a ``FeedParseError`` with its reason;
an entry that cannot be read is a rejected item, the feed's other entries go on.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Any

import feedparser

from .errors import FeedParseError
from .model import ParsedEnclosure, ParsedFeed, ParsedItem, RejectedItem, rejected
from .xmlguard import safe_xml

PERIODS = {"hourly": 3600, "daily": 86400, "weekly": 604800, "monthly": 2629800, "yearly": 31557600}


def _utc(parsed: Any) -> datetime | None:
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    try:
        return float(str(value).strip())
    except (TypeError, ValueError):
        return None


def _authors(entry: Any) -> list[str]:
    names = [_str(a.get("name")) for a in entry.get("authors") or [] if hasattr(a, "get")]
    found = [n for n in names if n]
    if not found and _str(entry.get("author")):
        found = [str(entry.get("author")).strip()]
    return list(dict.fromkeys(found))


def _enclosures(entry: Any) -> list[ParsedEnclosure]:
    out: dict[str, ParsedEnclosure] = {}
    for e in entry.get("enclosures") or []:
        url = _str(e.get("href") or e.get("url"))
        if url:
            out.setdefault(url, ParsedEnclosure(url, _str(e.get("type")), _int(e.get("length"))))
    for m in entry.get("media_content") or []:
        url = _str(m.get("url"))
        if url:
            size = _int(m.get("filesize") or m.get("fileSize"))
            out.setdefault(url, ParsedEnclosure(url, _str(m.get("type")), size))
    return list(out.values())


def _item(entry: Any) -> ParsedItem:
    content = entry.get("content") or []
    return ParsedItem(
        guid=_str(entry.get("id")),
        link=_str(entry.get("link")),
        title=_str(entry.get("title")),
        summary_html=_str(entry.get("summary")),
        content_html=_str(content[0].get("value")) if content else None,
        authors=_authors(entry),
        categories=[t for t in (_str(tag.get("term")) for tag in entry.get("tags") or []) if t],
        enclosures=_enclosures(entry),
        # dict.get: feedparser's own get() maps "published" to "updated" with a warning
        published_raw=_str(dict.get(entry, "published")),
        published_utc=_utc(dict.get(entry, "published_parsed")),
        updated_raw=_str(dict.get(entry, "updated")),
        updated_utc=_utc(dict.get(entry, "updated_parsed")),
    )


def _entries(entries: list[Any]) -> tuple[list[ParsedItem], list[RejectedItem]]:
    items: list[ParsedItem] = []
    refused: list[RejectedItem] = []
    for index, entry in enumerate(entries):
        try:
            items.append(_item(entry))
        except Exception as exc:  # a bug of ours on this entry: the others go on
            key = str(dict.get(entry, "id") or dict.get(entry, "link") or f"entry {index}")
            refused.append(rejected(key, repr(entry)[:100_000], exc))
    return items, refused


def parse_xml(
    body: bytes,
    content_type: str | None = None,
    url: str | None = None,
    *,
    max_items: int | None = None,
) -> ParsedFeed:
    safe = safe_xml(body, content_type)
    headers = {"content-type": "application/xml; charset=utf-8"}
    if url:
        headers["content-location"] = url
    try:
        result = feedparser.parse(safe.data, response_headers=headers, sanitize_html=True)
    except Exception as exc:  # feedparser's own failure on this document
        raise FeedParseError(f"the feed cannot be read ({type(exc).__name__}: {exc})") from exc
    feed = result.get("feed") or {}
    entries = result.get("entries") or []
    version = str(result.get("version") or "")
    problems = list(safe.problems)
    if result.get("bozo"):
        reason = result.get("bozo_exception")
        problems.append(f"{type(reason).__name__}: {reason}" if reason else "malformed feed")
    if not entries and not version:
        raise FeedParseError("not an RSS or Atom feed" + (f" ({problems[-1]})" if problems else ""))
    if max_items is not None and len(entries) > max_items:
        problems.append(f"the feed has {len(entries)} entries; the first {max_items} are kept")
        entries = entries[:max_items]
    items, refused = _entries(entries)
    period = PERIODS.get(str(feed.get("sy_updateperiod") or "").strip().lower())
    frequency = _float(feed.get("sy_updatefrequency")) or 1.0
    ttl = _float(feed.get("ttl"))
    return ParsedFeed(
        format="atom" if version.startswith("atom") else "rss",
        title=_str(feed.get("title")),
        link=_str(feed.get("link")),
        items=items,
        ttl_s=ttl * 60 if ttl and ttl > 0 else None,
        update_period_s=period / frequency if period and frequency > 0 else None,
        problems=problems,
        rejected=refused,
    )
