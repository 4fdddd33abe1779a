"""RSS 0.9x/1.0/2.0 and Atom, through feedparser, into ``ParsedFeed``.

The document is read in its encoding and checked by ``xmlguard`` first; feedparser gets
the UTF-8 document that comes out of it, with nothing declared in it, and without the URL
it was fetched from: feedparser resolves relative links against the document's own
``xml:base`` only, so that nothing read here (a bare GUID above all) depends on where the
feed was fetched from. Its HTML sanitizer and its rewriting of URLs inside HTML are off:
the adapter's sanitizer and URL rules do both, once, for every format (the ``xml:base`` of
a summary or a content is kept for them).

What is read, and how:

* titles, author names and categories (an Atom category's term, else its label) are
  plain text (``fields.text``): HTML when the
  feed says so (Atom ``type="html"`` or ``"xhtml"``, or RSS text that feedparser finds to
  be HTML) or when it looks like it; summaries and content are HTML (text is escaped);
  a summary that only repeats the content is not kept twice;
* the link is the entry's alternate link; without one, a GUID (an Atom id) stands for the
  link only when it is an absolute http(s) URL and, in RSS, a permalink; a bare GUID
  (``1559104147038``) stays an identifier, never resolved into a URL;
* an Atom entry without an author has its source's authors, else the feed's (RFC 4287,
  4.2.1); an entry's language is its own ``xml:lang``, else the feed's language;
* dates are read strictly (``dates``); an RSS item without ``pubDate`` is published at
  its ``dc:date``.

A feed that is malformed but readable ("bozo") keeps its items; the problem is recorded
for the caller to count. Whatever feedparser raises on a document is a
``FeedParseError`` with its reason; an entry that cannot be read is a rejected item, the
feed's other entries go on.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Any

import feedparser

from ...core.urls import http_url
from .dates import trusted
from .errors import FeedParseError
from .fields import HTML_TYPES, language, text, text_to_html
from .model import ParsedEnclosure, ParsedFeed, ParsedItem, RejectedItem, rejected
from .xmlguard import safe_xml

PERIODS = {"hourly": 3600, "daily": 86400, "weekly": 604800, "monthly": 2629800, "yearly": 31557600}
HEADERS = {"content-type": "application/xml; charset=utf-8"}


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


def _get(d: Any, key: str) -> Any:
    """A key as feedparser stored it (its own ``get`` maps some keys onto others)."""
    return dict.get(d, key) if isinstance(d, dict) else None


def _title(d: Any) -> str | None:
    detail = _get(d, "title_detail") or {}
    return text(_str(_get(d, "title")), html=detail.get("type") in HTML_TYPES)


def _people(d: Any) -> list[str]:
    names = []
    for person in _get(d, "authors") or []:
        if isinstance(person, dict):
            name = text(_str(person.get("name")) or _str(person.get("email")))
            if name:
                names.append(name)
    if not names and (single := text(_str(_get(d, "author")))):
        names = [single]
    return list(dict.fromkeys(names))


def _categories(entry: Any) -> list[str]:
    out = []
    for tag in _get(entry, "tags") or []:
        if isinstance(tag, dict):
            name = text(_str(tag.get("term")) or _str(tag.get("label")))
            if name:
                out.append(name)
    return list(dict.fromkeys(out))


def _enclosures(entry: Any) -> list[ParsedEnclosure]:
    out: dict[str, ParsedEnclosure] = {}
    for e in entry.get("enclosures") or []:
        url = _str(e.get("href") or e.get("url"))
        if url:
            out.setdefault(url, ParsedEnclosure(url, _str(e.get("type")), _int(e.get("length"))))
    for m in _get(entry, "media_content") or []:
        url = _str(m.get("url"))
        if url:
            size = _int(m.get("filesize") or m.get("fileSize"))
            out.setdefault(url, ParsedEnclosure(url, _str(m.get("type")), size))
    return list(out.values())


def _alternate(d: Any) -> str | None:
    for link in _get(d, "links") or []:
        if not isinstance(link, dict) or link.get("rel", "alternate") != "alternate":
            continue
        if href := _str(link.get("href")):
            return href
    return None


def _feed_link(feed: Any) -> str | None:
    """The feed's own link (RSS: its last ``link``; an Atom id is no link), else an
    ``atom:link`` to an alternate in an RSS channel."""
    link = _str(_get(feed, "link"))
    if link and link != _str(_get(feed, "id")):
        return link
    return _alternate(feed) or _alternate({"links": [_get(feed, "atom_link")]})


def _link(entry: Any) -> str | None:
    """The entry's alternate link (RSS: its last ``link``), else its GUID or id when that
    is a permalink (RSS ``isPermaLink`` not false; any Atom id) and an absolute http(s)
    URL."""
    guid = _str(_get(entry, "id"))
    link = _str(_get(entry, "link"))
    from_guid = bool(_get(entry, "guidislink")) and link == guid
    if link and not from_guid:
        return link
    if guid and from_guid and http_url(guid) is not None:
        return guid
    return _alternate(entry)


def _html(detail: Any) -> tuple[str | None, str | None]:
    """A summary or content as HTML (plain text escaped; other types, decoded from base64
    by feedparser, go to the sanitizer as they are), and the ``xml:base`` it was under."""
    if not isinstance(detail, dict):
        return None, None
    value = _str(detail.get("value"))
    if value is None:
        return None, None
    kind = str(detail.get("type") or "text/html")
    html = text_to_html(value) if kind == "text/plain" else value
    return html or None, _str(detail.get("base"))


def _content(entry: Any) -> Any:
    contents = [c for c in _get(entry, "content") or [] if isinstance(c, dict)]
    for c in contents:
        if c.get("type") in HTML_TYPES:
            return c
    return contents[0] if contents else None


Dates = tuple[str | None, datetime | None, str | None, datetime | None]


def _dates(entry: Any, atom: bool) -> Dates:
    published_raw = _str(_get(entry, "published"))
    published = trusted(published_raw, _utc(_get(entry, "published_parsed")))
    updated_raw = _str(_get(entry, "updated"))
    updated = trusted(updated_raw, _utc(_get(entry, "updated_parsed")))
    if not atom and published_raw is None:  # RSS: dc:date is the date of publication
        published_raw, published = updated_raw, updated
    return published_raw, published, updated_raw, updated


def _item(entry: Any, feed: Any, atom: bool) -> ParsedItem:
    content = _content(entry)
    content_html, content_base = _html(content)
    summary_html, summary_base = _html(_get(entry, "summary_detail"))
    summary = _str(_get(entry, "summary"))
    if summary_html is None and summary:
        summary_html = summary
    if content is not None and summary == _str(content.get("value")):
        summary_html = summary_base = None  # feedparser's copy of the content
    authors = _people(entry)
    if atom and not authors:
        authors = _people(_get(entry, "source") or {}) or _people(feed)
    details = [content, _get(entry, "summary_detail"), _get(entry, "title_detail")]
    languages = [_get(entry, "language"), *(_get(d, "language") for d in details if d)]
    published_raw, published, updated_raw, updated = _dates(entry, atom)
    return ParsedItem(
        guid=_str(_get(entry, "id")),
        link=_link(entry),
        title=_title(entry),
        summary_html=summary_html,
        content_html=content_html,
        authors=authors,
        categories=_categories(entry),
        enclosures=_enclosures(entry),
        published_raw=published_raw,
        published_utc=published,
        updated_raw=updated_raw,
        updated_utc=updated,
        language=next((tag for v in languages if (tag := language(v))), None)
        or language(_get(feed, "language")),
        summary_base=summary_base,
        content_base=content_base,
    )


def _entries(
    entries: list[Any], feed: Any, atom: bool
) -> tuple[list[ParsedItem], list[RejectedItem]]:
    items: list[ParsedItem] = []
    refused: list[RejectedItem] = []
    for index, entry in enumerate(entries):
        try:
            items.append(_item(entry, feed, atom))
        except Exception as exc:  # a bug of ours on this entry: the others go on
            key = str(dict.get(entry, "id") or dict.get(entry, "link") or f"entry {index}")
            refused.append(rejected(key, repr(entry)[:100_000], exc))
    return items, refused


def parse_xml(
    body: bytes,
    content_type: str | None = None,
    *,
    max_items: int | None = None,
) -> ParsedFeed:
    safe = safe_xml(body, content_type)
    try:
        result = feedparser.parse(
            safe.data, response_headers=HEADERS, sanitize_html=False, resolve_relative_uris=False
        )
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
    atom = version.startswith("atom")
    items, refused = _entries(entries, feed, atom)
    period = PERIODS.get(str(feed.get("sy_updateperiod") or "").strip().lower())
    frequency = _float(feed.get("sy_updatefrequency")) or 1.0
    ttl = _float(feed.get("ttl"))
    return ParsedFeed(
        format="atom" if atom else "rss",
        title=_title(feed),
        link=_feed_link(feed),
        language=language(_get(feed, "language")),
        items=items,
        ttl_s=ttl * 60 if ttl and ttl > 0 else None,
        update_period_s=period / frequency if period and frequency > 0 else None,
        problems=problems,
        rejected=refused,
    )
