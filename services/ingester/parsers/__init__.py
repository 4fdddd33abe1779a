"""Feed parsers: one module per format, all producing ``ParsedFeed``."""

from __future__ import annotations

import json

from .errors import FeedParseError
from .jsonfeed import parse_json_feed
from .model import ParsedEnclosure, ParsedFeed, ParsedItem
from .xmlfeed import parse_xml

__all__ = [
    "FeedParseError",
    "ParsedEnclosure",
    "ParsedFeed",
    "ParsedItem",
    "looks_like_feed",
    "parse_feed",
]


def _is_json(body: bytes) -> bool:
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def parse_feed(
    body: bytes, *, content_type: str | None = None, url: str | None = None
) -> ParsedFeed:
    """Parse an RSS, Atom or JSON Feed document, or raise ``FeedParseError``."""
    if not body.strip():
        raise FeedParseError("the document is empty")
    if _is_json(body):
        return parse_json_feed(body)
    return parse_xml(body, content_type, url)


def looks_like_feed(body: bytes) -> bool:
    """Whether a file is a feed (for ``.json`` and ``.xml`` files in the seeds folder)."""
    if _is_json(body):
        try:
            version = json.loads(body.decode("utf-8-sig")).get("version", "")
        except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
            return False
        return isinstance(version, str) and version.startswith("https://jsonfeed.org/version/")
    head = body[:4096].lower()
    return any(tag in head for tag in (b"<rss", b"<rdf:rdf", b"<feed"))
