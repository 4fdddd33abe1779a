"""Feed parsers: one module per format, all producing ``ParsedFeed``.

``parse_feed`` returns a ``ParsedFeed`` or raises ``FeedParseError`` with the reason,
whatever the bytes: the parsers' own failures on a document are that error too.
"""

from __future__ import annotations

from ...core.settings import DEFAULTS
from .errors import FeedParseError
from .jsonfeed import is_version, parse_json_feed
from .jsonscan import JsonError, feed_parts
from .model import ParsedEnclosure, ParsedFeed, ParsedItem, RejectedItem, rejected
from .xmlfeed import parse_xml

__all__ = [
    "FeedParseError",
    "ParsedEnclosure",
    "ParsedFeed",
    "ParsedItem",
    "RejectedItem",
    "looks_like_feed",
    "parse_feed",
    "rejected",
]


def _is_json(body: bytes) -> bool:
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def parse_feed(
    body: bytes,
    *,
    content_type: str | None = None,
    max_items: int = DEFAULTS.feed_max_items,
) -> ParsedFeed:
    """Parse an RSS, Atom or JSON Feed document, or raise ``FeedParseError``. Of its
    entries, the first ``max_items`` are kept (feeds list the newest first); the rest is a
    recorded problem, not a flood of old items.

    Nothing read depends on where the document came from: relative URLs stay as written
    (resolved against ``xml:base`` only), for the adapter to resolve."""
    if not body.strip():
        raise FeedParseError("the document is empty")
    if _is_json(body):
        return parse_json_feed(body, max_items=max_items)
    return parse_xml(body, content_type, max_items=max_items)


def looks_like_feed(body: bytes) -> bool:
    """Whether a file is a feed (for ``.json`` and ``.xml`` files in the seeds folder)."""
    if _is_json(body):
        try:
            version = feed_parts(body.decode("utf-8-sig"), 0).members.get("version", "")
        except (UnicodeDecodeError, JsonError):
            return False
        return is_version(version)
    head = body[:4096].lower()
    return any(tag in head for tag in (b"<rss", b"<rdf:rdf", b"<feed"))
