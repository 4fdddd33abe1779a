"""JSON Feed 1.0 and 1.1 (jsonfeed.org), read field by field into ``ParsedFeed``.

The document is read within bounds (``jsonscan``): its depth is checked before it is
decoded, and its items are decoded one at a time, the first ``max_items`` kept. A feed is
one whose ``version`` is a JSON Feed 1.x version: the URL the spec gives
(``https://jsonfeed.org/version/1.1``), over http too, or its number alone (``1.1``).

What can be read is read. An optional field of the wrong type is dropped for that item
(or the feed) and the problem recorded with the item's id, never the whole feed refused:
``tags`` given as one comma-separated string are read as the tags it lists, an ``author``
given as a string is read as the name, a number where text is expected as its text. An
item that is not a JSON object is a rejected item with the reason.

Items without authors have the feed's (``authors``, or 1.0's ``author``); an item's
language is its own, else the feed's. ``feed_url`` (else ``home_page_url``) is the base
that relative URLs resolve against (the adapter resolves them, against the fetch URL
when the feed gives none).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Any

from ...core.settings import DEFAULTS
from .dates import read_date
from .errors import FeedParseError
from .fields import language, text, text_to_html
from .jsonscan import JsonError, feed_parts
from .model import ParsedEnclosure, ParsedFeed, ParsedItem, RejectedItem, rejected

VERSION = re.compile(r"(?:https?://(?:www\.)?jsonfeed\.org/version/)?1(?:\.[0-9]+)?/?", re.I)
_KINDS = {str: "text", int: "a number", float: "a number", bool: "true or false"}


def is_version(value: object) -> bool:
    """Whether ``value`` names a JSON Feed 1.x version."""
    return isinstance(value, str) and VERSION.fullmatch(value.strip()) is not None


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return _KINDS.get(type(value), "null")


class _Fields:
    """One object's fields, each read as its type, or dropped with a recorded problem."""

    def __init__(self, values: dict[str, Any], where: str, problems: list[str]) -> None:
        self.values = values
        self.where = where
        self.problems = problems

    def drop(self, name: str, why: str) -> None:
        self.problems.append(f"{self.where}: {name}: {why}: dropped")

    def text(self, name: str, numbers: bool = True) -> str | None:
        """A text field; a number as its text, where ``numbers`` (not for URLs)."""
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return value.strip() or None
        if numbers and isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        self.drop(name, f"{_kind(value)}, not {'text' if numbers else 'a URL'}")
        return None

    def listed(self, name: str, read: Callable[[Any], Any]) -> list[Any]:
        value = self.values.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.drop(name, f"{_kind(value)}, not a list")
            return []
        out = []
        for index, entry in enumerate(value):
            got = read(entry)
            if got is None:
                self.drop(f"{name}[{index}]", f"{_kind(entry)}, not what a {name} entry is")
            else:
                out.append(got)
        return out

    def tags(self) -> list[str]:
        value = self.values.get("tags")
        if isinstance(value, str):
            self.problems.append(
                f"{self.where}: tags: one string, not a list: read as comma-separated"
            )
            return [t for t in (text(p) for p in value.split(",")) if t]
        tags = self.listed("tags", lambda t: text(t) if isinstance(t, str) else None)
        return [t for t in tags if t]

    def authors(self) -> list[str]:
        names = self.listed("authors", _author)
        if not names and "author" in self.values:
            single = self.values["author"]
            name = _author(single)
            if isinstance(single, str) and name:
                self.problems.append(f"{self.where}: author: a string, not an object: read")
            elif name is None and single is not None:
                self.drop("author", f"{_kind(single)}, not an author")
            names = [name] if name else []
        return [n for n in names if n]


def _author(value: object) -> str | None:
    """An author's name (``""`` for an author with none), or None when it is no author."""
    if isinstance(value, dict):
        name = value.get("name")
        return (text(name) or "") if isinstance(name, str) or name is None else None
    if isinstance(value, str):
        return text(value) or ""
    return None


def _attachment(value: object) -> ParsedEnclosure | None:
    if not isinstance(value, dict) or not isinstance(value.get("url"), str):
        return None
    kind, size = value.get("mime_type"), value.get("size_in_bytes")
    if isinstance(size, str) and size.strip().isdigit():
        size = int(size)
    return ParsedEnclosure(
        value["url"].strip(),
        kind.strip() or None if isinstance(kind, str) else None,
        size if isinstance(size, int) and not isinstance(size, bool) and size >= 0 else None,
    )


def _item(value: object, index: int, feed: _Fields, feed_authors: list[str]) -> ParsedItem:
    if not isinstance(value, dict):
        raise FeedParseError(f"not a JSON Feed item: {_kind(value)}, not an object")
    known = value.get("id") if isinstance(value.get("id"), str | int) else None
    where = f"item {known!r}" if known is not None else f"item {index}"
    f = _Fields(value, where, feed.problems)
    content_html, content_text = f.text("content_html", numbers=False), f.text("content_text")
    summary = f.text("summary")
    published_raw, updated_raw = f.text("date_published"), f.text("date_modified")
    return ParsedItem(
        guid=f.text("id"),
        link=f.text("url", numbers=False) or f.text("external_url", numbers=False),
        title=text(f.text("title")),
        summary_html=html.escape(summary) if summary else None,
        content_html=content_html or (text_to_html(content_text) if content_text else None),
        authors=f.authors() or feed_authors,
        categories=list(dict.fromkeys(f.tags())),
        enclosures=f.listed("attachments", _attachment),
        published_raw=published_raw,
        published_utc=read_date(published_raw),
        updated_raw=updated_raw,
        updated_utc=read_date(updated_raw),
        language=language(f.text("language")) or language(feed.values.get("language")),
    )


def _items(
    raw: list[object], feed: _Fields, feed_authors: list[str]
) -> tuple[list[ParsedItem], list[RejectedItem]]:
    items: list[ParsedItem] = []
    refused: list[RejectedItem] = []
    for index, value in enumerate(raw):
        try:
            items.append(_item(value, index, feed, feed_authors))
        except Exception as exc:  # not an item (a FeedParseError), or a bug of ours
            known = value if isinstance(value, dict) else {}
            key = str(known.get("id") or known.get("url") or f"item {index}")
            refused.append(rejected(key, json.dumps(value, default=repr)[:100_000], exc))
    return items, refused


def parse_json_feed(body: bytes, *, max_items: int = DEFAULTS.feed_max_items) -> ParsedFeed:
    try:
        parts = feed_parts(body.decode("utf-8-sig"), max_items)
    except UnicodeDecodeError as exc:
        raise FeedParseError(f"not valid JSON: not UTF-8 ({exc.reason} at {exc.start})") from None
    except JsonError as exc:
        raise FeedParseError(f"not valid JSON: {exc}") from None
    if "items" in parts.members:
        raise FeedParseError("not a JSON Feed: items: not an array")
    version = parts.members.get("version")
    if not is_version(version):
        shown = repr(version)[:80] if version is not None else "missing"
        raise FeedParseError(f"not a JSON Feed: version: not a JSON Feed 1.x version ({shown})")
    problems: list[str] = []
    feed = _Fields(parts.members, "feed", problems)
    if parts.count > max_items:
        problems.append(f"the feed has {parts.count} entries; the first {max_items} are kept")
    home, own = feed.text("home_page_url", numbers=False), feed.text("feed_url", numbers=False)
    items, refused = _items(parts.items, feed, feed.authors())
    return ParsedFeed(
        format="jsonfeed",
        title=text(feed.text("title")),
        link=home,
        base=own or home,
        language=language(feed.text("language")),
        items=items,
        problems=problems,
        rejected=refused,
    )
